import type { IncomingCall } from '../ipc/contract.js';
import { hostKey } from '../numbers/caller-host.js';
import { callerIdentity, type CallerIdentity } from '../numbers/caller-identity.js';
import type { CompiledDirectory } from '../numbers/directory.js';
import { strengthRank, type MatchStrength } from '../numbers/number-index.js';
import { parseAddress, sipKey } from '../numbers/sip-uri.js';
import { ticketContactMatcher, type TicketContactMatcher } from '../numbers/ticket-contacts.js';
import { InvalidBusinessHoursError, isWithinBusinessHours } from './schedule.js';
import { ticketLabel } from './ticket-label.js';
import type { ActiveTicket, DecisionRule, DirectoryEntry, FocusRules, FocusState, SuppressAction } from './types.js';

/**
 * What to do with an incoming call. Pure: the call and a snapshot of the
 * world go in, a decision comes out; no clock, no disk, no network.
 *
 * Precedence, first that applies wins:
 * 1. the block list: reject with busyCode;
 * 2. allowed callers: the active ticket's contact, coworkers, VIPs ring.
 *    Coworkers and VIPs match by extension or number only when the caller's
 *    host is the account's own SIP domain or a trusted host; by a listed SIP
 *    URI from anywhere. The ticket's contact and the block list match from
 *    any host (numbers/caller-host.ts). A caller from a foreign host who
 *    claims a coworker's or VIP's extension or number is a stranger, and the
 *    reason says so;
 * 3. repeat callers: flagged (repeatCaller) when this call makes `threshold`
 *    attempts within `windowMinutes`; flagging alone changes nothing. With
 *    `breakThrough` on, and only while focused or in DND, a call within
 *    `breakThroughWindowMinutes` of the caller's previous attempt rings
 *    (Apple's "repeated calls": the 2nd call gets through, the 1st never);
 * 4. outside business hours: afterHoursAction ('ring' = no suppression here);
 * 5. ticket focus or DND: focusAction;
 * 6. ring.
 *
 * A misconfiguration never loses a call: a redirect without a target, or to
 * a target whose presence says offline (nobody is there to take it), goes to
 * voicemail, voicemail without a target is shown without ringing, and the
 * reason says so. Invalid business hours are ignored (policy should have
 * refused them; see validateBusinessHours) and the reason says that too.
 * Withheld callers can't be told apart, so they are never repeat callers.
 */
export type DecisionSnapshot = {
  now: Date;
  focus: FocusState;
  rules: FocusRules;
  directory: CompiledDirectory<DirectoryEntry>;
  /**
   * The active ticket's contacts, compiled (ticketContactMatcher) when the
   * ticket changed. Omitted: compiled here from focus.ticket on every call.
   * Only consulted while focus is on that ticket.
   */
  ticketContacts?: TicketContactMatcher;
  /**
   * This caller's earlier attempts (callerIdentity(call, rules).key) within
   * repeatLookbackMinutes(rules) before `now`, not counting this call.
   */
  recentAttempts: readonly Date[];
  /**
   * Redirect targets the PBX's presence server reports offline, as sipKey()
   * ("sip:manager@pbx.example.com"). Omitted or empty: presence is not used,
   * or nobody is known to be offline, and redirects go out as configured.
   */
  offlineTargets?: ReadonlySet<string>;
};

export type MatchedList = 'ticket-contact' | 'coworker' | 'vip' | 'blocked';

export type FocusDecision = {
  action: 'ring' | 'silent' | 'redirect' | 'voicemail' | 'reject';
  target?: string;
  rejectCode?: number;
  /** A sentence for the tech: "Sent to the service manager: you are focused on #1042 Acme: printer down." */
  reason: string;
  rule: DecisionRule;
  matched?: { list: MatchedList; name: string };
  /** The normalised key used for repeat counting: E.164 when possible. */
  callerKey: string;
  repeatCaller: boolean;
};

type Outcome = Omit<FocusDecision, 'callerKey' | 'repeatCaller'>;
type CallerMatch = { list: MatchedList; name: string; via: MatchStrength };
type Repeat = { flagged: boolean; count: number; calledAgainSoon: boolean };
type Context = { snapshot: DecisionSnapshot; focus: FocusState; notes: string[] };

const MINUTE_MS = 60_000;

export function decide(call: IncomingCall, snapshot: DecisionSnapshot): FocusDecision {
  const caller = callerIdentity(call, snapshot.rules);
  const context: Context = { snapshot, focus: focusAt(snapshot.focus, snapshot.now), notes: [] };
  const match = matchCaller(caller, context);
  const repeat = repeatOf(caller, snapshot);
  const outcome =
    blockedOutcome(match, snapshot.rules) ??
    allowedOutcome(match, context.focus) ??
    breakThroughOutcome(repeat, context) ??
    afterHoursOutcome(context) ??
    focusOutcome(context) ??
    ringOutcome();
  if (match === undefined) context.notes.push(...foreignClaimNote(caller, context));
  const notes = [...context.notes, ...(repeat.flagged ? [repeatNote(repeat, snapshot.rules)] : [])];
  const reason = notes.length === 0 ? outcome.reason : `${outcome.reason} ${notes.join(' ')}`;
  return { ...outcome, reason, callerKey: caller.key, repeatCaller: repeat.flagged };
}

