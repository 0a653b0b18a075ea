import { randomUUID } from 'node:crypto';
import { decide, repeatLookbackMinutes, type FocusDecision } from '../focus/decide.js';
import type { DirectoryEntry, FocusRules, FocusState } from '../focus/types.js';
import type { AttemptView, Decision, IncomingCall } from '../ipc/contract.js';
import { callerIdentity } from '../numbers/caller-identity.js';
import { compileDirectory, compileDirectorySliced, type CompiledDirectory } from '../numbers/directory.js';
import { ticketContactMatcher, type TicketContactMatcher } from '../numbers/ticket-contacts.js';
import { toFocusRules } from '../policy/focus-rules.js';
import type { SettingsValues } from '../policy/schema.js';
import { callOnRecord, shownNumber } from './call-caller.js';
import { callbackDueAt } from './callback-due.js';
import type { CallLog, ContactAttempt } from './call-log.js';

export type ScreeningDeps = {
  callLog: CallLog;
  focusState(): FocusState;
  /** The effective settings; a new object whenever policy or the tech changed something. */
  settings(): SettingsValues;
  now(): Date;
  /** Coworkers from the PSA's members (policy psa.coworkersFromPsa); a new array whenever the sync changed them. */
  psaCoworkers?: () => readonly DirectoryEntry[];
  log?: (message: string) => void;
  /** Redirect targets whose presence says offline (the presence desk), as sipKey()s. */
  offlineTargets?: () => ReadonlySet<string>;
};

type Compiled = { rules: FocusRules; directory: CompiledDirectory<DirectoryEntry> };

/** What the caller directory is compiled from; compared by identity (policy keeps an unchanged setting's value object). */
type DirectoryInputs = {
  coworkers: SettingsValues['directory.coworkers'];
  vips: SettingsValues['directory.vips'];
  blocked: SettingsValues['directory.blocked'];
  region: string;
  psaCoworkers: readonly DirectoryEntry[] | undefined;
};

/**
 * Step 3 of an incoming call's path: one snapshot of the world, one pure
 * decision, and the contact attempt written to the call log before the
 * answer goes back to the phone.
 */
export class CallScreening {
  private rules: { from: SettingsValues; rules: FocusRules } | undefined;
  /** The directory calls are decided with: the newest that finished compiling (the last good one while a newer compiles). */
  private directory: { inputs: DirectoryInputs; compiled: CompiledDirectory<DirectoryEntry> } | undefined;
  private compiling: { inputs: DirectoryInputs; abort: AbortController; done: Promise<void> } | undefined;
  private ticketContacts: { ticketKey: string; matcher: TicketContactMatcher } | undefined;

  constructor(private readonly deps: ScreeningDeps) {}

  screen(call: IncomingCall): { decision: Decision; attempt: ContactAttempt } {
    const now = this.deps.now();
    const { rules, directory } = this.compile();
    const focus = this.deps.focusState();
    const key = callerIdentity(call, rules).key;
    const since = now.getTime() - repeatLookbackMinutes(rules) * 60_000;
    const recentAttempts = this.deps.callLog.attemptTimes(key, since).map((t) => new Date(t));
    const ticketContacts = this.contactsOf(focus, rules);
    const offlineTargets = this.deps.offlineTargets?.();
    const decided = decide(call, {
      now,
      focus,
      rules,
      directory,
      recentAttempts,
      ...(ticketContacts ? { ticketContacts } : {}),
      ...(offlineTargets ? { offlineTargets } : {}),
    });
    const attempt = this.deps.callLog.record(toAttempt(call, decided, focus, now, callbackDueAt(now, rules.hours)));
    return { decision: toWireDecision(decided, attempt.id), attempt };
  }

  /**
   * The phone rang without waiting for a decision. If the late decision was
   * logged meanwhile, it is corrected (the call did ring); otherwise the
   * attempt is logged now, so no contact attempt goes unrecorded.
   */
  recordFallback(call: IncomingCall, reason: string): void {
    const existing = this.deps.callLog.forCall(call.callId);
    if (existing) {
      this.deps.callLog.correctToFallback(existing.id, reason);
      return;
    }
    const now = this.deps.now();
    this.deps.callLog.record({
      id: randomUUID(),
      at: now.getTime(),
      callId: call.callId,
      callerUri: call.fromUri,
      callerKey: callerIdentity(call, this.compile().rules).key,
      callerName: call.displayName,
      rule: 'fallback',
      action: 'ring',
      target: '',
      reason,
      ticketId: activeTicketId(this.deps.focusState()),
      repeatCaller: false,
      matchedName: '',
      callbackDueAt: callbackDueAt(now, this.compile().rules.hours),
    });
  }

  /**
   * Compile now (at start, on a policy change), so the next call doesn't
   * wait for it. Resolves when the directory for the current lists is in
   * place: the phone registers only after the first one is.
   */
  warm(): Promise<void> {
    const inputs = this.inputsOf(this.deps.settings());
    if (!this.directory || !sameInputs(this.directory.inputs, inputs)) this.compileInSlices(inputs);
    else this.cancelCompile();
    return this.compiling?.done ?? Promise.resolve();
  }

  /** Resolves once a caller directory is in place (compiled in slices; a compile superseded meanwhile is followed by the newer one). */
  async firstDirectory(): Promise<void> {
    // Bounded: each round is one compile; lists that keep changing fall back to one whole compile.
    for (let round = 0; round < 5 && !this.directory; round++) await this.warm();
    if (!this.directory) this.compile();
  }

