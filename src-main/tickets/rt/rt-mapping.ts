import type { EscalationFields } from '../psa-config.js';
import type { CallerIdentity } from '../../numbers/caller-identity.js';
import { NumberIndex, strengthRank, type MatchStrength } from '../../numbers/number-index.js';
import { parsePhoneText } from '../../numbers/phone-number.js';
import type { AttemptLogRequest, NewTicketRequest, PsaPerson, PsaTicket } from '../psa.js';
import type { RtEscalated, RtTicketItem, RtUser } from './rt-schemas.js';
import { callerLabel } from '../caller-label.js';

/**
 * Pure translation between RT's REST2 answers and Focusline's PSA types,
 * plus the TicketSQL the adapter sends. No I/O here.
 */

/** The user-record fields every ticket search expands on its requestors (fields[Requestor]=…). */
export const REQUESTOR_FIELDS = 'Name,RealName,EmailAddress,Organization,WorkPhone,MobilePhone,HomePhone';
export const TICKET_FIELDS = 'Subject,Status,Created,LastUpdated,Owner,Requestor';
/** RT's own accounts, never anybody's contact or coworker. */
const SYSTEM_USERS = new Set(['rt_system', 'nobody']);
/** RT's Tickets.Subject column is varchar(200). */
const SUBJECT_MAX = 200;

