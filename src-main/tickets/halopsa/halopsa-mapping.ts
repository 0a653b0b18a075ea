import type { CallerIdentity } from '../../numbers/caller-identity.js';
import { strengthRank, type MatchStrength } from '../../numbers/number-index.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { knownRegion, parsePhoneText } from '../../numbers/phone-number.js';
import { ticketContactMatcher } from '../../numbers/ticket-contacts.js';
import { refMarker, withRef, type AttemptLogRequest, type NewTicketRequest, type NoteRequest, type PsaPerson, type PsaTicket } from '../psa.js';
import type { HaloAgent, HaloNamed, HaloSite, HaloTicket, HaloUser } from './halopsa-schemas.js';

/**
 * Pure HaloPSA mapping: Halo objects → Focusline's PSA types, request bodies
 * and query values. No I/O here, so all of it is unit-tested directly.
 */

export const HALO_VENDOR = 'HaloPSA';

/**
 * Halo paginates with pageinate/page_size/page_no ("pageinate" is Halo's
 * spelling). Its definition caps GET /Tickets' page_size at 100 ("Maximum
 * size: 100"); the same size is used for users.
 */
export const HALO_PAGE_SIZE = 100;
export const HALO_SCREEN_POP_TICKETS = 10;
/** GET /Tickets' page size: the definition's maximum. */
export const HALO_MY_TICKETS_PAGE = 100;
/** "My tickets" reads at most this many pages (500 tickets): a bounded list, the rest logged. */
export const HALO_MY_TICKETS_MAX_PAGES = 5;
/** Outcome names Halo shows on the action. "Phone Call" is one of Halo's stock outcomes. [C] */
export const HALO_OUTCOME_NOTE = 'Note';
export const HALO_OUTCOME_CALL = 'Phone Call';

export function siteBase(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/api$/i, '');
}

export function apiBase(url: string): string {
  return `${siteBase(url)}/api`;
}

/** Used when GET /api/authinfo is 404 (older and self-hosted builds). */
export function defaultAuthUrl(url: string): string {
  return `${siteBase(url)}/auth`;
}

/** {auth_url}/token, with ?tenant= only for hosted Halo (config.tenant set). */
export function tokenUrl(authUrl: string, tenant: string): string {
  const url = new URL(`${authUrl.replace(/\/+$/, '')}/token`);
  if (tenant.trim() !== '') url.searchParams.set('tenant', tenant.trim());
  return url.toString();
}

export function tokenForm(clientId: string, clientSecret: string): URLSearchParams {
  return new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'all' });
}

/** Where the tech opens the ticket in Halo's agent UI. */
export function ticketUiUrl(url: string, ticketId: number | string): string {
  return `${siteBase(url)}/ticket?id=${encodeURIComponent(String(ticketId))}`;
}

