import { withRef, type AttemptLogRequest, type NewTicketRequest, type NoteRequest, type PsaPerson, type PsaTicket } from '../psa.js';
import type { CwCompany, CwContact, CwMember, CwStopwatch, CwTicket } from './connectwise-schemas.js';
import { callerLabel } from '../caller-label.js';

/**
 * Pure ConnectWise PSA logic: vendor objects → Focusline's types, request
 * bodies, conditions strings, the stopwatch guard and the caller check. No
 * I/O here, so every rule is unit-tested without a server.
 */

/** CW's ticket summary column is 100 characters; longer ones are rejected with 400 (psa-apis.md §1). */
export const CW_SUMMARY_MAX = 100;
/** Activity names have the same limit. */
export const CW_ACTIVITY_NAME_MAX = 100;
/** CW's largest page (psa-apis.md §1: page & pageSize, max 1000). */
export const CW_MAX_PAGE_SIZE = 1000;

/** Where the site is, for the links the tech clicks. */
export type CwSite = { url: string; companyId: string };

// ---------------------------------------------------------------- conditions

/** A string literal in CW's conditions syntax: double quotes, with `"` and `\` escaped. */
export function cwString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A `like` pattern that finds `fragment` anywhere. CW hands `like` to SQL
 * Server, where `%`, `_` and `[` are wildcards: each becomes `_` (any one
 * character), so the search can only find too much, never too little, and
 * callers check the candidates themselves.
 */
export function likeAnywhere(fragment: string): string {
  return cwString(`%${fragment.replace(/[%_[\]"\\]/g, '_')}%`);
}

/** A numeric id from Focusline's string ids; undefined when it isn't one (CW ids are positive integers). */
export function cwId(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*[1-9][0-9]{0,15}\s*$/.test(value)) return undefined;
  return Number(value.trim());
}

// ---------------------------------------------------------------- auth, links

