import { createHash } from 'node:crypto';
import { withRef, type AttemptLogRequest, type NewTicketRequest, type PsaPerson, type PsaTicket } from '../psa.js';
import type { AtCompany, AtContact, AtField, AtPicklistValue, AtResource, AtTicket } from './autotask-schemas.js';
import { callerLabel } from '../caller-label.js';

/**
 * Pure Autotask logic: URLs, query filters, picklist resolution, vendor rows
 * → Focusline's types, create bodies, and how Autotask's errors read. No I/O,
 * so every rule is unit-tested without a server.
 */

export const AT_VENDOR = 'Autotask';
/** Autotask's largest page: MaxRecords 1–500 (psa-apis.md §2 "Query"). */
export const AT_MAX_RECORDS = 500;
/** Ticket.externalID is a 50-character string in Autotask. */
export const AT_EXTERNAL_ID_MAX = 50;
export const AT_TITLE_MAX = 255;
export const AT_DESCRIPTION_MAX = 8000;
export const AT_NOTE_TITLE_MAX = 250;
export const AT_NOTE_DESCRIPTION_MAX = 32000;
export const AT_COMPANY_NOTE_NAME_MAX = 250;
export const AT_COMPANY_NOTE_MAX = 8000;

// ---------------------------------------------------------------- URLs

/** Zone discovery's base: the configured URL without trailing slashes or a pasted "/v1.0". */
export function discoveryBase(url: string): string {
  return url
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/v1\.0$/i, '');
}

/** The zone's entity API, e.g. https://webservices5.autotask.net/atservicesrest/V1.0 */
export function apiBase(zoneUrl: string): string {
  return `${discoveryBase(zoneUrl)}/V1.0`;
}

/** The ticket in Autotask's web UI (the AutotaskExtend deep link); undefined without the zone's webUrl. */
export function ticketWebUrl(webUrl: string | null | undefined, ticketId: number | string): string | undefined {
  if (!webUrl) return undefined;
  return `${webUrl.replace(/\/+$/, '')}/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=${encodeURIComponent(String(ticketId))}`;
}

/** A numeric Autotask id from Focusline's string ids; undefined when it isn't one. */
export function atId(value: string | undefined | null): number | undefined {
  if (value === undefined || value === null || !/^\s*[1-9][0-9]{0,15}\s*$/.test(value)) return undefined;
  return Number(value.trim());
}

// ---------------------------------------------------------------- filters

type Scalar = string | number | boolean;
export type AtFilter =
  | { op: 'eq' | 'noteq' | 'gt' | 'gte' | 'lt' | 'lte' | 'beginsWith' | 'endsWith' | 'contains'; field: string; value: Scalar }
  | { op: 'in' | 'notIn'; field: string; value: Scalar[] }
  | { op: 'exist' | 'notExist'; field: string }
  | { op: 'and' | 'or'; items: AtFilter[] };

export const f = {
  eq: (field: string, value: Scalar): AtFilter => ({ op: 'eq', field, value }),
  noteq: (field: string, value: Scalar): AtFilter => ({ op: 'noteq', field, value }),
  gt: (field: string, value: Scalar): AtFilter => ({ op: 'gt', field, value }),
  contains: (field: string, value: string): AtFilter => ({ op: 'contains', field, value }),
  in: (field: string, value: Scalar[]): AtFilter => ({ op: 'in', field, value }),
  notIn: (field: string, value: Scalar[]): AtFilter => ({ op: 'notIn', field, value }),
  or: (items: AtFilter[]): AtFilter => ({ op: 'or', items }),
};

/** Every row: Autotask refuses a query without a filter. */
export const ALL_ROWS: AtFilter = f.gt('id', 0);

export type QueryBody = { filter: AtFilter[]; MaxRecords: number; IncludeFields?: string[] };

export function queryBody(filter: AtFilter[], maxRecords: number, includeFields?: readonly string[]): QueryBody {
  const body: QueryBody = { filter, MaxRecords: Math.max(1, Math.min(AT_MAX_RECORDS, Math.floor(maxRecords))) };
  if (includeFields && includeFields.length > 0) body.IncludeFields = [...includeFields];
  return body;
}

// ---------------------------------------------------------------- phone search

/**
 * The fragments a live phone search looks for: the last 7 digits as typed
 * and in the usual 3-4 splits ("5550101", "555-0101", "555 0101",
 * "555.0101"). Autotask stores numbers as free text and `contains` is a plain
 * substring match (psa-apis.md §2 "Phone → contact"), so one fragment alone
 * misses "(555) 555-0101". Undefined for fewer than 7 digits.
 */
