import { join } from 'node:path';
import { CallHistory } from '../calls/history.js';
import { CallLog } from '../calls/call-log.js';
import { CallScreening, toAttemptView } from '../calls/call-screening.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { summariseSuppressed } from '../focus/focus-digest.js';
import { FocusController } from '../focus/focus-controller.js';
import type { FocusCommand } from '../focus/focus-commands.js';
import type { FocusPeriod } from '../focus/focus-session.js';
import { FocusStateStore } from '../focus/focus-state-store.js';
import { systemClock } from '../focus/system-clock.js';
import { coalesce } from '../ipc/coalesce.js';
import { EventBus } from '../ipc/event-bus.js';
import { createRouter, type CommandHandlers } from '../ipc/router.js';
import type { FocusView, HistoryEntry, PhoneStatus } from '../ipc/contract.js';
import { toAccount } from '../policy/focus-rules.js';
import { PolicyService } from '../policy/policy-service.js';
import { createPolicySources } from '../policy/sources/create-sources.js';
import { UserSettings } from '../policy/user-settings.js';
import { openDatabase } from '../storage/database.js';
import type { SecretStore } from '../storage/secret-store.js';
import type { OpenSettingsFile } from '../storage/settings-file.js';
import type { DirectoryEntry } from '../focus/types.js';
import { handoffKey } from '../handoffs/outbox.js';
import type { PsaAdapterDeps } from '../tickets/psa-config.js';
import { psaForms } from '../tickets/psa-registry.js';
import type { createPsaAdapter } from '../tickets/psa-factory.js';
import { createTicketing } from './ticketing.js';
import { createVoicemailDesk } from './voicemail-desk.js';
import { ReminderScheduler, reminderHours } from '../voicemail/reminders.js';
import { toHandoffView } from '../handoffs/handoff-view.js';
import type { AttachmentSource } from '../handoffs/psa-handoff-sender.js';
import { editPayload, hasEdits } from '../handoffs/handoff-edit.js';
import type { AttemptView } from '../ipc/contract.js';
import { messageOf } from '../../src-shared/errors.js';

export type ServiceOptions = {
  mode: 'electron' | 'web';
  version: string;
  dataDir: string;
  /** FOCUSLINE_CONFIG, when set; otherwise settings.json in the data folder. */
  configPath?: string | undefined;
  /** How the settings file is opened: electron-store from the Electron shell, conf when not given (web mode, tests). */
  openSettingsFile?: OpenSettingsFile;
  secrets: SecretStore;
  log?: (message: string) => void;
  /** Where policy comes from: the process environment and OS by default. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Injected in tests so schedules and DND expiry need no sleeping. */
  clock?: Clock;
  /** Tests may inject fetch for PSA adapters, or the adapter itself; the app uses Node's fetch and the shipped adapters. */
  psaDeps?: PsaAdapterDeps;
  createPsaAdapter?: typeof createPsaAdapter;
};

export type PhoneStatusListener = (status: PhoneStatus) => void;
export type FocusListener = (view: FocusView) => void;

/**
 * The composition root for main's services. Electron and web mode both build
 * the app through here, so they run the same code behind the same contract.
 */