/** How far back the service must look for recentAttempts: the longer of the two repeat windows. */
export function repeatLookbackMinutes(rules: Pick<FocusRules, 'repeat'>): number {
  return Math.max(rules.repeat.windowMinutes, rules.repeat.breakThrough ? rules.repeat.breakThroughWindowMinutes : 0);
}

/** A DND whose time has come is over even if the session's timer hasn't fired yet. */
function focusAt(focus: FocusState, now: Date): FocusState {
  if (focus.mode !== 'dnd' || focus.until === null || focus.until.getTime() > now.getTime()) return focus;
  return focus.resumeTicket ? { mode: 'ticket', ticket: focus.resumeTicket, since: focus.until } : { mode: 'off' };
}

// Blocked, then ticket contact, coworker, VIP: but only among matches of the
// same strength; a stronger match names the caller better (number-index.ts).
const listRank: Record<MatchedList, number> = { blocked: 4, 'ticket-contact': 3, coworker: 2, vip: 1 };

function matchCaller(caller: CallerIdentity, context: Context): CallerMatch | undefined {
  const candidates: CallerMatch[] = [];
  const listed = context.snapshot.directory.lookup(caller);
  if (listed) candidates.push({ list: listed.list, name: listed.entry.name, via: listed.via });
  if (context.focus.mode === 'ticket') {
    const ticket = context.focus.ticket;
    const contact = contactsOf(ticket, context.snapshot).lookup(caller);
    if (contact) candidates.push({ list: 'ticket-contact', name: ticket.contactName.trim() || 'the ticket contact', via: contact.via });
  }
  const score = (m: CallerMatch) => strengthRank[m.via] * 10 + listRank[m.list];
  return candidates.reduce<CallerMatch | undefined>((best, m) => (best === undefined || score(m) > score(best) ? m : best), undefined);
}

/** A stranger who claimed one of our people from a host we don't trust: say so, so the call log explains why it didn't ring. */
function foreignClaimNote(caller: CallerIdentity, context: Context): string[] {
  const claim = context.snapshot.directory.foreignClaim(caller);
  if (claim === undefined) return [];
  const who = claim.list === 'coworker' ? `coworker ${claim.entry.name}` : `VIP ${claim.entry.name}`;
  const what = claim.by === 'extension' ? 'extension' : 'number';
  const from = caller.host === null ? 'an address with no host' : caller.host;
  const ownDomain = hostKey(context.snapshot.rules.ownDomain);
  const home = ownDomain === '' ? 'our own SIP domain' : ownDomain;
  return [
    `The caller claims ${who}'s ${what} from ${from}: treated as a stranger (coworkers and VIPs are matched by extension or number only on calls from ${home} or a trusted host).`,
  ];
}

function contactsOf(ticket: ActiveTicket, snapshot: DecisionSnapshot): TicketContactMatcher {
  return snapshot.ticketContacts ?? ticketContactMatcher(ticket.contactNumbers, snapshot.rules.defaultRegion);
}

function repeatOf(caller: CallerIdentity, snapshot: DecisionSnapshot): Repeat {
  if (caller.anonymous) return { flagged: false, count: 1, calledAgainSoon: false };
  const { threshold, windowMinutes, breakThroughWindowMinutes } = snapshot.rules.repeat;
  const now = snapshot.now.getTime();
  const within = (minutes: number) => (at: Date) => {
    const age = now - at.getTime();
    return age >= 0 && age <= minutes * MINUTE_MS;
  };
  const count = snapshot.recentAttempts.filter(within(windowMinutes)).length + 1;
  return { flagged: count >= threshold, count, calledAgainSoon: snapshot.recentAttempts.some(within(breakThroughWindowMinutes)) };
}

function blockedOutcome(match: CallerMatch | undefined, rules: FocusRules): Outcome | undefined {
  if (match?.list !== 'blocked') return undefined;
  return {
    action: 'reject',
    rejectCode: rules.busyCode,
    rule: 'blocked',
    matched: { list: 'blocked', name: match.name },
    reason: `Rejected: ${match.name} is on the block list.`,
  };
}

function allowedOutcome(match: CallerMatch | undefined, focus: FocusState): Outcome | undefined {
  if (match === undefined || match.list === 'blocked') return undefined;
  const matched = { list: match.list, name: match.name };
  if (match.list === 'ticket-contact' && focus.mode === 'ticket') {
    return { action: 'ring', rule: 'ticket-contact', matched, reason: `Rang: ${match.name} is the contact on ${ticketLabel(focus.ticket)}.` };
  }
  const what = match.list === 'coworker' ? 'a coworker' : 'on the VIP list';
  return { action: 'ring', rule: match.list === 'coworker' ? 'coworker' : 'vip', matched, reason: `Rang: ${match.name} is ${what}.` };
}