export function phoneSearchFragments(digits: string): string[] | undefined {
  const only = digits.replace(/\D/g, '');
  if (only.length < 7) return undefined;
  const tail = only.slice(-7);
  const [a, b] = [tail.slice(0, 3), tail.slice(3)];
  return [tail, `${a}-${b}`, `${a} ${b}`, `${a}.${b}`];
}

/** `or` of `contains` over every phone field and fragment. */
export function phoneFilter(fields: readonly string[], fragments: readonly string[]): AtFilter {
  return f.or(fields.flatMap((field) => fragments.map((fragment) => f.contains(field, fragment))));
}

// ---------------------------------------------------------------- picklists

export type Picklist = { field: string; values: AtPicklistValue[] };

export function picklistOf(fields: readonly AtField[], name: string): Picklist {
  const field = fields.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
  return { field: name, values: (field?.picklistValues ?? []).filter((v) => v.isActive !== false) };
}

/** The value whose label is `name` (case-insensitive), or whose value is `name` (ids pasted into settings). */
export function picklistValue(picklist: Picklist, name: string): number | undefined {
  const wanted = name.trim().toLowerCase();
  if (wanted === '') return undefined;
  const hit = picklist.values.find((v) => (v.label ?? '').trim().toLowerCase() === wanted) ?? picklist.values.find((v) => v.value.trim() === name.trim());
  return hit === undefined ? undefined : toNumber(hit.value);
}

/** The picklist's default value, else its first active value. */
export function picklistDefault(picklist: Picklist): number | undefined {
  const hit = picklist.values.find((v) => v.isDefaultValue === true) ?? [...picklist.values].sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0))[0];
  return hit === undefined ? undefined : toNumber(hit.value);
}

export function picklistLabel(picklist: Picklist, value: number | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return picklist.values.find((v) => toNumber(v.value) === value)?.label ?? undefined;
}

/** Working statuses by name → their values, plus the names the tenant doesn't have. */
export function statusValues(picklist: Picklist, names: readonly string[]): { values: number[]; unknown: string[] } {
  const values: number[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const value = picklistValue(picklist, name);
    if (value === undefined) unknown.push(name);
    else if (!values.includes(value)) values.push(value);
  }
  return { values, unknown };
}

/** Autotask's "Complete" is system status 5 in every tenant; the label is looked up first in case it was renamed. */
export const AT_COMPLETE_STATUS = 5;

/**
 * TicketNote.publish: who sees the note. Tenants label it differently
 * ("Internal Only", "All Autotask Users", "Internal Project Team" vs "All"),
 * so the first label of the wanted kind wins, else the picklist's default.
 */
export function publishValue(picklist: Picklist, internal: boolean): number | undefined {
  const patterns = internal ? [/^internal( only)?$/i, /^all autotask users$/i, /internal/i] : [/^all$/i, /client|customer|portal|public|external/i];
  for (const pattern of patterns) {
    const hit = picklist.values.find((v) => pattern.test((v.label ?? '').trim()));
    if (hit) return toNumber(hit.value);
  }
  return internal ? picklistDefault(picklist) : undefined;
}

function toNumber(value: string): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}

// ---------------------------------------------------------------- rows → Focusline

export function personName(row: { firstName?: string | null | undefined; lastName?: string | null | undefined }): string {
  return [row.firstName, row.lastName]
    .map((p) => (p ?? '').trim())
    .filter(Boolean)
    .join(' ');
}

export function contactNumbers(contact: AtContact): string[] {
  return nonEmpty([contact.phone, contact.mobilePhone, contact.alternatePhone]);
}

/** The company's main numbers; the fax is left out (nobody calls from it). */
export function companyNumbers(company: AtCompany): string[] {
  return nonEmpty([company.phone, company.alternatePhone1, company.alternatePhone2]);
}

/** Office and mobile numbers; a resource's home phone stays out of the coworker directory. */
export function resourceNumbers(resource: AtResource): string[] {
  return nonEmpty([resource.officePhone, resource.mobilePhone]);
}

export type TicketContext = {
  companies: ReadonlyMap<number, AtCompany>;
  contacts: ReadonlyMap<number, AtContact>;
  statuses: Picklist;
  webUrl: string | null | undefined;
};

export function toPsaTicket(ticket: AtTicket, context: TicketContext): PsaTicket {
  const company = ticket.companyID == null ? undefined : context.companies.get(ticket.companyID);
  const contact = ticket.contactID == null ? undefined : context.contacts.get(ticket.contactID);
  const number = ticket.ticketNumber?.trim();
  const title = ticket.title?.trim() || '(no title)';
  return {
    id: String(ticket.id),
    summary: number ? `${number} ${title}` : title,
    status: picklistLabel(context.statuses, ticket.status) ?? (ticket.status == null ? '' : `Status ${ticket.status}`),
    company: company?.companyName?.trim() ?? '',
    companyId: ticket.companyID == null ? undefined : String(ticket.companyID),
    contactName: contact ? personName(contact) : '',
    contactId: ticket.contactID == null ? undefined : String(ticket.contactID),
    contactNumbers: contact ? contactNumbers(contact) : [],
    companyNumbers: company ? companyNumbers(company) : [],
    url: ticketWebUrl(context.webUrl, ticket.id),
  };
}

