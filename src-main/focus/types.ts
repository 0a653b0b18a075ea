/**
 * The vocabulary of focus: what a ticket is to the focus rules, what state
 * focus is in, and what the rules are. Shared by the pure decision, the focus
 * session, and the services that feed them; no I/O here.
 */

/** The ticket the tech is working, as the focus rules see it (from any PSA or the local store). */
export type ActiveTicket = {
  id: string;
  summary: string;
  company: string;
  contactName: string;
  /** Every phone number of the ticket's contact, as stored (free text). */
  contactNumbers: string[];
  /** Where the ticket lives: 'local' or a PSA adapter name. */
  source: string;
};

export type FocusState =
  | { mode: 'off' }
  | { mode: 'ticket'; ticket: ActiveTicket; since: Date }
  /**
   * Manual do-not-disturb; `until` null means until turned off.
   * `resumeTicket`: DND was turned on over ticket focus; when DND ends, focus
   * on this ticket resumes (see focus-session.ts).
   */
  | { mode: 'dnd'; until: Date | null; since: Date; resumeTicket?: ActiveTicket };

/** What happens to a call that doesn't ring. */
export type SuppressAction = 'redirect' | 'voicemail' | 'busy' | 'silent';

/** One person or place in the manager's lists. */
export type DirectoryEntry = {
  name: string;
  /** Short internal extensions, compared as they are ("2002"). */
  extensions?: string[];
  /** Phone numbers, free text; normalised with the default region. */
  numbers?: string[];
  /** SIP URIs ("sip:jane@pbx.example.com"), compared on user@host. */
  sipUris?: string[];
};

/** Business hours: per weekday (0 = Sunday), a list of "HH:MM"-"HH:MM" ranges in `timeZone`. */
export type BusinessHours = {
  timeZone: string;
  weekly: Partial<Record<0 | 1 | 2 | 3 | 4 | 5 | 6, { start: string; end: string }[]>>;
};

/** The rules the decision applies; built from the effective settings. */
export type FocusRules = {
  defaultRegion: string;
  trustAssertedIdentity: boolean;
  /**
   * The account's own SIP domain (host of account.sipUri; '' before the account
   * is set up) and policy's numbers.trustedHosts: only callers from these hosts
   * match coworkers and VIPs by extension or number (numbers/caller-host.ts).
   */
  ownDomain: string;
  trustedHosts: readonly string[];
  focusAction: SuppressAction;
  redirectTarget: string;
  voicemailTarget: string;
  busyCode: 486 | 480;
  repeat: { threshold: number; windowMinutes: number; breakThrough: boolean; breakThroughWindowMinutes: number };
  /** null: no business hours configured, so never "after hours". */
  hours: BusinessHours | null;
  afterHoursAction: SuppressAction | 'ring';
  afterHoursTarget: string;
};

export type { DecisionRule } from '../../src-shared/vocabulary.js';
