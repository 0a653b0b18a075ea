import { join } from 'node:path';
import { messageOf } from '../../src-shared/errors.js';
import { boundCallerFields, type CallerFields } from '../../src-shared/sip/caller-fields.js';
import type { Clock } from '../../src-shared/time/clock.js';
import { CallLog } from '../calls/call-log.js';
import { createCallsDesk } from '../calls/calls-desk.js';
import { CallHistory } from '../calls/history.js';
import type { FocusCommand } from '../focus/focus-commands.js';
import { createEscalationDesk } from '../focus/escalation-desk.js';
import { createFocusDesk } from '../focus/focus-desk.js';
import { systemClock } from '../focus/system-clock.js';
import { ticketLabel } from '../focus/ticket-label.js';
import { callOnRecord } from '../calls/call-caller.js';
import { createInsightsDesk } from '../insights/insights-desk.js';
import { createHandoffsDesk } from '../handoffs/handoffs-desk.js';
import { Outbox } from '../handoffs/outbox.js';
import { psaHandoffSender } from '../handoffs/psa-handoff-sender.js';
import type { CallView, EscalationPrompt, EventPayload, FocusView, PhoneStatus } from '../ipc/contract.js';
import { EventBus } from '../ipc/event-bus.js';
import { createRouter } from '../ipc/router.js';
import type { CallCommand } from '../phone/call-commands.js';
import { createPhoneDesk } from '../phone/phone-desk.js';
import { createPresenceDesk } from '../phone/presence-desk.js';
import { PolicyService } from '../policy/policy-service.js';
import { createSettingsDesk } from '../policy/settings-desk.js';
import { createPolicySources } from '../policy/sources/create-sources.js';
import { LAST_GOOD_FILE, LastGoodFile } from '../policy/last-good-file.js';
import { UserSettings } from '../policy/user-settings.js';
import { openDatabase } from '../storage/database.js';
import { tightenDataDir } from '../storage/private-files.js';
import type { SecretStore } from '../storage/secret-store.js';
import type { OpenSettingsFile } from '../storage/settings-file.js';
import { createAttemptLogging } from '../tickets/attempt-logging.js';
import { PsaConnection } from '../tickets/psa-connection.js';
import type { PsaAdapterDeps } from '../tickets/psa-config.js';
import type { createPsaAdapter } from '../tickets/psa-factory.js';
import { createTicketDesk } from '../tickets/ticket-desk.js';
import { createTicketing } from '../tickets/ticketing.js';
import { createTicketsDesk } from '../tickets/tickets-desk.js';
import { startCallbackReminders } from '../voicemail/callback-reminders.js';
import { createVoicemailDesk, openVoicemailStore, voicemailAttachments } from '../voicemail/voicemail-desk.js';
import { createAppCommands } from './app-commands.js';
import { createFocusLinkPrompts, type FocusLinkPrompt } from './focus-link-prompts.js';
import { randomUUID } from 'node:crypto';
import { createHostHealth } from './host-health.js';

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
 * The composition root for main: storage and policy first, then each room's
 * desk in dependency order, then the router over every desk's commands.
 * Electron and web mode both build the app through here, so they run the
 * same code behind the same contract. No business rule lives here.
 */