export function contactToPerson(contact: AtContact, companyName: string): PsaPerson {
  return {
    id: String(contact.id),
    kind: 'contact',
    name: personName(contact) || contact.emailAddress?.trim() || `Contact ${contact.id}`,
    company: companyName,
    companyId: contact.companyID == null ? undefined : String(contact.companyID),
    numbers: contactNumbers(contact),
    email: contact.emailAddress?.trim() || undefined,
  };
}

export function resourceToPerson(resource: AtResource): PsaPerson {
  return {
    id: String(resource.id),
    kind: 'member',
    name: personName(resource) || resource.userName?.trim() || `Resource ${resource.id}`,
    company: '',
    numbers: resourceNumbers(resource),
    email: resource.email?.trim() || undefined,
  };
}

/** The ticket the tech touched last (Autotask's lastActivityDate), from tickets already filtered to working statuses. */
export function mostRecentlyActive(tickets: readonly AtTicket[]): AtTicket | undefined {
  return [...tickets].sort(byActivityDesc)[0];
}

export function byActivityDesc(a: AtTicket, b: AtTicket): number {
  return time(b.lastActivityDate ?? b.createDate) - time(a.lastActivityDate ?? a.createDate) || b.id - a.id;
}

/** Newest first: Autotask ids grow with creation. */
export function byNewest(a: AtTicket, b: AtTicket): number {
  return b.id - a.id;
}