export async function createServices(options: ServiceOptions) {
  const log = options.log ?? ((m: string) => console.log(`[focusline] ${m}`));
  const clock = options.clock ?? systemClock;
  const userSettings = new UserSettings(options.configPath ?? join(options.dataDir, 'settings.json'), options.secrets, log, options.openSettingsFile);
  await userSettings.load();
  if (userSettings.problem) log(`Settings problem: ${userSettings.problem.message}`);
  const policy = new PolicyService({
    sources: createPolicySources({ platform: options.platform ?? process.platform, env: options.env ?? process.env, dataDir: options.dataDir, log }),
    userSettings,
    log,
  });
  await policy.start();
  for (const p of policy.current().problems) log(`Policy problem: ${p.origin}${p.key ? ` ${p.key}` : ''}: ${p.message}`);
  const history = new CallHistory(options.dataDir);
  await history.load();
  if (history.skippedLines > 0) log(`Skipped ${history.skippedLines} damaged line(s) in ${history.path}.`);

  const db = openDatabase(options.dataDir);
  const callLog = new CallLog(db);
  const bus = new EventBus();
  const statusListeners = new Set<PhoneStatusListener>();
  const focusListeners = new Set<FocusListener>();
  const rendererReadyListeners = new Set<() => void>();
  let phoneStatus: PhoneStatus = { registration: 'offline', detail: '', activeCalls: 0, ringing: false };

  // Lists are pushed coalesced: under a call storm the phone must answer SIP, not re-send lists.
  const callLogPush = coalesce(() => bus.emit('callLog.changed', { unhandled: callLog.unhandled(200).map(toAttemptView) }), 250);
  const historyPush = coalesce(() => bus.emit('history.changed', { entries: history.list(200) }), 250);
  const emitCallLog = () => callLogPush.request();
  const emitTickets = () => bus.emit('tickets.changed', { tickets: ticketing.listTickets() });
  const handoffsPush = coalesce(() => bus.emit('handoffs.changed', { handoffs: ticketing.handoffs() }), 250);
  const psaPush = coalesce(
    () =>
      void ticketing
        .status()
        .then((view) => bus.emit('psa.changed', view))
        .catch((error: unknown) => log(`PSA status: ${messageOf(error)}`)),
    250,
  );
  let psaCoworkers: readonly DirectoryEntry[] = [];
  const ticketing = createTicketing({
    db,
    clock,
    policy,
    secrets: options.secrets,
    log,
    ...(options.psaDeps ? { psaDeps: options.psaDeps } : {}),
    ...(options.createPsaAdapter ? { createPsaAdapter: options.createPsaAdapter } : {}),
    attachmentsFor: (voicemailId) => voicemailAttachments(voicemailId),
    focus: () => focus,
    onTickets: emitTickets,
    onHandoffs: () => handoffsPush.request(),
    onPsa: () => psaPush.request(),
    onMembers: () => {
      psaCoworkers = ticketing.members().map((m) => ({ name: m.name, numbers: m.numbers }));
      screening.warm();
    },
  });
  const tickets = ticketing.desk;
  const voicemailPush = coalesce(() => bus.emit('voicemail.changed', { messages: voicemail.inbox() }), 250);
  const emitDigest = (period: FocusPeriod) => {
    const held = callLog.inRange(period.started.getTime(), period.endedAt.getTime() + 1).filter((a) => a.action !== 'ring');
    bus.emit('focus.digest', { text: summariseSuppressed(held), calls: held.length });
  };
  /** Set once the voicemail desk exists; the outbox only sends after start(), which comes later. */
  let voicemailAttachments: AttachmentSource = async () => [];
  /** Set once the call log and focus exist; focus changes before then have nothing to remind about. */
  // eslint-disable-next-line prefer-const -- late-bound until services.ts is wiring only and the desks are built in order
  let reminders: ReminderScheduler | undefined;
  const focus = new FocusController({
    clock,
    tickets: tickets.source,
    store: new FocusStateStore(db),
    onChange: (view) => {
      bus.emit('focus.changed', view);
      if (view.mode === 'off') reminders?.recheck();
      emitTickets();
      for (const listener of focusListeners) listener(view);
    },
    onFocusEnded: emitDigest,
  });
  const voicemail = await createVoicemailDesk({
    db,
    dataDir: options.dataDir,
    clock,
    policy,
    callLog,
    ticketing,
    focusState: () => focus.state,
    onChange: () => voicemailPush.request(),
    onCallLogChange: () => emitCallLog(),
    log,
  });
  voicemailAttachments = (id) => voicemail.attachmentsFor(id);
  reminders = new ReminderScheduler({
    clock,
    schedule: policy.current().values['reminders.schedule'],
    hours: reminderHours(policy.current().values),
    unhandledCount: () => callLog.unhandled(1000).length,
    inCall: () => phoneStatus.activeCalls > 0,
    focused: () => focus.state.mode !== 'off',
    onRemind: (r) => bus.emit('reminders.due', { count: r.count, delayed: r.delayed, text: reminderText(r.count) }),
  });
  reminders.start();
  const screening = new CallScreening({
    callLog,
    focusState: () => focus.state,
    settings: () => policy.current().values,
    now: () => clock.now(),
    psaCoworkers: () => psaCoworkers,
  });
  screening.warm();
  ticketing.outbox.onChange((h) => {
    handoffsPush.request();
    // A ticket's link or a failure is what the tech waits for: show it now, not at the end of the window.
    if (h.state === 'sent' || h.state === 'failed') handoffsPush.flush();
  });
  await ticketing.start();
  const stopFollowingPolicy = policy.onChange(() => {
    screening.warm();
    reminders?.update(policy.current().values['reminders.schedule'], reminderHours(policy.current().values));
    ticketing.apply().catch((error: unknown) => log(`Reconnecting the PSA failed: ${messageOf(error)}`));
    bus.emit('policy.changed', policy.policyView());
    void policy.settingsView().then((view) => bus.emit('settings.changed', view));
  });

  /**
   * After the tech saved settings: resolve them again and tell every window,
   * even when no effective value changed (a new password alone must make
   * the phone log in again).
   */
  const settingsSaved = async () => {
    await policy.reload();
    const view = await policy.settingsView();
    bus.emit('settings.changed', view);
    return view;
  };

  /** The phone's outcome for an incoming call updates its contact attempt: answered, or a callback to do. */
  const settleAttempt = (entry: HistoryEntry) => {
    if (entry.direction !== 'incoming') return;
    const attempt = callLog.forCall(entry.id);
    if (!attempt || attempt.handled !== null) return;
    if (entry.outcome === 'answered') callLog.markHandled(attempt.id, 'answered', clock.now().getTime());
    else if (entry.outcome === 'missed') callLog.markMissed(attempt.id);
    else if (entry.outcome === 'declined') callLog.markHandled(attempt.id, 'dismissed', clock.now().getTime());
    emitCallLog();
    if (policy.current().values['psa.logAttempts'] === 'all')
      void logAttempt(
        toAttemptView(callLog.get(attempt.id) ?? attempt),
        entry.outcome === 'answered' ? 'Rang; answered' : entry.outcome === 'missed' ? 'Rang; missed (callback due today)' : 'Rang; declined',
      );
  };

  /** Every contact attempt goes into the PSA when policy asks; on the ticket only when the caller is its contact. */
  const logAttempt = async (attempt: AttemptView, outcome: string) => {
    if (!ticketing.desk.usesPsa()) return;
    // After the answer has gone back to the phone, and from the local index only: one live PSA search per held call would invite a 429 in a call storm.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const caller = ticketing.callerFromIndex(attempt);
      const companyId = caller?.company?.id ?? caller?.person?.companyId;
      ticketing.outbox.enqueue({
        kind: 'log-attempt',
        idempotencyKey: handoffKey('log-attempt', attempt.id),
        payload: {
          ...(attempt.rule === 'ticket-contact' && attempt.ticketId ? { ticketId: attempt.ticketId } : {}),
          ...(caller?.person?.kind === 'contact' ? { contactId: caller.person.id } : {}),
          ...(companyId ? { companyId } : {}),
          callerNumber: attempt.callerNumber,
          callerName: caller?.person?.name ?? attempt.callerName,
          occurredAt: attempt.at,
          outcome,
          text: `${outcome}. ${attempt.reason}`,
          attemptId: attempt.id,
        },
      });
    } catch (error) {
      log(`Logging the call from ${attempt.callerNumber} into the PSA failed: ${messageOf(error)}`);
    }
  };

  const handlers: CommandHandlers = {
    ...voicemail.handlers,
    'app.info': () => ({ version: options.version, mode: options.mode, platform: process.platform }),
    'app.rendererReady': () => {
      for (const listener of rendererReadyListeners) listener();
      return { ok: true as const };
    },
    'settings.get': () => policy.settingsView(),
    'settings.saveAccount': async ({ account, password }) => {
      if (policy.isLocked('account.wsServer') && account.wsServer !== policy.current().values['account.wsServer']) {
        throw new Error('The server is managed by your organization, so it can’t be changed here.');
      }
      await userSettings.saveAccount(account, password);
      return settingsSaved();
    },
    'settings.saveDevices': async ({ devices }) => {
      await userSettings.saveDevices(devices);
      return settingsSaved();
    },
    'settings.setValue': async ({ key, value }) => {
      await policy.setUserValue(key, value);
      return policy.policyView();
    },
    'phone.credentials': async () => {
      const values = policy.current().values;
      const account = toAccount(values);
      if (!account) return null;
      const mwi = { subscribe: values['voicemail.subscribeMwi'], accessNumber: values['voicemail.accessNumber'] };
      return { account, password: (await userSettings.password()) ?? '', iceServers: values.iceServers, userAgentString: `Focusline/${options.version}`, mwi };
    },
    'phone.reportStatus': ({ status }) => {
      const callEnded = phoneStatus.activeCalls > 0 && status.activeCalls === 0;
      phoneStatus = status;
      if (callEnded) reminders?.recheck();
      for (const listener of statusListeners) listener(status);
      return { ok: true as const };
    },
    'calls.decide': ({ call }) => {
      const { decision, attempt } = screening.screen(call);
      if (decision.action !== 'ring') {
        const view = toAttemptView(attempt);
        bus.emit('calls.suppressed', view);
        emitCallLog();
        if (policy.current().values['psa.logAttempts'] !== 'off') void logAttempt(view, `Held by Focus: ${decision.action}`);
      }
      return decision;
    },
    'calls.decisionFallback': ({ call, reason }) => {
      log(`Rang call ${call.callId} from ${call.fromUri} without a decision: ${reason}`);
      screening.recordFallback(call, reason);
      emitCallLog();
      return { ok: true as const };
    },
    'history.record': async ({ entry }) => {
      await history.record(entry);
      historyPush.request();
      settleAttempt(entry);
      return { ok: true as const };
    },
    'history.list': ({ limit }) => ({ entries: history.list(limit) }),
    'focus.get': () => focus.view(),
    'focus.startTicket': ({ ticketId }) => focus.startTicket(ticketId),
    'focus.stop': () => focus.stopAll(),
    'focus.dnd': ({ minutes, until }) => focus.startDnd({ minutes, until: until ? new Date(until) : undefined }),
    'tickets.list': () => ({ tickets: tickets.listOpen() }),
    'tickets.addNote': async ({ ticketId, text, attemptId }) => {
      const attempt = attemptId ? callLog.get(attemptId) : undefined;
      if (attemptId && !attempt) throw new Error('That call is no longer in the call log.');
      const result = tickets.addNote(ticketId, text, attempt ? toAttemptView(attempt) : null);
      const handled = attempt ? (callLog.markHandled(attempt.id, 'note-added', clock.now().getTime()) ?? attempt) : undefined;
      emitCallLog();
      return { handoff: result.handoff ? toHandoffView(result.handoff) : null, attempt: handled ? toAttemptView(handled) : null };
    },
    'calls.lookup': ({ number, attemptId }) => ticketing.lookup(number, attemptId),
    'handoffs.list': () => ({ handoffs: ticketing.handoffs() }),
    'handoffs.resend': ({ id, ...edit }) => {
      const current = ticketing.outbox.get(id);
      if (!current) throw new Error('That handoff no longer exists.');
      return toHandoffView(ticketing.outbox.resend(id, hasEdits(edit) ? editPayload(current.kind, current.payload, edit) : undefined));
    },
    'psa.status': () => ticketing.status(),
    'psa.forms': () => ({ forms: psaForms() }),
    'psa.test': (form) => ticketing.test(form),
    'psa.save': (form) => ticketing.save(form),
    'psa.refresh': () => ticketing.refresh(),
    'tickets.create': (input) => {
      const ticket = tickets.create(input);
      emitTickets();
      return ticket;
    },
    'callLog.list': ({ limit, unhandledOnly }) => ({ attempts: (unhandledOnly ? callLog.unhandled(limit) : callLog.list(limit)).map(toAttemptView) }),
    'callLog.handle': ({ attemptId, how }) => {
      const attempt = callLog.markHandled(attemptId, how, clock.now().getTime());
      if (!attempt) throw new Error('That call is no longer in the call log.');
      emitCallLog();
      return toAttemptView(attempt);
    },
    'callLog.createTicket': async ({ attemptId, callId, summary, notes, description }) => {
      const attempt = attemptId !== undefined ? callLog.get(attemptId) : callLog.forCall(callId ?? '');
      if (!attempt)
        throw new Error(
          attemptId !== undefined
            ? 'That call is no longer in the call log.'
            : 'Focusline has no record of that call (calls you made have no ticket to create).',
        );
      const view = toAttemptView(attempt);
      const caller = await ticketing.callerOf(view);
      const result = tickets.createFromCall(view, { summary, notes, description }, caller);
      const handled = callLog.markHandled(attempt.id, 'ticket-created', clock.now().getTime()) ?? attempt;
      emitCallLog();
      emitTickets();
      return { ticket: result.ticket, handoff: result.handoff ? toHandoffView(result.handoff) : null, attempt: toAttemptView(handled) };
    },
    'policy.get': () => policy.policyView(),
    'reports.repeatCallers': ({ days }) => {
      const to = clock.now().getTime();
      const rows = callLog.repeatCallers(to - days * 86_400_000, to + 1);
      return {
        rows: rows.map((r) => ({ ...r, callerName: r.callerName ?? '', firstAt: new Date(r.firstAt).toISOString(), lastAt: new Date(r.lastAt).toISOString() })),
      };
    },
  };

  return {
    route: createRouter(handlers, log),
    bus,
    userSettings,
    policy,
    history,
    callLog,
    get phoneStatus() {
      return phoneStatus;
    },
    onPhoneStatus(listener: PhoneStatusListener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onFocus(listener: FocusListener) {
      focusListeners.add(listener);
      return () => focusListeners.delete(listener);
    },
    onRendererReady(listener: () => void) {
      rendererReadyListeners.add(listener);
      return () => rendererReadyListeners.delete(listener);
    },
    focusView: () => focus.view(),
    runFocusCommand: async (command: FocusCommand) => focus.run(command),
    ticketing,
    voicemail,
    async close() {
      await ticketing.stop();
      handoffsPush.cancel();
      psaPush.cancel();
      voicemailPush.cancel();
      voicemail.close();
      reminders?.stop();
      await voicemail.store.idle();
      callLogPush.cancel();
      historyPush.cancel();
      stopFollowingPolicy();
      policy.stop();
      focus.dispose();
      db.close();
    },
    log,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

function reminderText(count: number): string {
  return count === 1 ? '1 call to return today (voicemail or a missed call).' : `${count} calls to return today (voicemail and missed calls).`;
}
