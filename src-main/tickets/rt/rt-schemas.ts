import { z } from 'zod';

/**
 * The shapes of the REST2 answers the RT adapter reads (RT 5.0). Loose
 * objects: RT adds fields between versions and per request (`fields=`), and
 * only what the adapter uses is checked. Collection listings give scalar
 * fields as strings ("" when unset or unreadable), ids sometimes as numbers.
 */

const Id = z.union([z.string(), z.number()]).transform(String);
/** A field that RT omits, sends as "" or (rarely) null. */
const Text = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

/** A user as a nested `fields[Requestor]=…` expansion, a /users item or a GET /user/{x} record. */
export const RtUserSchema = z.looseObject({
  id: Id,
  Name: Text,
  RealName: Text,
  EmailAddress: Text,
  Organization: Text,
  WorkPhone: Text,
  MobilePhone: Text,
  HomePhone: Text,
});
export type RtUser = z.infer<typeof RtUserSchema>;

/** GET /user/{id}: the full record only for AdminUsers or oneself; otherwise a summary (no Disabled, no Memberships). */
export const RtUserRecordSchema = RtUserSchema.extend({
  /** The summary has no id, only _hyperlinks. */
  id: Id.optional(),
  Privileged: z.union([z.number(), z.string()]).optional(),
  Disabled: z.union([z.number(), z.string()]).optional(),
  Memberships: z.array(z.unknown()).optional(),
});
export type RtUserRecord = z.infer<typeof RtUserRecordSchema>;

const UserRef = z.looseObject({ id: Id });

/** A /tickets item with fields=Subject,Status,Created,LastUpdated,Owner,Requestor and fields[Requestor]=… */
export const RtTicketItemSchema = z.looseObject({
  id: Id,
  Subject: Text,
  Status: Text,
  Created: Text,
  LastUpdated: Text,
  Owner: z.union([UserRef, z.literal('')]).optional(),
  Requestor: z
    .union([z.array(RtUserSchema), z.literal('')])
    .optional()
    .transform((v) => (Array.isArray(v) ? v : [])),
});
export type RtTicketItem = z.infer<typeof RtTicketItemSchema>;

/** Every REST2 collection: /tickets, /users, /groups, /ticket/{id}/attachments. `total`/`pages` are null when RT can't count what the user may see. */
export function rtCollection<T extends z.ZodType>(item: T) {
  return z.looseObject({
    count: z.number(),
    page: z.number(),
    per_page: z.number(),
    total: z.number().nullish(),
    pages: z.number().nullish(),
    items: z.array(item),
  });
}

export const RtTicketPageSchema = rtCollection(RtTicketItemSchema);
export type RtTicketPage = z.infer<typeof RtTicketPageSchema>;
export const RtUserPageSchema = rtCollection(RtUserSchema);
export type RtUserPage = z.infer<typeof RtUserPageSchema>;

/** /ticket/{id}/attachments with fields=TransactionId,ContentType,Content (Content is plain text in listings, base64 only on GET /attachment/{id}). */
export const RtAttachmentPageSchema = rtCollection(z.looseObject({ id: Id, TransactionId: Id.optional(), ContentType: Text, Content: Text }));

export const RtGroupPageSchema = rtCollection(z.looseObject({ id: Id, Name: z.string().optional(), Domain: z.string().optional() }));
export const RtGroupSchema = z.looseObject({ id: Id, Name: z.string().optional(), Members: z.array(z.looseObject({ id: Id, type: z.string() })) });

/** GET /user/{name}: every view of a user record, summary or full, says whether it is RT staff. */
export const RtPrivilegedSchema = z.looseObject({ Privileged: z.union([z.number(), z.string()]).optional() });

/** GET /user/{me}: one's own record always carries Memberships, the user-defined groups one is in. */
export const RtOwnGroupsSchema = z.looseObject({ Memberships: z.array(z.looseObject({ id: Id, type: z.string() })).default([]) });

/** GET /rt */
export const RtSystemSchema = z.looseObject({ Version: z.string() });

/** POST /ticket, POST /user */
export const RtCreatedSchema = z.looseObject({ id: Id });

/** POST /ticket/{id}/comment|correspond: a list of RT's result messages, not the transaction. */
export const RtMessagesSchema = z.array(z.string());

/** GET /ticket/{id} (only what proves it exists). */
export const RtTicketRecordSchema = z.looseObject({ id: Id });

/** A ticket's fields an escalation sets, as REST2's GET /ticket/{id} shows them (Owner and Queue are links). */
export const RtEscalatedSchema = z.looseObject({
  id: Id,
  Status: z.string().optional(),
  Priority: z.union([z.number(), z.string()]).nullish(),
  Owner: z.looseObject({ id: z.union([z.string(), z.number()]) }).nullish(),
  Queue: z.looseObject({ id: z.union([z.string(), z.number()]) }).nullish(),
});
export type RtEscalated = z.infer<typeof RtEscalatedSchema>;

/** GET /queue/{name}: its numeric id, to check a move. */
export const RtQueueSchema = z.looseObject({ id: Id, Name: z.string().optional() });
