import { z } from 'zod';

/**
 * What Focusline reads from ConnectWise PSA's REST API (version 2025.8,
 * psa-apis.md §1). Only the fields we use; CW sends many more, which zod
 * strips. Fields CW omits when empty are optional: CW leaves out nulls and
 * any field a `fields=` projection or field-level security hides.
 */

const id = z.number().int();
const text = z.string().nullish();

const reference = z.object({ id: id.nullish(), name: text, identifier: text });

export const cwMemberSchema = z.object({
  id,
  identifier: z.string(),
  firstName: text,
  lastName: text,
  officePhone: text,
  mobilePhone: text,
  homePhone: text,
  officeEmail: text,
  inactiveFlag: z.boolean().nullish(),
});
export type CwMember = z.infer<typeof cwMemberSchema>;

/**
 * TicketStopwatch: `status` is required but nullable, and `ticket` is a
 * TicketReference whose `id` is nullable, in ConnectWise's definition
 * (test/fixtures/psa-specs/connectwise-extract.json). One stopwatch with a null
 * must not fail the whole list: it simply isn't running on a ticket.
 */
export const cwStopwatchSchema = z.object({
  id: id.nullish(),
  ticket: z.object({ id: id.nullish() }),
  member: reference.nullish(),
  /** Undocumented value set ([U] psa-apis.md §1); see stopwatchIsRunning() for how unknown values are treated. */
  status: z.string().nullish(),
  startTime: text,
  endTime: text,
  /** Seconds the stopwatch has spent paused ([U]: an integer in the spec, unit undocumented). */
  totalPauseTime: z.number().nullish(),
});
export type CwStopwatch = z.infer<typeof cwStopwatchSchema>;

export const cwTicketSchema = z.object({
  id,
  summary: z.string(),
  status: reference.nullish(),
  board: reference.nullish(),
  priority: reference.nullish(),
  company: reference.nullish(),
  contact: reference.nullish(),
  contactName: text,
  contactPhoneNumber: text,
  contactPhoneExtension: text,
  closedFlag: z.boolean().nullish(),
  externalXRef: text,
});
export type CwTicket = z.infer<typeof cwTicketSchema>;

export const cwCommunicationItemSchema = z.object({
  type: reference.nullish(),
  value: text,
  extension: text,
  defaultFlag: z.boolean().nullish(),
  /** "Phone", "Email" or "Fax". */
  communicationType: text,
});

export const cwContactSchema = z.object({
  id,
  firstName: text,
  lastName: text,
  company: reference.nullish(),
  defaultPhoneNbr: text,
  defaultPhoneExtension: text,
  communicationItems: z.array(cwCommunicationItemSchema).nullish(),
});
export type CwContact = z.infer<typeof cwContactSchema>;

export const cwCompanySchema = z.object({
  id,
  identifier: text,
  name: z.string(),
  phoneNumber: text,
});
export type CwCompany = z.infer<typeof cwCompanySchema>;

export const cwNoteSchema = z.object({ id, text });
export type CwNote = z.infer<typeof cwNoteSchema>;

export const cwActivitySchema = z.object({ id, notes: text, ticket: reference.nullish() });
export type CwActivity = z.infer<typeof cwActivitySchema>;

export const cwBoardSchema = z.object({ id, name: z.string() });

/** A priority, or a status of one board (/service/priorities, /service/boards/{id}/statuses). */
export const cwNamedSchema = z.object({ id, name: z.string() });

/** A document (attachment) on a record: /system/documents?recordType=Ticket&recordId=… */
export const cwDocumentSchema = z.object({ id, title: text, fileName: text });

export const cwCountSchema = z.object({ count: z.number().int() });

/** What a create answers: CW echoes the whole object; we need its id. */
export const cwCreatedSchema = z.object({ id });