export async function createServices(options: ServiceOptions) {
  const log = options.log ?? ((m: string) => console.log(`[focusline] ${m}`));
  const clock = options.clock ?? systemClock;
  const bus = new EventBus();
  const hostHealth = createHostHealth();
  // The settings desk comes before the phone desk; a saved account restarts the phone through this.
  let phoneRestart: () => Promise<void> = () => Promise.resolve();

  // Storage and policy. The data folder is made owner-only first, before anything in it is read or
  // written; an install from before 0700/0600 is tightened here (storage/private-files.ts).
  const tightened = tightenDataDir(options.dataDir);
  if (tightened.changed.length > 0) log(`Made ${tightened.changed.length} file(s) and folder(s) in ${options.dataDir} readable by this user only.`);
  if (tightened.failed.length > 0) log(`Warning: could not make these private (readable by this user only): ${tightened.failed.join(', ')}.`);
  const userSettings = new UserSettings(options.configPath ?? join(options.dataDir, 'settings.json'), options.secrets, log, options.openSettingsFile);
  await userSettings.load();
  if (userSettings.problem) log(`Settings problem: ${userSettings.problem.message}`);
  const policy = new PolicyService({
    sources: createPolicySources({ platform: options.platform ?? process.platform, env: options.env ?? process.env, dataDir: options.dataDir, log }),
    userSettings,
    lastGood: new LastGoodFile(join(options.dataDir, LAST_GOOD_FILE), log),
    log,
  });
  await policy.start();
  for (const p of policy.current().problems) log(`Policy problem: ${p.origin}${p.key ? ` ${p.key}` : ''}: ${p.message}`);
  const history = new CallHistory(options.dataDir);
  await history.load();
  if (history.skippedLines > 0) log(`Skipped ${history.skippedLines} damaged line(s) in ${history.path}.`);
  const db = openDatabase(options.dataDir);
  const callLog = new CallLog(db, log);
  const voicemailStore = await openVoicemailStore({ db, dataDir: options.dataDir, policy, log });
  const values = () => policy.current().values;

  // The PSA, the outbox in front of it, and the tickets Focusline knows.
  const psa = new PsaConnection({
    secrets: options.secrets,
    clock,
    log,
    ...(options.psaDeps ? { deps: options.psaDeps } : {}),
    ...(options.createPsaAdapter ? { createAdapter: options.createPsaAdapter } : {}),
  });
  const outbox = new Outbox({ db, clock, sender: psaHandoffSender(() => psa.adapter(), voicemailAttachments(voicemailStore)) });
  const ticketDesk = createTicketDesk({ db, clock, psa, outbox, settings: values, log });

  // The desks, each after what it needs.
  const app = createAppCommands({ version: options.version, mode: options.mode }, bus);
  const focusLinks = createFocusLinkPrompts({ now: () => clock.now().getTime(), newId: randomUUID });
  const settings = createSettingsDesk({ policy, userSettings, bus, log, accountSaved: () => void phoneRestart() });
  const focus = createFocusDesk({ db, clock, tickets: ticketDesk.source, callLog, bus, log });
  const ticketing = createTicketing({ db, clock, policy, log, psa, outbox, desk: ticketDesk, focus: focus.controller });
  const attempts = createAttemptLogging({ ticketing, settings: values, log });
  // Presence comes before the calls and the phone: the decision asks it who is offline, the phone hands it the line.
  let phoneCalls: () => readonly CallView[] = () => [];
  const presence = createPresenceDesk({ clock, settings: values, focusState: () => focus.controller.state, calls: () => phoneCalls(), bus, log });
  const calls = createCallsDesk({
    clock,
    offlineTargets: () => presence.offlineTargets(),
    callLog,
    history,
    focusState: () => focus.controller.state,
    settings: values,
    psaCoworkers: () => ticketing.coworkers(),
    attempts,
    bus,
    log,
  });
  /** The ticket the tech is working on, also while a do-not-disturb holds it. */
  const workedTicket = () => {
    const state = focus.controller.state;
    return state.mode === 'ticket' ? state.ticket : state.mode === 'dnd' ? state.resumeTicket : undefined;
  };
  const phone = createPhoneDesk({
    policy,
    password: () => userSettings.password(),
    version: options.version,
    bus,
    calls,
    log,
    line: presence.line,
    redirectTargetOffline: () => presence.isOffline(values()['focus.redirectTarget']),
    // A transfer carries the ticket being worked on, so the target's call card says what it is about.
    transferSubject: () => {
      const ticket = workedTicket();
      return ticket ? `About ${ticketLabel(ticket)}` : null;
    },
    // The ticket's context travelled with the call (Subject); the ticket also says where the caller went.
    transferred: ({ caller, target, mode }) => {
      const ticket = workedTicket();
      if (!ticket) return;
      const who = caller.remoteName && caller.remoteName !== caller.remoteUri ? `${caller.remoteName} (${caller.remoteUri})` : caller.remoteUri;
      const attempt = callLog.forCall(caller.id);
      const text = `${mode === 'warm' ? 'Warm transfer' : 'Blind transfer'}: ${who} was handed over to ${target}.`;
      try {
        ticketDesk.addNote(ticket.id, text, attempt ? callOnRecord(attempt) : null);
      } catch (error) {
        log(`Could not note the transfer on #${ticket.id}: ${messageOf(error)}`);
      }
    },
    // "Call back" counts once the call connects: the voicemail (and its call), or the follow-up entry.
    callbackEnded: ({ attemptId, voicemailId }, entry) => {
      const id = attemptId ?? (voicemailId !== undefined ? voicemailStore.get(voicemailId)?.attemptId : undefined);
      const attempt = id ? callLog.get(id) : undefined;
      if (!attempt) return;
      const outcome = entry.outcome === 'answered' ? 'answered' : `not reached${entry.reason ? ` (${entry.reason})` : ''}`;
      attempts.calledBack(callOnRecord(attempt), entry.id, outcome);
    },
    callbackConnected: ({ attemptId, voicemailId }) => {
      if (voicemailId !== undefined) {
        Promise.resolve()
          .then(() => voicemail.handlers['voicemail.handle']({ id: voicemailId, how: 'called-back' }))
          .catch((error: unknown) => log(`Could not mark voicemail ${voicemailId} called back: ${messageOf(error)}`));
      } else if (attemptId !== undefined && callLog.get(attemptId)?.handled === null) {
        callLog.markHandled(attemptId, 'called-back', clock.now().getTime());
        calls.callLogChanged();
      }
    },
  });
  phoneCalls = () => phone.view().calls;
  const tickets = createTicketsDesk({ clock, ticketing, callLog, callLogChanged: calls.callLogChanged, historyEntry: (id) => history.get(id), bus, log });
  const handoffs = createHandoffsDesk({ outbox, bus });
  const voicemail = createVoicemailDesk({
    store: voicemailStore,
    clock,
    policy,
    callLog,
    ticketing,
    focusState: () => focus.controller.state,
    bus,
    onCallLogChange: calls.callLogChanged,
    log,
  });
  const insights = createInsightsDesk({
    clock,
    settings: values,
    callLog,
    focusPeriods: focus.periods,
    voicemails: voicemailStore,
    whoIs: (number) => {
      const found = ticketing.whoIs(number);
      if (!found) return null;
      return { name: found.person?.name ?? '', company: found.company?.name ?? found.person?.company ?? null, coworker: found.person?.kind === 'member' };
    },
  });
  const reminders = startCallbackReminders({ clock, policy, callLog, focus, phone, bus });
  const escalation = createEscalationDesk({
    clock,
    settings: values,
    focusState: () => focus.controller.state,
    calls: () => phone.view().calls,
    psaCoworkers: () => ticketing.coworkers(),
    bus,
  });

  // How the rooms follow each other.
  const follows = [
    focus.onChange(() => tickets.ticketsChanged()),
    // The 15-minute rule follows focus (the work session), the calls (answered, ended) and policy (its minutes, coworkers).
    focus.onChange(() => escalation.refresh()),
    bus.subscribe((name) => {
      if (name === 'phone.changed') escalation.refresh();
    }),
    policy.onChange(() => escalation.refresh()),
    // Presence publishes what focus, the calls and policy make of the tech.
    focus.onChange(() => presence.refresh()),
    bus.subscribe((name) => {
      if (name === 'phone.changed') presence.refresh();
    }),
    policy.onChange(() => presence.settingsChanged()),
    ticketing.onChange((change) => {
      if (change !== 'members') return;
      calls.rescreen();
      escalation.refresh();
    }),
    policy.onChange(() => {
      calls.rescreen();
      ticketing.apply().catch((error: unknown) => log(`Reconnecting the PSA failed: ${messageOf(error)}`));
    }),
  ];
  // The tray's badge reads the count the coalesced callLog.changed carries: reading the call log on each phone
  // change would write its queued rows early and cost an fsync per call in a call storm.
  const followUps = followUpCounter(bus, callLog.unhandled(200).length);
  follows.push(followUps.stop);
  await ticketing.start();
  phoneRestart = phone.restart;
  await calls.ready();
  await phone.start();

  const route = createRouter(
    {
      ...app.handlers,
      'app.answerFocusLink': async ({ id, run }) => {
        if (!run) {
          focusLinks.drop(id);
          return { ran: false };
        }
        const command = focusLinks.take(id);
        if (!command) return { ran: false };
        await focus.controller.run(command);
        return { ran: true };
      },
      ...settings.handlers,
      ...phone.handlers,
      ...presence.handlers,
      ...calls.handlers,
      ...focus.handlers,
      ...escalation.handlers,
      ...tickets.handlers,
      ...handoffs.handlers,
      ...voicemail.handlers,
      ...insights.handlers,
    },
    log,
  );

  return {
    route,
    bus,
    userSettings,
    /**
     * Decides an incoming call exactly as the phone does when an INVITE
     * arrives (bounded fields, the decision, its call-log row). Not a
     * command: nothing outside main can make a decision or a log row.
     */
    screenCall: (raw: CallerFields) => {
      const { call, truncated } = boundCallerFields(raw);
      return calls.screen(call, truncated);
    },
    /** Every contact attempt (tests and the shell read it; commands go through the router). */
    callLog,
    get phoneStatus(): PhoneStatus {
      return phone.status;
    },
    onPhoneStatus: (listener: PhoneStatusListener) => phone.onStatus(listener),
    /** An allowed call rings (the window may be closed): the shell rings the tray and notifies. */
    onRinging: (listener: (call: CallView, windowOpen: boolean) => void) => phone.onRinging(listener),
    /** The OS woke up or came back online. */
    reconnectPhone: () => phone.reconnectNow(),
    /** A window's media endpoint left (its socket closed or its renderer is gone). */
    mediaGone: (endpoint?: string) => phone.mediaGone(endpoint),
    onFocus: (listener: FocusListener) => focus.onChange(listener),
    /** The 15-minute rule's prompt became due: the shell shows an OS notification (the window may be hidden). */
    onEscalationDue: (listener: (prompt: EscalationPrompt) => void) => escalation.onDue(listener),
    onRendererReady: (listener: () => void) => app.onRendererReady(listener),
    focusView: () => focus.controller.view(),
    /** The effective settings (policy over the tech's own over defaults); the shell's hotkeys, links and updates read them. */
    settingsValues: values,
    onSettingsChange: (listener: () => void) => policy.onChange(() => listener()),
    /** The desktop shell's hotkeys and update state, for Settings (app.desktop). */
    reportDesktop: app.reportDesktop,
    /** The phone's calls as the window sees them (hotkeys and the headset pick a call from these). */
    calls: () => phone.view().calls,
    /** The newest held-back or missed call nobody has dealt with ("Create ticket instead" from a hotkey). */
    newestFollowUp: () => callLog.unhandled(1)[0] ?? null,
    /** How many calls wait to be followed up (the tray's badge), as the last coalesced callLog.changed said (at most 200). */
    followUpCount: () => followUps.count,
    /** The call log changed (a held-back call, one handled): the tray's badge follows. */
    onFollowUps: (listener: () => void) => followUps.listen(listener),
    /**
     * Why a restart must wait, or null: a call is up or ringing, or Focusline's
     * voicemail is recording a caller. Auto-update asks before it restarts.
     */
    restartBlocker: (): string | null => {
      const status = phone.status;
      if (status.activeCalls > 0) return 'a call is in progress';
      if (status.ringing) return 'a call is ringing';
      if (voicemailStore.list().some((m) => m.state === 'recording')) return 'a voicemail is being recorded';
      return null;
    },
    /** Something that can lift a restart blocker happened: a call ended, a recording finished. */
    onRestartBlockerChange: (listener: () => void) => {
      const stops = [phone.onStatus(() => listener()), voicemailStore.onChange(() => listener())];
      return () => {
        for (const stop of stops) stop();
      };
    },
    health: () => ({ phone: phone.status, host: hostHealth.read() }),
    callLegs: () => phone.legs(),
    runCallCommand: (command: CallCommand) => phone.runCallCommand(command),
    resetHealth: () => hostHealth.reset(),
    runFocusCommand: async (command: FocusCommand) => focus.controller.run(command),
    /** A focusline:// link from another app: kept, and the window asks (null: too many already wait). */
    offerFocusLink: (command: FocusCommand): FocusLinkPrompt | null => {
      const prompt = focusLinks.offer(command);
      if (prompt) bus.emit('app.focusLink', prompt);
      return prompt;
    },
    async close() {
      for (const stop of follows) stop();
      await phone.close();
      presence.close();
      hostHealth.stop();
      await ticketing.stop();
      handoffs.close();
      tickets.close();
      voicemail.close();
      reminders.stop();
      escalation.close();
      await voicemailStore.idle();
      calls.close();
      settings.close();
      policy.stop();
      focus.dispose();
      callLog.flush();
      db.close();
    },
    log,
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

function followUpCounter(bus: EventBus, initial: number) {
  const listeners = new Set<() => void>();
  const counter = {
    count: initial,
    listen(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => {},
  };
  counter.stop = bus.subscribe((name, payload) => {
    if (name !== 'callLog.changed') return;
    counter.count = (payload as EventPayload<'callLog.changed'>).unhandled.length;
    for (const listener of listeners) listener();
  });
  return counter;
}