function time(value: string | null | undefined): number {
  const t = value ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

// ---------------------------------------------------------------- writes

/**
 * Ticket.externalID carries the outbox's ref, so a retry finds the ticket
 * an interrupted try created. Refs are UUIDs (36 characters); anything longer
 * than the field is hashed rather than cut, so two refs never collide.
 */
export function externalRef(ref: string): string {
  if (ref.length <= AT_EXTERNAL_ID_MAX) return ref;
  return `focusline:${createHash('sha256')
    .update(ref)
    .digest('hex')
    .slice(0, AT_EXTERNAL_ID_MAX - 10)}`;
}

export type TicketPicks = {
  companyId: number;
  contactId?: number | undefined;
  status: number;
  priority: number;
  source?: number | undefined;
  queueId?: number | undefined;
};

export function newTicketBody(request: NewTicketRequest, picks: TicketPicks): Record<string, unknown> {
  const body: Record<string, unknown> = {
    companyID: picks.companyId,
    title: truncate(request.summary.replace(/\s+/g, ' ').trim() || `Call from ${request.callerName || request.callerNumber}`, AT_TITLE_MAX),
    description: withRef(truncate(request.description, AT_DESCRIPTION_MAX - 120), request.ref),
    status: picks.status,
    priority: picks.priority,
    externalID: externalRef(request.ref),
  };
  if (picks.contactId !== undefined) body['contactID'] = picks.contactId;
  if (picks.source !== undefined) body['source'] = picks.source;
  if (picks.queueId !== undefined) body['queueID'] = picks.queueId;
  return body;
}

export function ticketNoteBody(
  ticketId: number,
  note: { title: string; text: string; ref: string; noteType: number; publish: number },
): Record<string, unknown> {
  return {
    ticketID: ticketId,
    title: truncate(note.title.replace(/\s+/g, ' ').trim() || 'Focusline note', AT_NOTE_TITLE_MAX),
    description: withRef(truncate(note.text, AT_NOTE_DESCRIPTION_MAX - 120), note.ref),
    noteType: note.noteType,
    publish: note.publish,
  };
}

/** A note's title: its first line. */
export function firstLine(text: string): string {
  return text.trim().split(/\r?\n/, 1)[0] ?? '';
}

/** The title of a logged contact attempt, e.g. "Phone call from Jane Doe (+15550101): Rang, answered". */
export function attemptTitle(request: AttemptLogRequest): string {
  return `Phone call from ${callerLabel(request.callerName, request.callerNumber)}: ${request.outcome}`;
}

export function companyNoteBody(
  request: AttemptLogRequest,
  picks: { companyId: number; contactId?: number | undefined; actionType: number; resourceId: number },
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    companyID: picks.companyId,
    actionType: picks.actionType,
    assignedResourceID: picks.resourceId,
    name: truncate(attemptTitle(request), AT_COMPANY_NOTE_NAME_MAX),
    note: withRef(truncate(request.text, AT_COMPANY_NOTE_MAX - 120), request.ref),
    startDateTime: request.occurredAt,
    endDateTime: request.occurredAt,
    // Logged after the fact: a completed note, not a to-do.
    completedDateTime: request.occurredAt,
  };
  if (picks.contactId !== undefined) body['contactID'] = picks.contactId;
  return body;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function nonEmpty(values: readonly (string | null | undefined)[]): string[] {
  return values.map((v) => (v ?? '').trim()).filter(Boolean);
}

// ---------------------------------------------------------------- errors

/** Autotask's error text: {"errors":["…"]} joined, or .NET's {"Message":"…"}. */
export function describeAutotaskError(_status: number, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (Array.isArray(b['errors'])) {
    const parts = b['errors']
      .map((e) => (typeof e === 'string' ? e : typeof e === 'object' && e !== null ? String((e as Record<string, unknown>)['message'] ?? '') : ''))
      .filter(Boolean);
    if (parts.length > 0) return truncate(parts.join('; '), 300);
  }
  for (const key of ['Message', 'message']) if (typeof b[key] === 'string' && b[key]) return truncate(b[key], 300);
  return undefined;
}

export type CredentialProblem = { kind: 'auth' | 'forbidden'; message: string };

/**
 * Autotask answers some credential problems with HTTP 500 and an errors body
 * instead of 401 (apigrate/autotask-restapi#19: unknown user name → 500,
 * wrong integration code → 500, wrong secret → 401; unknown user at zone
 * discovery → 500 "Zone information could not be determined"). Only a 500
 * whose text is about credentials counts; any other 500 stays an outage.
 */
export function credentialProblem(status: number, body: unknown, who: { username: string; impersonationResourceId: string }): CredentialProblem | undefined {
  if (status !== 500) return undefined;
  const text = describeAutotaskError(status, body);
  if (!text) return undefined;
  if (/zone information could not be determined/i.test(text)) {
    return {
      kind: 'auth',
      message: `Autotask doesn't know the API user "${who.username}" (${text}). Check the API user name in Settings → PSA: it is the API-only user's email-style user name.`,
    };
  }
  if (/integration ?code/i.test(text)) {
    return {
      kind: 'auth',
      message: `Autotask rejected the integration code (${text}). Check the integration code (the API user's tracking identifier) in Settings → PSA.`,
    };
  }
  if (/impersonat/i.test(text)) {
    return {
      kind: 'forbidden',
      message: `Autotask won't let the API user act as resource ${who.impersonationResourceId || '(none)'} (${text}). Check the technician's resource id in Settings → PSA, and ask your Autotask administrator to allow impersonation on the API user's security level.`,
    };
  }
  if (/user ?name|credential|authenticat|password|secret|api user/i.test(text)) {
    return { kind: 'auth', message: `Autotask refused the credentials (${text}). Check the API user name and secret in Settings → PSA.` };
  }
  return undefined;
}

export { bestCandidate, callerMatchStrength } from '../caller-match.js';

// ---------------------------------------------------------------- escalation, attachments

/** The escalation's PATCH /Tickets body: the ticket's id and only the fields policy names. */
export function escalationBody(
  ticketId: number,
  picks: { priority?: number | undefined; status?: number | undefined; queueId?: number | undefined },
): Record<string, unknown> {
  return {
    id: ticketId,
    ...(picks.priority !== undefined ? { priority: picks.priority } : {}),
    ...(picks.status !== undefined ? { status: picks.status } : {}),
    ...(picks.queueId !== undefined ? { queueID: picks.queueId } : {}),
  };
}

/** One attachment through the API: "6 to 7 MB" (Autotask's REST attachments article), so the lower bound, decoded. */
export const AT_ATTACHMENT_MAX_BYTES = 6_000_000;
/** Publish "All Autotask Users": the MSP's own people, not the client. */
export const AT_PUBLISH_ALL_USERS = 1;

/** The title a voicemail's recording gets on the ticket; a retry recognises its own upload by it. */
export function attachmentTitle(fileName: string): string {
  return truncate(`Voicemail ${fileName}`, AT_NOTE_TITLE_MAX);
}

/** POST Tickets/{id}/Attachments: a file attachment, base64 in `data`, published to the MSP's users. */
export function ticketAttachmentBody(ticketId: number, attachment: { fileName: string; mimeType: string; bytes: Uint8Array }): Record<string, unknown> {
  return {
    id: 0,
    parentID: ticketId,
    attachmentType: 'FILE_ATTACHMENT',
    title: attachmentTitle(attachment.fileName),
    fullPath: attachment.fileName,
    contentType: attachment.mimeType,
    publish: AT_PUBLISH_ALL_USERS,
    data: Buffer.from(attachment.bytes).toString('base64'),
  };
}