export function ticketUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/Ticket/Display.html?id=${encodeURIComponent(id)}`;
}

export function userNumbers(user: RtUser): string[] {
  return [user.WorkPhone, user.MobilePhone, user.HomePhone].map((n) => n.trim()).filter((n) => n !== '');
}

export function userDisplayName(user: RtUser): string {
  return user.RealName.trim() || user.Name || user.EmailAddress || user.id;
}

/** RT has no company entity: the requester's Organization is the company, and its name is the id. */
export function ticketFromItem(item: RtTicketItem, baseUrl: string): PsaTicket {
  const requestors = item.Requestor;
  const first = requestors[0];
  const organization = requestors.map((r) => r.Organization.trim()).find((o) => o !== '') ?? '';
  const numbers = [...new Set(requestors.flatMap(userNumbers))];
  return {
    id: item.id,
    summary: item.Subject,
    status: item.Status,
    company: organization,
    companyId: organization || undefined,
    contactName: first ? userDisplayName(first) : '',
    contactId: first ? first.Name || first.id : undefined,
    contactNumbers: numbers,
    companyNumbers: [],
    url: ticketUrl(baseUrl, item.id),
  };
}

export function personFromUser(user: RtUser, kind: PsaPerson['kind']): PsaPerson {
  const organization = user.Organization.trim();
  return {
    id: user.Name || user.id,
    kind,
    name: userDisplayName(user),
    company: organization,
    companyId: organization || undefined,
    numbers: userNumbers(user),
    email: user.EmailAddress || undefined,
  };
}

export function isSystemUser(user: { Name: string; id: string }): boolean {
  return SYSTEM_USERS.has((user.Name || user.id).toLowerCase());
}

// ---------------------------------------------------------------- TicketSQL

/** A TicketSQL string literal: RT's parser takes backslash escapes inside single quotes. */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function statusClause(statuses: readonly string[]): string {
  const unique = [...new Map(statuses.map((s) => [s.trim().toLowerCase(), s.trim()])).values()].filter((s) => s !== '');
  return `(${unique.map((s) => `Status = ${sqlString(s)}`).join(' OR ')})`;
}

/** "open" is RT's working status; policy can add its own (e.g. a custom lifecycle's "in progress"). */
export function activeTicketQuery(workingStatuses: readonly string[]): string {
  return `Owner = '__CurrentUser__' AND ${statusClause(['open', ...workingStatuses])}`;
}

/** __Active__ follows each queue's lifecycle (new/open/stalled by default), so custom lifecycles need no setting. */
export const ACTIVE = `Status = '__Active__'`;

export const MY_OPEN_TICKETS_QUERY = `Owner = '__CurrentUser__' AND ${ACTIVE}`;

export function companyTicketsQuery(organization: string): string {
  return `Requestor.Organization = ${sqlString(organization)} AND ${ACTIVE}`;
}

export function requestorTicketsQuery(name: string): string {
  return `Requestor.Name = ${sqlString(name)} AND ${ACTIVE}`;
}

/** How many trailing digits the live phone search sends to RT. */
export const PHONE_SEARCH_TAIL = 4;

/**
 * RT compares phone fields as text (LIKE '%…%'), and they hold numbers as
 * people typed them: "+1 (555) 010-0101" does not contain "0100101". The
 * last four digits are almost always written together, so the search asks
 * for those and the adapter keeps only the requesters whose numbers really
 * match (callerMatches). Searches tickets of every status: a requester is
 * only findable through a ticket, because REST2's /users search ignores
 * phone fields.
 */
export function phoneSearchQuery(digits: string): string {
  const tail = sqlString(digits.slice(-PHONE_SEARCH_TAIL));
  return `(Requestor.WorkPhone LIKE ${tail} OR Requestor.MobilePhone LIKE ${tail} OR Requestor.HomePhone LIKE ${tail})`;
}

/** Tickets an interrupted createTicket may have left: mine, this subject, recent. The ref marker in the body decides. */
export function refCandidatesQuery(subject: string, since: Date): string {
  return `Creator = '__CurrentUser__' AND Subject = ${sqlString(subject)} AND Created > ${sqlString(sqlDate(since))}`;
}

function sqlDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

// ---------------------------------------------------------------- numbers

/**
 * The caller as the number index sees it. `digits` is "E.164 without '+',
 * or as dialled", so it is parsed as dialled in the default region, and a
 * long enough string also counts as E.164 with its "+" put back.
 */
export function callerFromDigits(digits: string, defaultRegion: string): CallerIdentity | null {
  const clean = digits.replace(/\D/g, '');
  const parsed = parsePhoneText(clean, defaultRegion);
  if (parsed.kind !== 'number') return null;
  const exactKeys = new Set<string>();
  if (parsed.e164 !== null) exactKeys.add(`tel:${parsed.e164}`);
  if (clean.length >= 8) exactKeys.add(`tel:+${clean}`);
  return {
    key: parsed.e164 ?? parsed.digits,
    source: 'from',
    anonymous: false,
    exactKeys: [...exactKeys],
    digits: parsed.digits,
    hasCountryCode: parsed.e164 !== null,
    // A number from the PSA names no host; it is matched against PSA contacts, never coworkers.
    host: null,
    hostTrusted: false,
  };
}

export type RequestorMatch = { user: RtUser; via: MatchStrength; number: string };

/** The requester whose stored numbers match the caller best; the earliest (most recently updated ticket) wins ties. */
export function bestRequestorMatch(items: readonly RtTicketItem[], caller: CallerIdentity, defaultRegion: string): RequestorMatch | null {
  let best: RequestorMatch | null = null;
  const seen = new Set<string>();
  for (const user of items.flatMap((i) => i.Requestor)) {
    if (seen.has(user.id)) continue;
    seen.add(user.id);
    const index = new NumberIndex<string>();
    for (const number of userNumbers(user)) {
      const parsed = parsePhoneText(number, defaultRegion);
      if (parsed.kind === 'number') index.addNumber(parsed, number);
    }
    for (const hit of index.hits(caller)) {
      if (best === null || strengthRank[hit.via] > strengthRank[best.via]) best = { user, via: hit.via, number: hit.value };
    }
  }
  return best;
}

/**
 * The RT user name for a caller nobody knows (psa-config: for RT the caller's
 * number becomes the requester). E.164 when the country is known; otherwise
 * "tel:" + digits, because RT loads an all-digit name as a user id.
 */
export function phoneRequesterName(callerNumber: string, defaultRegion: string): string | null {
  const parsed = parsePhoneText(callerNumber, defaultRegion);
  if (parsed.kind !== 'number') return null;
  return parsed.e164 ?? `tel:${parsed.digits}`;
}

// ---------------------------------------------------------------- bodies

/** What RT stores as the subject: one line, at most 200 characters (so the idempotency search finds it as sent). */
export function ticketSubject(request: Pick<NewTicketRequest, 'summary' | 'callerName' | 'callerNumber'>): string {
  const oneLine = request.summary.replace(/\s+/g, ' ').trim() || `Call from ${request.callerName.trim() || request.callerNumber}`;
  return oneLine.length > SUBJECT_MAX ? `${oneLine.slice(0, SUBJECT_MAX - 1)}…` : oneLine;
}

/** The ticket body: the tech's description, then the call's facts (the number must survive even without a requester). */
export function ticketBody(request: NewTicketRequest): string {
  const caller = callerLabel(request.callerName, request.callerNumber);
  return [request.description.trimEnd(), '', `Caller: ${caller}`, `Call time: ${request.occurredAt}`].join('\n').trimStart();
}

export function attemptBody(request: AttemptLogRequest): string {
  const caller = callerLabel(request.callerName, request.callerNumber);
  const lines = [`${request.outcome}`, `Caller: ${caller}`, `Call time: ${request.occurredAt}`];
  if (request.text.trim()) lines.push('', request.text.trimEnd());
  return lines.join('\n');
}

// ---------------------------------------------------------------- token

/**
 * RT 5 auth tokens read "1-<user id>-<32 hex>" (RT::AuthToken::ParseAuthString):
 * the owner's id is how the adapter learns who it is, REST2 has no /me.
 */
export function tokenOwnerId(token: string): string | null {
  const match = /^1-(\d+)-[0-9a-f]{32}$/i.exec(token.trim());
  return match?.[1] ?? null;
}

/** Why a token can't be sent at all (a newline in the header is a 400 from RT); null when it looks usable. */
export function tokenProblem(token: string): string | null {
  if (token.trim() === '') return 'No RT auth token is set. Create one in RT (Logged in as… → Settings → Auth Tokens) and paste it in Settings → PSA.';
  if (/[\s]/.test(token.trim())) return 'The RT auth token contains spaces or line breaks. Paste it again exactly as RT showed it (e.g. 1-14-35103cde…).';
  return null;
}

/** The user "page" cursor: RT pages from 1. */
export function pageFromCursor(cursor: string | null): number | null {
  if (cursor === null) return 1;
  return /^[1-9]\d{0,5}$/.test(cursor) ? Number(cursor) : null;
}

export function nextPageCursor(page: number, pages: number | null | undefined, itemsOnPage: number, perPage: number): string | null {
  if (typeof pages === 'number') return page < pages ? String(page + 1) : null;
  return itemsOnPage >= perPage ? String(page + 1) : null;
}

// ---------------------------------------------------------------- escalation

/** The REST2 PUT /ticket/{id} body for an escalation: only the fields policy names (an empty one is left alone). */
export function escalationUpdate(fields: EscalationFields | undefined): Record<string, string> {
  const set: Record<string, string> = {};
  const priority = fields?.priority?.trim() ?? '';
  if (priority) set['Priority'] = priority;
  if (fields?.status?.trim()) set['Status'] = fields.status.trim();
  if (fields?.owner?.trim()) set['Owner'] = fields.owner.trim();
  if (fields?.queue?.trim()) set['Queue'] = fields.queue.trim();
  return set;
}

/**
 * REST2 answers a PUT with 200 and one message per field, failures included
 * ("Could not change owner: …"), so what RT now holds is compared with what
 * was asked. Answers the fields that didn't take, as "Owner (wanted bob)".
 */
export function escalationMisses(wanted: Record<string, string>, now: RtEscalated, queueId: string | undefined): string[] {
  const misses: string[] = [];
  const same = (a: unknown, b: string) =>
    String(a ?? '')
      .trim()
      .toLowerCase() === b.trim().toLowerCase();
  if (wanted['Priority'] !== undefined && !same(now.Priority, wanted['Priority']))
    misses.push(`Priority (wanted ${wanted['Priority']}, is ${String(now.Priority ?? '')})`);
  if (wanted['Status'] !== undefined && !same(now.Status, wanted['Status'])) misses.push(`Status (wanted ${wanted['Status']}, is ${now.Status ?? ''})`);
  if (wanted['Owner'] !== undefined && !same(now.Owner?.id, wanted['Owner']))
    misses.push(`Owner (wanted ${wanted['Owner']}, is ${String(now.Owner?.id ?? '')})`);
  if (wanted['Queue'] !== undefined && (queueId === undefined || !same(now.Queue?.id, queueId))) misses.push(`Queue (wanted ${wanted['Queue']})`);
  return misses;
}