  /**
   * The rules and directory in effect. The rules are cheap and always
   * current. The directory is compiled only when its lists changed, in
   * slices between calls (compileDirectorySliced): until it is done, calls
   * are decided with the last good directory. Only a call that comes before
   * any directory exists waits for a whole compile.
   */
  private compile(): Compiled {
    const values = this.deps.settings();
    if (this.rules?.from !== values) this.rules = { from: values, rules: toFocusRules(values) };
    const inputs = this.inputsOf(values);
    if (!this.directory) {
      this.cancelCompile();
      this.directory = { inputs, compiled: compileDirectory(directoryLists(inputs), inputs.region) };
    } else if (sameInputs(this.directory.inputs, inputs)) {
      // Back to what is in place (a region switched and back, a file added and removed): a compile of the in-between lists must not take over.
      this.cancelCompile();
    } else {
      this.compileInSlices(inputs);
    }
    return { rules: this.rules.rules, directory: this.directory.compiled };
  }

  private inputsOf(values: SettingsValues): DirectoryInputs {
    return {
      coworkers: values['directory.coworkers'],
      vips: values['directory.vips'],
      blocked: values['directory.blocked'],
      region: values['numbers.defaultRegion'],
      psaCoworkers: values['psa.coworkersFromPsa'] ? this.deps.psaCoworkers?.() : undefined,
    };
  }

  private cancelCompile(): void {
    this.compiling?.abort.abort(new Error('superseded'));
    this.compiling = undefined;
  }

  private compileInSlices(inputs: DirectoryInputs): void {
    if (this.compiling && sameInputs(this.compiling.inputs, inputs)) return;
    this.cancelCompile();
    const abort = new AbortController();
    const started = compileDirectorySliced(directoryLists(inputs), inputs.region, { signal: abort.signal });
    if (started.done) {
      this.directory = { inputs, compiled: started.directory };
      return;
    }
    const done = started.directory.then(
      (compiled) => {
        if (this.compiling?.abort !== abort) return;
        this.compiling = undefined;
        this.directory = { inputs, compiled };
      },
      (error: unknown) => {
        if (abort.signal.aborted) return; // a newer compile, or a return to the lists in place, took over
        if (this.compiling?.abort === abort) this.compiling = undefined;
        this.deps.log?.(`Couldn't compile the caller directory; calls are decided with the previous one: ${(error as Error).message}`);
      },
    );
    this.compiling = { inputs, abort, done };
  }

  private contactsOf(focus: FocusState, rules: FocusRules): TicketContactMatcher | undefined {
    const ticket = focus.mode === 'ticket' ? focus.ticket : focus.mode === 'dnd' ? focus.resumeTicket : undefined;
    if (!ticket) return undefined;
    const ticketKey = `${ticket.id}|${rules.defaultRegion}|${ticket.contactNumbers.join(',')}`;
    if (this.ticketContacts?.ticketKey !== ticketKey)
      this.ticketContacts = { ticketKey, matcher: ticketContactMatcher(ticket.contactNumbers, rules.defaultRegion) };
    return this.ticketContacts.matcher;
  }
}

function directoryLists(inputs: DirectoryInputs) {
  const coworkers = inputs.psaCoworkers ? [...inputs.coworkers, ...inputs.psaCoworkers] : inputs.coworkers;
  return { coworkers, vips: inputs.vips, blocked: inputs.blocked.map(blockedEntry) };
}

function sameInputs(a: DirectoryInputs, b: DirectoryInputs): boolean {
  return a.coworkers === b.coworkers && a.vips === b.vips && a.blocked === b.blocked && a.region === b.region && a.psaCoworkers === b.psaCoworkers;
}

/** The block list is plain numbers and SIP URIs in policy; the directory wants entries. */
function blockedEntry(value: string): DirectoryEntry {
  return /^sips?:/i.test(value) ? { name: value, sipUris: [value] } : { name: value, numbers: [value] };
}

function activeTicketId(focus: FocusState): string | null {
  if (focus.mode === 'ticket') return focus.ticket.id;
  if (focus.mode === 'dnd') return focus.resumeTicket?.id ?? null;
  return null;
}

function toAttempt(
  call: IncomingCall,
  d: FocusDecision,
  focus: FocusState,
  now: Date,
  dueAt: number,
): Omit<ContactAttempt, 'handled' | 'handledAt' | 'missed'> {
  return {
    id: randomUUID(),
    at: now.getTime(),
    callId: call.callId,
    callerUri: call.fromUri,
    callerKey: d.callerKey,
    // The display name is shown, never matched: anyone can type any name.
    callerName: d.matched?.name ?? call.displayName,
    rule: d.rule,
    action: d.action,
    target: d.target ?? '',
    reason: d.reason,
    ticketId: activeTicketId(focus),
    repeatCaller: d.repeatCaller,
    matchedName: d.matched?.name ?? '',
    callbackDueAt: dueAt,
  };
}

function toWireDecision(d: FocusDecision, attemptId: string): Decision {
  return {
    action: d.action,
    reason: d.reason,
    rule: d.rule,
    repeatCaller: d.repeatCaller,
    attemptId,
    ...(d.target !== undefined ? { target: d.target } : {}),
    ...(d.rejectCode !== undefined ? { rejectCode: d.rejectCode } : {}),
  };
}

export function toAttemptView(a: ContactAttempt): AttemptView {
  const call = callOnRecord(a);
  return {
    id: a.id,
    callId: a.callId,
    at: new Date(a.at).toISOString(),
    callerUri: a.callerUri,
    callerNumber: shownNumber(call),
    callerName: call.callerName,
    action: a.action,
    target: a.target,
    rule: a.rule,
    reason: a.reason,
    ticketId: a.ticketId,
    repeatCaller: a.repeatCaller,
    handled: a.handled,
    missed: a.missed,
    callbackDueAt: a.callbackDueAt === null ? null : new Date(a.callbackDueAt).toISOString(),
  };
}
