import type { Clock } from '../../src-shared/time/clock.js';
import type { CallLog } from '../calls/call-log.js';
import type { FocusPeriods } from '../focus/focus-periods.js';
import type { CommandHandlers } from '../ipc/router.js';
import type { SettingsValues } from '../policy/schema.js';
import type { VoicemailStore } from '../voicemail/voicemail-store.js';
import { dayCount, isDayKey, isTimeZone, nextDay, startOfDay } from './calendar-days.js';
import { computeInsights, type KnownCaller } from './insights.js';

export type InsightsDeskPorts = {
  clock: Clock;
  settings: () => Pick<SettingsValues, 'insights.visible'>;
  callLog: Pick<CallLog, 'inRange'>;
  focusPeriods: Pick<FocusPeriods, 'between'>;
  /** When the focus period running now began; null while focus is off. */
  focusSince: () => Date | null;
  voicemails: Pick<VoicemailStore, 'between'>;
  /** The caller as the PSA's index or the built-in tickets know them. */
  whoIs: (number: string) => KnownCaller | null;
};

type Handlers = Pick<CommandHandlers, 'insights.get'>;

/** The longest range one query may ask for: a year, so a typo can't make main read the whole log. */
export const MAX_INSIGHT_DAYS = 366;

/**
 * The insights room's desk: reads the range from the call log, the focus
 * periods and the voicemail store, and hands it to the pure aggregation
 * (insights.ts). Read-only; policy's `insights.visible: false` turns the
 * query off as well as the tab.
 */
export function createInsightsDesk(ports: InsightsDeskPorts) {
  const handlers: Handlers = {
    'insights.get': ({ from, to, timeZone }) => {
      if (!ports.settings()['insights.visible']) throw new Error('Insights are turned off by your organization (policy insights.visible).');
      if (!isDayKey(from) || !isDayKey(to)) throw new Error('The date range must be two days like 2026-03-08.');
      if (to < from) throw new Error(`The range ends (${to}) before it starts (${from}); pick the start day first.`);
      if (dayCount(from, to) > MAX_INSIGHT_DAYS) throw new Error(`Pick at most ${MAX_INSIGHT_DAYS} days; ${from} to ${to} is ${dayCount(from, to)}.`);
      if (!isTimeZone(timeZone)) throw new Error(`"${timeZone}" isn't a time zone this computer knows; check the system's time zone.`);
      const fromMs = startOfDay(from, timeZone);
      const toMs = startOfDay(nextDay(to), timeZone);
      const now = ports.clock.now().getTime();
      const running = ports.focusSince();
      const spans: { startedAt: number; endedAt: number | null }[] = ports.focusPeriods.between(fromMs, toMs);
      if (running !== null && running.getTime() < toMs) spans.push({ startedAt: running.getTime(), endedAt: null });
      return computeInsights({
        range: { from, to, timeZone },
        now,
        attempts: ports.callLog.inRange(fromMs, toMs),
        focus: spans,
        voicemails: ports.voicemails.between(fromMs, toMs),
        whoIs: ports.whoIs,
      });
    },
  };
  return { handlers };
}
