import { messageOf } from '../../src-shared/errors.js';
import type { CallerFields } from '../../src-shared/sip/caller-fields.js';
import type { CallView, Decision, HistoryEntry, PhoneStatus, PhoneView } from '../ipc/contract.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { CommandHandlers } from '../ipc/router.js';
import { toAccount } from '../policy/focus-rules.js';
import type { PolicyService } from '../policy/policy-service.js';
import { MediaBridge } from './media-bridge.js';
import type { CallCommand } from './call-commands.js';
import { PhoneAgent, type PhoneAgentPorts, type PhoneCredentials } from './phone-agent.js';
import { watchForWake } from './wake-detector.js';

type Callback = { attemptId?: string | undefined; voicemailId?: string | undefined };

export type PhoneDeskPorts = {
  policy: Pick<PolicyService, 'current' | 'onChange'>;
  /** The SIP password, from the keychain. */
  password: () => Promise<string | undefined>;
  /** "Focusline/<version>", the User-Agent the phone sends. */
  version: string;
  bus: EventBus;
  /** The calls desk: decide and queue the row, in-process. */
  calls: {
    screen(call: CallerFields, truncated: readonly string[]): Decision;
    recordFallback(call: CallerFields, reason: string): void;
    logged(): Promise<void>;
    callEnded(entry: HistoryEntry): void;
    voicemailHandedOn(callId: string, target: string | undefined, reason: string): void;
  };
  /** A returned call connected: its follow-up entry or voicemail counts as called back. */
  callbackConnected(callback: Callback): void;
  /** A returned call ended, connected or not: each try is a contact attempt on the trail. */
  callbackEnded(callback: Callback, entry: HistoryEntry): void;
  /** What a transfer is about when the tech doesn't say: the active ticket ("About #1001: Printer down at Acme"), or null. */
  transferSubject: () => string | null;
  /** A transfer went through: the ticket being worked on gets a note saying so. */
  transferred: (event: { caller: CallView; target: string; mode: 'blind' | 'warm' }) => void;
  log: (message: string) => void;
  /** Presence follows the phone's line (presence-desk.ts). */
  line?: PhoneAgentPorts['line'];
  /** The redirect target's presence says offline: a call Focusline's voicemail can't take isn't handed on to nobody. */
  redirectTargetOffline?: () => boolean;
};

type Handlers = Pick<
  CommandHandlers,
  | 'phone.get'
  | 'phone.call'
  | 'phone.callVoicemail'
  | 'phone.answer'
  | 'phone.decline'
  | 'phone.hangup'
  | 'phone.hold'
  | 'phone.mute'
  | 'phone.dtmf'
  | 'phone.transfer'
  | 'phone.reconnect'
  | 'media.attach'
  | 'media.reply'
>;

const OK = { ok: true as const };

/**
 * The phone room's desk: runs the SIP user agent in main (registered with
 * the account from policy and the password from the keychain, restarted when
 * either changes, but never under a live call), carries out the window's
 * clicks, and owns `phone.changed` and `media.request`. Its status feeds
 * the tray and the reminders whether or not a window is open.
 */
