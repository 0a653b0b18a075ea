import type { Clock } from '../../src-shared/time/clock.js';
import type { CallLog } from '../calls/call-log.js';
import type { FocusDesk } from '../focus/focus-desk.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { PhoneDesk } from '../phone/phone-desk.js';
import type { PolicyService } from '../policy/policy-service.js';
import { ReminderScheduler, reminderHours } from './reminders.js';

export type CallbackRemindersPorts = {
  clock: Clock;
  policy: PolicyService;
  callLog: Pick<CallLog, 'unhandled'>;
  focus: Pick<FocusDesk, 'controller' | 'onChange'>;
  phone: Pick<PhoneDesk, 'status' | 'onStatus'>;
  bus: EventBus;
};

/**
 * "Return calls same day": at the policy's times, while voicemail and missed
 * calls wait, `reminders.due` goes out; never during a call or Focus (held,
 * and sent once when it ends). Follows policy, focus and the phone.
 */
export function startCallbackReminders(ports: CallbackRemindersPorts): { stop(): void } {
  const { clock, policy, callLog, focus, phone, bus } = ports;
  const scheduler = new ReminderScheduler({
    clock,
    schedule: policy.current().values['reminders.schedule'],
    hours: reminderHours(policy.current().values),
    unhandledCount: () => callLog.unhandled(1000).length,
    inCall: () => phone.status.activeCalls > 0,
    focused: () => focus.controller.state.mode !== 'off',
    onRemind: (r) => bus.emit('reminders.due', { count: r.count, delayed: r.delayed, text: reminderText(r.count) }),
  });
  scheduler.start();
  let activeCalls = phone.status.activeCalls;
  const stops = [
    policy.onChange(() => scheduler.update(policy.current().values['reminders.schedule'], reminderHours(policy.current().values))),
    focus.onChange((view) => {
      if (view.mode === 'off') scheduler.recheck();
    }),
    phone.onStatus((status) => {
      const callEnded = activeCalls > 0 && status.activeCalls === 0;
      activeCalls = status.activeCalls;
      if (callEnded) scheduler.recheck();
    }),
  ];
  return {
    stop() {
      for (const stop of stops) stop();
      scheduler.stop();
    },
  };
}

function reminderText(count: number): string {
  return count === 1 ? '1 call to return today (voicemail or a missed call).' : `${count} calls to return today (voicemail and missed calls).`;
}