export function basicAuthorization(companyId: string, publicKey: string, privateKey: string): string {
  return `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`, 'utf8').toString('base64')}`;
}

export function apiBase(siteUrl: string): string {
  return `${siteUrl.trim().replace(/\/+$/, '')}/v4_6_release/apis/3.0`;
}

/** The ticket in CW's own UI. API hosts ("api-na.myconnectwise.net") serve the UI without the "api-" prefix. */
export function ticketUrl(site: CwSite, ticketId: number | string): string | undefined {
  let base: URL;
  try {
    base = new URL(site.url.trim());
  } catch {
    return undefined;
  }
  base.hostname = base.hostname.replace(/^api-/, '');
  const origin = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const query = new URLSearchParams({ service_recid: String(ticketId), companyName: site.companyId });
  return `${origin}/v4_6_release/services/system_io/Service/fv_sr100_request.rsp?${query.toString()}`;
}

// ---------------------------------------------------------------- mapping

function clean(values: (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    const trimmed = value?.trim();
    if (trimmed) seen.add(trimmed);
  }
  return [...seen];
}

function fullName(first: string | null | undefined, last: string | null | undefined): string {
  return [first, last]
    .map((s) => s?.trim())
    .filter(Boolean)
    .join(' ');
}

/** Every phone-type number of a contact (its communication items and the default number), as stored. */
export function contactPhoneNumbers(contact: CwContact): string[] {
  const items = (contact.communicationItems ?? []).filter((item) => item.communicationType?.toLowerCase() === 'phone').map((item) => item.value);
  return clean([...items, contact.defaultPhoneNbr]);
}

export function toPsaTicket(ticket: CwTicket, site: CwSite, extra: { contact?: CwContact | null; company?: CwCompany | null } = {}): PsaTicket {
  const contactNumbers = clean([ticket.contactPhoneNumber, ...(extra.contact ? contactPhoneNumbers(extra.contact) : [])]);
  const companyId = ticket.company?.id ?? extra.company?.id;
  return {
    id: String(ticket.id),
    summary: ticket.summary,
    status: ticket.status?.name ?? '',
    company: ticket.company?.name ?? extra.company?.name ?? '',
    companyId: companyId == null ? undefined : String(companyId),
    contactName: ticket.contactName?.trim() || ticket.contact?.name?.trim() || (extra.contact ? fullName(extra.contact.firstName, extra.contact.lastName) : ''),
    contactId: ticket.contact?.id == null ? undefined : String(ticket.contact.id),
    contactNumbers,
    companyNumbers: clean([extra.company?.phoneNumber]),
    url: ticketUrl(site, ticket.id),
  };
}

export function contactToPerson(contact: CwContact): PsaPerson {
  const companyId = contact.company?.id;
  return {
    id: String(contact.id),
    kind: 'contact',
    name: fullName(contact.firstName, contact.lastName),
    company: contact.company?.name ?? '',
    companyId: companyId == null ? undefined : String(companyId),
    numbers: contactPhoneNumbers(contact),
  };
}

/** One of the MSP's own members (a coworker); their company is the MSP itself, which CW doesn't name here. */
export function memberToPerson(member: CwMember): PsaPerson {
  return {
    id: String(member.id),
    kind: 'member',
    name: fullName(member.firstName, member.lastName) || member.identifier,
    company: '',
    numbers: clean([member.officePhone, member.mobilePhone, member.homePhone]),
    email: member.officeEmail?.trim() || undefined,
  };
}

export function whoLabel(member: CwMember): string {
  const name = fullName(member.firstName, member.lastName);
  return name ? `${member.identifier} (${name})` : member.identifier;
}

// ---------------------------------------------------------------- active ticket

export type StopwatchRules = { workingStatuses: readonly string[]; stopwatchMinSeconds: number };
export type StopwatchVerdict = { counts: boolean; why: string };

/**
 * CW's stopwatch `status` values are undocumented ([U] psa-apis.md §1). Only
 * "Running" is taken as running. Anything else, including values we have
 * never seen, does not count: a DND the tech didn't ask for is worse than
 * a missed one, and the ticket can still be started by hand.
 */
export function stopwatchIsRunning(stopwatch: CwStopwatch): boolean {
  return (stopwatch.status ?? '').trim().toLowerCase() === 'running' && !stopwatch.endTime && stopwatch.ticket.id != null;
}

export function isWorkingStatus(status: string, workingStatuses: readonly string[]): boolean {
  const wanted = status.trim().toLowerCase();
  return wanted !== '' && workingStatuses.some((s) => s.trim().toLowerCase() === wanted);
}

/** Seconds the stopwatch has actually run: now − start − time spent paused; undefined without a readable start. */
export function stopwatchRunSeconds(stopwatch: CwStopwatch, now: Date): number | undefined {
  const start = stopwatch.startTime ? Date.parse(stopwatch.startTime) : Number.NaN;
  if (Number.isNaN(start)) return undefined;
  return (now.getTime() - start) / 1000 - (stopwatch.totalPauseTime ?? 0);
}

/**
 * Whether a stopwatch means "the tech is working on this ticket". A running
 * stopwatch alone isn't enough: autoStartStopwatch starts one merely by
 * opening a ticket. It counts when the ticket is in a working status, or
 * once it has run stopwatchMinSeconds (nobody keeps a ticket open that long
 * by accident).
 */
export function judgeStopwatch(stopwatch: CwStopwatch, ticketStatus: string, rules: StopwatchRules, now: Date): StopwatchVerdict {
  if (!stopwatchIsRunning(stopwatch)) return { counts: false, why: `stopwatch status "${stopwatch.status ?? 'null'}" is not Running on a ticket` };
  if (isWorkingStatus(ticketStatus, rules.workingStatuses)) return { counts: true, why: `ticket status "${ticketStatus}" is a working status` };
  const ran = stopwatchRunSeconds(stopwatch, now);
  if (ran === undefined) return { counts: false, why: 'stopwatch has no readable start time' };
  if (ran >= rules.stopwatchMinSeconds) return { counts: true, why: `stopwatch has run ${Math.floor(ran)} s` };
  return { counts: false, why: `stopwatch has run only ${Math.floor(ran)} s of ${rules.stopwatchMinSeconds} s (may be autoStartStopwatch)` };
}

// ---------------------------------------------------------------- caller check

/** The last 7 digits: what the `like` search looks for, since stored numbers vary in prefix and country code. */
export function searchTail(digits: string): string | undefined {
  const only = digits.replace(/\D/g, '');
  return only.length >= 7 ? only.slice(-7) : undefined;
}

// ---------------------------------------------------------------- writes

/** Fits CW's 100-character summary: cut at a word boundary when one is near, and say it was cut. */
export function truncateSummary(summary: string, max = CW_SUMMARY_MAX): string {
  const flat = summary.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const room = flat.slice(0, max - 1);
  const space = room.lastIndexOf(' ');
  const cut = space >= max * 0.6 ? room.slice(0, space) : room;
  return `${cut.trimEnd()}…`;
}

/** CW wants dates as ISO 8601 UTC without milliseconds ("2025-03-01T10:02:00Z"). */
export function cwDate(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? iso : new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type CompanyRef = { id: number } | { identifier: string };

export type NewTicketBody = {
  summary: string;
  company: CompanyRef;
  board?: { name: string };
  contact?: { id: number };
  source: { name: 'Phone' };
  initialDescription: string;
  externalXRef: string;
};

export function newTicketBody(request: NewTicketRequest, company: CompanyRef, board: string, contactId: number | undefined): NewTicketBody {
  return {
    summary: truncateSummary(request.summary.trim() || `Call from ${request.callerName || request.callerNumber}`),
    company,
    ...(board.trim() ? { board: { name: board.trim() } } : {}),
    ...(contactId !== undefined ? { contact: { id: contactId } } : {}),
    source: { name: 'Phone' },
    // The marker too, although externalXRef is what finds it again: a human reading the ticket sees where it came from.
    initialDescription: withRef(request.description, request.ref),
    externalXRef: request.ref,
  };
}

export type NoteBody = {
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: false;
  processNotifications: false;
};

/** CW rejects a note with no flag set; internal notes go to Internal Analysis, others to the Discussion. Nobody gets an email. */
export function noteBody(request: NoteRequest): NoteBody {
  return {
    text: withRef(request.text, request.ref),
    detailDescriptionFlag: !request.internal,
    internalAnalysisFlag: request.internal,
    resolutionFlag: false,
    processNotifications: false,
  };
}

export type ActivityBody = {
  name: string;
  type: { name: 'Call' };
  assignTo: { identifier: string };
  company?: { id: number };
  contact?: { id: number };
  ticket?: { id: number };
  phoneNumber: string;
  dateStart: string;
  notes: string;
};

export function activityBody(
  request: AttemptLogRequest,
  me: string,
  ids: { companyId?: number | undefined; contactId?: number | undefined; ticketId?: number | undefined },
): ActivityBody {
  return {
    name: truncateSummary(`Call ${callerLabel(request.callerName, request.callerNumber)}: ${request.outcome}`, CW_ACTIVITY_NAME_MAX),
    type: { name: 'Call' },
    assignTo: { identifier: me },
    ...(ids.companyId !== undefined ? { company: { id: ids.companyId } } : {}),
    ...(ids.contactId !== undefined ? { contact: { id: ids.contactId } } : {}),
    ...(ids.ticketId !== undefined ? { ticket: { id: ids.ticketId } } : {}),
    phoneNumber: request.callerNumber,
    dateStart: cwDate(request.occurredAt),
    notes: withRef(request.text, request.ref),
  };
}

// ---------------------------------------------------------------- errors, paging

/** CW's error body: `{code, message, errors:[{message, field}]}` → "message (field: reason; …)". */
export function describeCwError(_status: number, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { message?: unknown; errors?: unknown; code?: unknown };
  const message = typeof b.message === 'string' ? b.message.trim() : '';
  const details = Array.isArray(b.errors)
    ? b.errors
        .map((e: unknown) => {
          if (typeof e !== 'object' || e === null) return '';
          const item = e as { message?: unknown; field?: unknown };
          const text = typeof item.message === 'string' ? item.message.trim() : '';
          return text && typeof item.field === 'string' && !text.toLowerCase().includes(item.field.toLowerCase()) ? `${item.field}: ${text}` : text;
        })
        .filter(Boolean)
    : [];
  const all = [message, ...details].filter(Boolean);
  if (all.length === 0) return typeof b.code === 'string' && b.code ? b.code : undefined;
  return all.join('; ');
}

/** Page numbers as cursors. CW's Link header (when sent) says whether there is a next page; otherwise a full page means "maybe". */
export function nextPageCursor(page: number, received: number, pageSize: number, link: string | null): string | null {
  if (link !== null && link.trim() !== '') return /rel="?next"?/i.test(link) ? String(page + 1) : null;
  return received >= pageSize ? String(page + 1) : null;
}

export function pageFromCursor(cursor: string | null): number | undefined {
  if (cursor === null) return 1;
  return /^[1-9][0-9]{0,6}$/.test(cursor) ? Number(cursor) : undefined;
}

export { bestCandidate, callerMatchStrength } from '../caller-match.js';

// ---------------------------------------------------------------- escalation, attachments

/** CW's JSON Patch for an escalation: only the references that were resolved (an unset field is left alone). */
export function escalationPatch(ids: {
  priorityId?: number | undefined;
  statusId?: number | undefined;
}): { op: 'replace'; path: string; value: { id: number } }[] {
  return [
    ...(ids.priorityId !== undefined ? [{ op: 'replace' as const, path: 'priority', value: { id: ids.priorityId } }] : []),
    ...(ids.statusId !== undefined ? [{ op: 'replace' as const, path: 'status', value: { id: ids.statusId } }] : []),
  ];
}

/**
 * CW's document upload refuses what is over the site's upload limit; 10 MB is
 * assumed here ([U]: the limit is a site setting, not in the API definition),
 * and a larger recording is left out of the ticket rather than failing it.
 */
export const CW_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

/** The document's title: the file name, so a retry recognises its own upload among the ticket's documents. */
export function documentTitle(fileName: string): string {
  return truncateSummary(`Voicemail ${fileName}`, CW_DOCUMENT_TITLE_MAX);
}
export const CW_DOCUMENT_TITLE_MAX = 100;

/** POST /system/documents as multipart/form-data: recordType, recordId, title, file (plus private: internal to the MSP). */
export function documentForm(ticketId: number, attachment: { fileName: string; mimeType: string; bytes: Uint8Array }): FormData {
  const form = new FormData();
  form.append('recordType', 'Ticket');
  form.append('recordId', String(ticketId));
  form.append('title', documentTitle(attachment.fileName));
  form.append('privateFlag', 'true');
  form.append('file', new Blob([new Uint8Array(attachment.bytes)], { type: attachment.mimeType }), attachment.fileName);
  return form;
}