export function createPhoneDesk(ports: PhoneDeskPorts) {
  const listeners = new Set<(status: PhoneStatus) => void>();
  const ringListeners = new Set<(call: CallView, windowOpen: boolean) => void>();
  let status: PhoneStatus = { registration: 'unconfigured', detail: '', activeCalls: 0, ringing: false };
  /** Calls that return a caller's call (their follow-up entry or voicemail), until they end. */
  const callbacks = new Map<string, Callback>();
  const bridge = new MediaBridge((request) => ports.bus.emit('media.request', request));
  const values = () => ports.policy.current().values;

  const agent = new PhoneAgent({
    bridge,
    screen: (call, truncated) => ports.calls.screen(call, truncated),
    recordFallback: (call, reason) => ports.calls.recordFallback(call, reason),
    logged: () => ports.calls.logged(),
    callEnded: (entry) => {
      ports.calls.callEnded(entry);
      const callback = callbacks.get(entry.id);
      if (callback) {
        callbacks.delete(entry.id);
        ports.callbackEnded(callback, entry);
      }
    },
    voicemailHandedOn: (callId, target, reason) => ports.calls.voicemailHandedOn(callId, target, reason),
    voicemailHandOnTarget: () => (ports.redirectTargetOffline?.() ? undefined : values()['focus.redirectTarget'] || undefined),
    ringTimeoutMs: () => values()['calls.ringTimeoutSeconds'] * 1000,
    changed: (view) => {
      ports.bus.emit('phone.changed', view);
      publishStatus(view);
    },
    transferred: (event) => ports.transferred(event),
    ringing: (call, windowOpen) => {
      for (const listener of ringListeners) listener(call, windowOpen);
    },
    log: ports.log,
    ...(ports.line ? { line: ports.line } : {}),
  });

  function publishStatus(view: PhoneView): void {
    const next: PhoneStatus = {
      registration: view.registration,
      detail: view.detail,
      activeCalls: view.calls.filter((c) => c.state !== 'ringing').length,
      ringing: view.calls.some((c) => c.state === 'ringing' && !c.silent),
    };
    if (JSON.stringify(next) === JSON.stringify(status)) return;
    status = next;
    for (const listener of listeners) listener(next);
  }

  async function credentials(): Promise<PhoneCredentials | null> {
    const v = values();
    const account = toAccount(v);
    if (!account) return null;
    const mwi = { subscribe: v['voicemail.subscribeMwi'], accessNumber: v['voicemail.accessNumber'] };
    return { account, password: (await ports.password()) ?? '', iceServers: v.iceServers, userAgentString: `Focusline/${ports.version}`, mwi };
  }

  // One (re)start at a time; a restart with the credentials already in use is
  // skipped unless the last attempt failed ("Save and connect" retries it).
  let running = '';
  let chain: Promise<void> = Promise.resolve();
  let closed = false;
  const restart = (): Promise<void> => {
    chain = chain
      .then(async () => {
        if (closed) return;
        let creds = await credentials();
        let fingerprint = JSON.stringify(creds);
        if (fingerprint === running && agent.view().registration !== 'failed') return;
        // A change from policy or Settings mid-call waits for the calls to end: restarting the phone would hang them up.
        if (running !== '' && agent.hasCalls) {
          ports.log('Phone settings changed during a call; reconnecting when the call ends.');
          agent.setNotice('Your phone settings changed; Focusline will reconnect with them when your call ends.');
          await agent.whenIdle();
          agent.clearNotice();
          if (closed) return;
          creds = await credentials();
          fingerprint = JSON.stringify(creds);
        }
        running = fingerprint;
        if (!creds) await agent.unconfigure();
        else await agent.start(creds);
      })
      .catch((error: unknown) => ports.log(`The phone could not start: ${messageOf(error)}`));
    return chain;
  };
  const stopFollowingPolicy = ports.policy.onChange(() => void restart());
  // Web mode has no power events: a timer that fires far too late means the machine slept.
  const stopWakeWatch = watchForWake(() => agent.reconnectNow());

  const handlers: Handlers = {
    'phone.get': () => agent.view(),
    'phone.call': async ({ target, callback }) => {
      const callId = await agent.call(target, callback ? { onConnected: () => ports.callbackConnected(callback) } : {});
      if (callback) callbacks.set(callId, callback);
      return { callId };
    },
    'phone.callVoicemail': async () => ({ callId: await agent.callVoicemail() }),
    'phone.answer': async ({ callId }) => {
      await agent.answer(callId);
      return OK;
    },
    'phone.decline': async ({ callId }) => {
      await agent.decline(callId);
      return OK;
    },
    'phone.hangup': async ({ callId }) => {
      await agent.hangup(callId);
      return OK;
    },
    'phone.hold': async ({ callId, hold }) => {
      await agent.hold(callId, hold);
      return OK;
    },
    'phone.mute': ({ callId, muted }) => {
      agent.setMute(callId, muted);
      return OK;
    },
    'phone.dtmf': ({ callId, tone }) => {
      agent.sendDtmf(callId, tone);
      return OK;
    },
    'phone.transfer': async ({ callId, to, mode, subject }) => {
      const { consultCallId } = await agent.transfer(callId, mode, to, subject ?? ports.transferSubject());
      return consultCallId ? { ok: true, consultCallId } : OK;
    },
    'phone.reconnect': () => {
      agent.reconnectNow();
      return OK;
    },
    'media.attach': ({ endpoint }) => {
      bridge.attach(endpoint);
      agent.clearNotice();
      return { liveCallIds: agent.liveCallIds() };
    },
    'media.reply': ({ endpoint, id, ok, result, error }) => {
      bridge.reply(endpoint, id, ok ? { ok: true, result: result ?? {} } : { ok: false, error: error ?? 'The window could not do it.' });
      return OK;
    },
  };

  /** A call command from a script: acts at once (no hold-permission question; that is a step of the UI). */
  async function runCallCommand(command: CallCommand): Promise<{ callId: string; consultCallId?: string }> {
    if (command.kind === 'dial') return { callId: await agent.call(command.to) };
    if (!agent.hasCall(command.callId)) throw new Error(`No call "${command.callId}" is up now (GET calls lists them).`);
    if (command.kind === 'transfer') {
      const { consultCallId } = await agent.transfer(command.callId, command.mode, command.to, ports.transferSubject());
      return { callId: command.callId, ...(consultCallId ? { consultCallId } : {}) };
    }
    if (command.kind === 'answer') await agent.answer(command.callId);
    else if (command.kind === 'hangup') await agent.hangup(command.callId);
    else await agent.hold(command.callId, command.kind === 'hold');
    return { callId: command.callId };
  }

  return {
    handlers,
    /** Every call for scripts, one entry a leg, with those that ended in the last minute. */
    legs: () => agent.legs(),
    runCallCommand,
    /** Registers with what policy and the keychain hold now (and again whenever they change). */
    start: () => restart(),
    /** A settings save: reconnect with the new account or password. */
    restart,
    get status(): PhoneStatus {
      return status;
    },
    view: () => agent.view(),
    onStatus(listener: (status: PhoneStatus) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** An allowed call rings: the shell rings the tray and notifies (the window may be closed). */
    onRinging(listener: (call: CallView, windowOpen: boolean) => void): () => void {
      ringListeners.add(listener);
      return () => ringListeners.delete(listener);
    },
    /** The OS woke up or came back online (Electron's powerMonitor; web mode's wake timer). */
    reconnectNow: () => agent.reconnectNow(),
    /** The window that carried media is gone (its socket closed, its renderer died or reloaded). */
    mediaGone: (endpoint?: string) => bridge.detach(endpoint),
    async close() {
      closed = true;
      stopFollowingPolicy();
      stopWakeWatch();
      bridge.close();
      await agent.close();
    },
  };
}

export type PhoneDesk = ReturnType<typeof createPhoneDesk>;