function breakThroughOutcome(repeat: Repeat, context: Context): Outcome | undefined {
  const { breakThrough, breakThroughWindowMinutes } = context.snapshot.rules.repeat;
  if (!breakThrough || context.focus.mode === 'off' || !repeat.calledAgainSoon) return undefined;
  return {
    action: 'ring',
    rule: 'repeat-breakthrough',
    reason: `Rang through focus: the caller tried again within ${minutesText(breakThroughWindowMinutes)}.`,
  };
}

function afterHoursOutcome(context: Context): Outcome | undefined {
  const { rules, now } = context.snapshot;
  if (rules.hours === null || rules.afterHoursAction === 'ring') return undefined;
  try {
    if (isWithinBusinessHours(rules.hours, now)) return undefined;
  } catch (error) {
    if (!(error instanceof InvalidBusinessHoursError)) throw error;
    context.notes.push('(The business hours setting is invalid, so after-hours handling was skipped.)');
    return undefined;
  }
  const targets = { redirect: rules.afterHoursTarget, redirectName: 'the after-hours line', voicemail: rules.afterHoursTarget.trim() || rules.voicemailTarget };
  return suppress(rules.afterHoursAction, targets, 'after-hours', 'outside business hours', rules, context.snapshot.offlineTargets);
}

function focusOutcome(context: Context): Outcome | undefined {
  const { focus, snapshot } = context;
  if (focus.mode === 'off') return undefined;
  const rules = snapshot.rules;
  const why = focus.mode === 'ticket' ? `you are focused on ${ticketLabel(focus.ticket)}` : 'do not disturb is on';
  const targets = { redirect: rules.redirectTarget, redirectName: 'the service manager', voicemail: rules.voicemailTarget };
  return suppress(rules.focusAction, targets, focus.mode === 'ticket' ? 'focus' : 'dnd', why, rules, snapshot.offlineTargets);
}

function ringOutcome(): Outcome {
  return { action: 'ring', rule: 'ring', reason: 'Rang: focus is off.' };
}

type Targets = { redirect: string; redirectName: string; voicemail: string };

function suppress(action: SuppressAction, targets: Targets, rule: DecisionRule, why: string, rules: FocusRules, offline?: ReadonlySet<string>): Outcome {
  const redirect = targets.redirect.trim();
  const redirectOffline = redirect !== '' && isOffline(redirect, offline);
  // The after-hours line doubles as its own voicemail: when it is the one offline, the PBX voicemail takes over.
  const voicemail = redirectOffline && isOffline(targets.voicemail.trim(), offline) ? rules.voicemailTarget.trim() : targets.voicemail.trim();
  switch (action) {
    case 'busy':
      return { action: 'reject', rejectCode: rules.busyCode, rule, reason: `Answered busy (${rules.busyCode}): ${why}.` };
    case 'silent':
      return { action: 'silent', rule, reason: `Shown without ringing: ${why}.` };
    case 'redirect': {
      if (redirect !== '' && !redirectOffline) return { action: 'redirect', target: redirect, rule, reason: `Sent to ${targets.redirectName}: ${why}.` };
      const missing = redirectOffline
        ? `${capitalised(targets.redirectName)} shows offline on the phone system (presence of ${redirect})`
        : `No address is set up for ${targets.redirectName}`;
      if (voicemail !== '') {
        return { action: 'voicemail', target: voicemail, rule, reason: `Sent to voicemail: ${why}. (${missing}, so it went to voicemail instead.)` };
      }
      const nowhere = redirectOffline ? `${missing} and no voicemail address is set up` : `No address is set up for ${targets.redirectName} or voicemail`;
      return { action: 'silent', rule, reason: `Shown without ringing: ${why}. (${nowhere}, so it could not be sent on.)` };
    }
    case 'voicemail':
      if (voicemail !== '') return { action: 'voicemail', target: voicemail, rule, reason: `Sent to voicemail: ${why}.` };
      return { action: 'silent', rule, reason: `Shown without ringing: ${why}. (No voicemail address is set up, so it could not be sent to voicemail.)` };
  }
}

function isOffline(target: string, offline: ReadonlySet<string> | undefined): boolean {
  if (offline === undefined || offline.size === 0) return false;
  const address = parseAddress(target);
  const key = address ? sipKey(address) : undefined;
  return key !== undefined && offline.has(key);
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function repeatNote(repeat: Repeat, rules: FocusRules): string {
  return `Repeat caller: ${repeat.count} calls within ${minutesText(rules.repeat.windowMinutes)}.`;
}

function minutesText(minutes: number): string {
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
