import { randomUUID } from 'node:crypto';
import { decide, repeatLookbackMinutes, type FocusDecision } from '../focus/decide.js';
import type { DirectoryEntry, FocusRules, FocusState } from '../focus/types.js';
import type { AttemptView, Decision, IncomingCall } from '../ipc/contract.js';
import { callerIdentity } from '../numbers/caller-identity.js';
import { compileDirectory, type CompiledDirectory } from '../numbers/directory.js';
import { ticketContactMatcher, type TicketContactMatcher } from '../numbers/ticket-contacts.js';
import { toDirectory, toFocusRules } from '../policy/focus-rules.js';
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
};

type Compiled = { from: SettingsValues; psaCoworkers: readonly DirectoryEntry[] | undefined; rules: FocusRules; directory: CompiledDirectory<DirectoryEntry> };

/**
 * Step 3 of an incoming call's path: one snapshot of the world, one pure
 * decision, and the contact attempt written to the call log before the
 * answer goes back to the phone.
 */
export class CallScreening {
  private compiled: Compiled | undefined;
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
    const decided = decide(call, { now, focus, rules, directory, recentAttempts, ...(ticketContacts ? { ticketContacts } : {}) });
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

  /** Compile now (on a policy change), so the next call doesn't wait for it. */
  warm(): void {
    this.compile();
  }

  /** Compiling a big directory is the slow part: only when the settings changed. */
  private compile(): Compiled {
    const values = this.deps.settings();
    const psaCoworkers = values['psa.coworkersFromPsa'] ? this.deps.psaCoworkers?.() : undefined;
    if (this.compiled?.from === values && this.compiled.psaCoworkers === psaCoworkers) return this.compiled;
    const rules = toFocusRules(values);
    const lists = toDirectory(values);
    const coworkers = psaCoworkers ? [...lists.coworkers, ...psaCoworkers] : lists.coworkers;
    const directory = compileDirectory({ coworkers, vips: lists.vips, blocked: lists.blocked.map(blockedEntry) }, rules.defaultRegion);
    this.compiled = { from: values, psaCoworkers, rules, directory };
    return this.compiled;
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