/** A Halo id from a Focusline string id; undefined unless it is a positive integer. */
export function haloId(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function present(values: (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const v of values) {
    const t = v?.trim();
    if (t) seen.add(t);
  }
  return [...seen];
}

/** The phone fields Focusline reads from a Halo user: main, mobile, second mobile, home. */
export function userNumbers(user: HaloUser): string[] {
  return present([user.phonenumber, user.mobilenumber, user.mobilenumber2, user.homenumber]);
}

/** An agent's numbers in Halo's agent model (Uname): the extension and the SMS (mobile) number; it has no phone fields. */
export function agentNumbers(agent: HaloAgent): string[] {
  return present([agent.extensionnumber, agent.sms]);
}

/** A name for a record whose name the definition allows to be null. */
function nameOr(name: string | null | undefined, fallback: string): string {
  return name?.trim() || fallback;
}

/** True when the answer carries none of the phone fields at all (not merely empty): the token can't see them. */
export function phoneFieldsHidden(user: HaloUser): boolean {
  return user.phonenumber === undefined && user.mobilenumber === undefined && user.mobilenumber2 === undefined && user.homenumber === undefined;
}

export type TicketExtras = { user?: HaloUser | null; site?: HaloSite | null };

export function toPsaTicket(ticket: HaloTicket, url: string, statusNames: ReadonlyMap<number, string>, extras: TicketExtras = {}): PsaTicket {
  const { user, site } = extras;
  const statusId = ticket.status_id ?? undefined;
  return {
    id: String(ticket.id),
    summary: ticket.summary ?? '',
    status: statusId === undefined ? '' : (statusNames.get(statusId) ?? `Status ${statusId}`),
    company: ticket.client_name ?? user?.client_name ?? '',
    companyId: ticket.client_id == null ? undefined : String(ticket.client_id),
    contactName: ticket.user_name ?? user?.name ?? '',
    contactId: ticket.user_id == null ? undefined : String(ticket.user_id),
    contactNumbers: user ? userNumbers(user) : [],
    companyNumbers: present([site?.phonenumber]),
    url: ticketUiUrl(url, ticket.id),
  };
}

export function userToPerson(user: HaloUser): PsaPerson {
  return {
    id: String(user.id),
    kind: 'contact',
    name: nameOr(user.name, user.emailaddress?.trim() || `Contact ${user.id}`),
    company: user.client_name ?? '',
    companyId: user.client_id == null ? undefined : String(user.client_id),
    numbers: userNumbers(user),
    email: user.emailaddress?.trim() || undefined,
  };
}

/** Agents are the MSP's own people; their company is the MSP itself, which Halo doesn't name on the agent. */
export function agentToPerson(agent: HaloAgent): PsaPerson {
  return {
    id: String(agent.id),
    kind: 'member',
    name: nameOr(agent.name, agent.email?.trim() || `Agent ${agent.id}`),
    company: '',
    numbers: agentNumbers(agent),
    email: agent.email?.trim() || undefined,
  };
}

/**
 * The agent the "You as a Halo agent" setting names by email or name (an id is looked up
 * directly). An email is matched first; a name only when exactly one agent has it, because
 * two agents called "Sam Lee" would make Focusline follow the wrong one's tickets.
 */
export function agentNamed(
  agents: readonly HaloAgent[],
  wanted: string,
): { kind: 'found'; agent: HaloAgent } | { kind: 'none' } | { kind: 'ambiguous'; ids: number[] } {
  const lower = wanted.trim().toLowerCase();
  const byEmail = agents.find((a) => a.email?.trim().toLowerCase() === lower);
  if (byEmail) return { kind: 'found', agent: byEmail };
  const byName = agents.filter((a) => a.name?.trim().toLowerCase() === lower);
  const [only] = byName;
  if (only === undefined) return { kind: 'none' };
  return byName.length === 1 ? { kind: 'found', agent: only } : { kind: 'ambiguous', ids: byName.map((a) => a.id) };
}

/** A name (case-insensitive) or numeric id from settings → the Halo id; undefined when nothing matches. */
export function resolveNamed(list: readonly HaloNamed[], nameOrId: string): number | undefined {
  const wanted = nameOrId.trim().toLowerCase();
  const byName = list.find((item) => (item.name ?? '').trim().toLowerCase() === wanted);
  if (byName) return byName.id;
  const asId = haloId(nameOrId);
  return asId !== undefined && list.some((item) => item.id === asId) ? asId : undefined;
}

export function workingStatusIds(statuses: readonly HaloNamed[], names: readonly string[]): { ids: number[]; unknown: string[] } {
  const ids: number[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const found = resolveNamed(statuses, name);
    if (found === undefined) unknown.push(name);
    else if (!ids.includes(found)) ids.push(found);
  }
  return { ids, unknown };
}

export function statusNameMap(statuses: readonly HaloNamed[]): Map<number, string> {
  return new Map(statuses.map((s) => [s.id, nameOr(s.name, `Status ${s.id}`)]));
}

export type HaloNewTicket = {
  summary: string;
  details: string;
  client_id: number;
  user_id?: number;
  tickettype_id?: number;
  dateoccurred: string;
};

/** The one ticket of POST /api/tickets' array. The ref marker ends `details` so a retry finds it. */
export function newTicketBody(request: NewTicketRequest, clientId: number, ticketTypeId: number | undefined): HaloNewTicket[] {
  const body: HaloNewTicket = {
    summary: request.summary.trim() || `Call from ${request.callerName || request.callerNumber}`,
    details: withRef(request.description, request.ref),
    client_id: clientId,
    dateoccurred: request.occurredAt,
  };
  const userId = haloId(request.contactId);
  if (userId !== undefined) body.user_id = userId;
  if (ticketTypeId !== undefined) body.tickettype_id = ticketTypeId;
  return [body];
}

export type HaloNewAction = {
  ticket_id: number;
  note: string;
  outcome: string;
  hiddenfromuser: boolean;
  sendemail: false;
  /** An action may change the ticket as it is added (Halo's "new_*" action fields): the escalation's. */
  new_status?: number;
  new_priority?: number;
  new_agent?: number;
};

export const HALO_OUTCOME_ESCALATION = 'Escalated';

/** The escalation: one private action with the note, carrying the status, priority and agent policy names (resolved to ids). */
export function escalationActionBody(
  request: { text: string; ref: string },
  ticketId: number,
  ids: { status?: number | undefined; priority?: number | undefined; agent?: number | undefined },
): HaloNewAction[] {
  return [
    {
      ticket_id: ticketId,
      note: withRef(request.text, request.ref),
      outcome: HALO_OUTCOME_ESCALATION,
      hiddenfromuser: true,
      sendemail: false,
      ...(ids.status !== undefined ? { new_status: ids.status } : {}),
      ...(ids.priority !== undefined ? { new_priority: ids.priority } : {}),
      ...(ids.agent !== undefined ? { new_agent: ids.agent } : {}),
    },
  ];
}

/** A call attempt without a ticket: a CRM note on the client (POST /api/CRMNote, Halo's AreaNote), with the contact when known. */
export function attemptCrmNoteBody(request: AttemptLogRequest, clientId: number, userId: number | undefined): Record<string, unknown>[] {
  const caller = [request.callerName, request.callerNumber ? `(${request.callerNumber})` : ''].filter(Boolean).join(' ');
  return [
    {
      client_id: clientId,
      ...(userId !== undefined ? { user_id: userId } : {}),
      datetime: request.occurredAt,
      note: `${request.outcome}${caller ? `: ${caller}` : ''}`.slice(0, 250),
      detail: withRef(request.text.trim() || request.outcome, request.ref),
    },
  ];
}

/** Hosted Halo's upload limit isn't in the API definition ([U]); 20 MB is assumed, and a larger recording stays out of the ticket. */
export const HALO_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

/** POST /api/Attachment (an array of Attachment): the file as base64 on the ticket. */
export function attachmentBody(ticketId: number, attachment: { fileName: string; mimeType: string; bytes: Uint8Array }): Record<string, unknown>[] {
  return [
    {
      ticket_id: ticketId,
      filename: attachment.fileName,
      content_type: attachment.mimeType,
      data_base64: Buffer.from(attachment.bytes).toString('base64'),
      note: `Voicemail ${attachment.fileName}`,
    },
  ];
}

export function noteActionBody(request: NoteRequest, ticketId: number): HaloNewAction[] {
  return [{ ticket_id: ticketId, note: withRef(request.text, request.ref), outcome: HALO_OUTCOME_NOTE, hiddenfromuser: request.internal, sendemail: false }];
}

/** A call attempt is always internal: it records our phone system's behaviour, not a reply to the client. */
export function attemptActionBody(request: AttemptLogRequest, ticketId: number): HaloNewAction[] {
  const caller = [request.callerName, request.callerNumber ? `(${request.callerNumber})` : ''].filter(Boolean).join(' ');
  const heading = `${request.outcome}${caller ? `: ${caller}` : ''} at ${request.occurredAt}`;
  const note = request.text.trim() ? `${heading}\n${request.text.trim()}` : heading;
  return [{ ticket_id: ticketId, note: withRef(note, request.ref), outcome: HALO_OUTCOME_CALL, hiddenfromuser: true, sendemail: false }];
}

export function carriesRef(text: string | null | undefined, ref: string): boolean {
  return typeof text === 'string' && text.includes(refMarker(ref));
}

/** Cursor for paged listings: the Halo page number; null/undefined means the first page. */
export function pageNumber(cursor: string | null): number | undefined {
  if (cursor === null) return 1;
  const n = haloId(cursor);
  return n;
}

export function nextCursor(pageNo: number, pageSize: number, received: number, total: number): string | null {
  if (received === 0 || pageNo * pageSize >= total) return null;
  return String(pageNo + 1);
}

/**
 * The caller's number as number-index.ts looks it up. `digits` is E.164
 * without "+" or as dialled, so it can't tell which; with an empty region
 * (the default) it stays national and matches stored numbers on the last 10
 * or 7 digits, a stored "+1…" included.
 */
export function callerFromDigits(digits: string, region: string): CallerIdentity | null {
  const parsed = parsePhoneText(digits, region);
  if (parsed.kind !== 'number') return null;
  return {
    key: parsed.e164 ?? parsed.digits,
    source: 'from',
    anonymous: false,
    exactKeys: parsed.e164 === null ? [] : [`tel:${parsed.e164}`],
    digits: parsed.digits,
    hasCountryCode: parsed.e164 !== null,
    // A number from the PSA names no host; it is matched against PSA contacts, never coworkers.
    host: null,
    hostTrusted: false,
  };
}

/**
 * Halo's phone search is a text search, so its hits are only candidates:
 * keep the user whose numbers really match (strongest match wins; the
 * first listed on a tie).
 */
export function bestCallerMatch(users: readonly HaloUser[], caller: CallerIdentity, region: string): { user: HaloUser; via: MatchStrength } | null {
  let best: { user: HaloUser; via: MatchStrength } | null = null;
  for (const user of users) {
    const hit = ticketContactMatcher(userNumbers(user), region).lookup(caller);
    if (hit && (best === null || strengthRank[hit.via] > strengthRank[best.via])) best = { user, via: hit.via };
  }
  return best;
}

/** The search terms for one number: `broad` are always asked; `narrower` only when a broad answer filled its page. */
export type PhoneSearchPlan = { broad: string[]; narrower: string[] };

/**
 * Search terms for Halo's phone search, broadest first. Halo's definition has
 * no field-specific phone search: search_phonenumbers=true makes `search` a
 * "like" over the users' phone fields as stored, free text, matching anywhere
 * in it. So one broad term covers many stored forms, and every term costs a
 * round trip (200-400 ms on hosted Halo) inside the screen pop's 1.5 s:
 * - the national digits "5550101234" (also inside "+15550101234", "15550101234");
 * - NANP: the last 7 joined as "010-1234", "010 1234", "010.1234" (inside
 *   "(555) 010-1234", "555-010-1234", "+1 555 010 1234", "555.010.1234"…);
 *   the punctuated national forms contain one of these, so they are only
 *   `narrower`: worth asking when a broad term's answer was cut off by paging;
 * - elsewhere: the national groups without the trunk prefix ("20 7946 0958",
 *   inside "020 7946 0958" and "+44 20 7946 0958") with the usual separators.
 * Every hit is still checked by bestCallerMatch, so a broad term can't name the wrong person.
 */
export function phoneSearchTerms(digits: string, region = ''): PhoneSearchPlan {
  const only = digits.replace(/\D/g, '');
  if (only.length < 7) return { broad: [], narrower: [] };
  const parsed = parsePhoneText(only, region);
  const e164 = parsed.kind === 'number' && parsed.e164 !== null ? parsed.e164 : only.length > 10 ? `+${only}` : null;
  const number = e164 === null ? undefined : parseQuietly(e164, region);
  const national = number?.nationalNumber ?? only.slice(-10);
  const broad = [national];
  const narrower: string[] = [];
  if (number === undefined || number.countryCallingCode === '1') {
    const local = national.slice(-7);
    broad.push(...joins([local.slice(0, 3), local.slice(3)]));
    if (national.length === 10) narrower.push(...punctuationVariants(`(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`));
  } else {
    const groups =
      number
        .formatInternational()
        .replace(/^\+\d+\s*/, '')
        .match(/\d+/g) ?? [];
    if (groups.length > 1) broad.push(...joins(groups));
  }
  const usable = (terms: string[]) => [...new Set(terms.filter((t) => t.replace(/\D/g, '').length >= 7))];
  const broadTerms = usable(broad);
  return { broad: broadTerms, narrower: usable(narrower).filter((t) => !broadTerms.includes(t)) };
}

/** The digit groups joined the usual ways: "010-1234", "010 1234", "010.1234". */
function joins(groups: string[]): string[] {
  return [groups.join('-'), groups.join(' '), groups.join('.')];
}

/** "(555) 010-1234" → itself, "555-010-1234", "555.010.1234", "555 010 1234": the same digit groups, the usual separators. */
function punctuationVariants(formatted: string): string[] {
  const groups = formatted.match(/\d+/g) ?? [];
  if (groups.length < 2) return [];
  return [formatted, groups.join('-'), groups.join('.'), groups.join(' ')];
}

function parseQuietly(e164: string, region: string): ReturnType<typeof parsePhoneNumberFromString> {
  try {
    return parsePhoneNumberFromString(e164, knownRegion(region));
  } catch {
    return undefined;
  }
}

/**
 * Halo's error bodies: OAuth errors {error, error_description}, a bare JSON
 * string, or an object with message/Message/ClassName. [C]
 */
export function describeHaloError(_status: number, body: unknown): string | undefined {
  if (typeof body === 'string') {
    const t = body.trim();
    return t && !t.startsWith('<') ? clip(t) : undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  const error = typeof b['error'] === 'string' ? b['error'] : undefined;
  const description = typeof b['error_description'] === 'string' ? b['error_description'] : undefined;
  if (error && description) return clip(`${description} (${error})`);
  for (const key of ['message', 'Message', 'error_description', 'error', 'title']) {
    if (typeof b[key] === 'string' && b[key]) return clip(b[key]);
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
