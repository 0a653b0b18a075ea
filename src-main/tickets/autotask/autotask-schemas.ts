import { z } from 'zod';

/**
 * What Autotask's REST API answers, as far as Focusline reads it. Names are
 * the camelCase wire names (psa-apis.md §2: "Swagger shows PascalCase; JSON
 * on the wire is camelCase"). Autotask sends null for unset fields, so
 * everything but `id` is nullish; unknown fields are dropped.
 */

const id = z.number().int();
const optionalId = z.number().int().nullish();
const text = z.string().nullish();

export const atZoneSchema = z.object({
  zoneName: text,
  url: z.string().min(1),
  webUrl: text,
  ci: z.number().nullish(),
});
export type AtZone = z.infer<typeof atZoneSchema>;

export const atTicketSchema = z.object({
  id,
  ticketNumber: text,
  title: text,
  description: text,
  status: optionalId,
  priority: optionalId,
  queueID: optionalId,
  source: optionalId,
  companyID: optionalId,
  contactID: optionalId,
  assignedResourceID: optionalId,
  createDate: text,
  lastActivityDate: text,
  externalID: text,
});
export type AtTicket = z.infer<typeof atTicketSchema>;

export const atContactSchema = z.object({
  id,
  firstName: text,
  lastName: text,
  companyID: optionalId,
  phone: text,
  extension: text,
  mobilePhone: text,
  alternatePhone: text,
  emailAddress: text,
  // Contacts' isActive is an int32 in the swagger (1/0).
  isActive: z.union([z.number(), z.boolean()]).nullish(),
});
export type AtContact = z.infer<typeof atContactSchema>;

export const atCompanySchema = z.object({
  id,
  companyName: text,
  phone: text,
  alternatePhone1: text,
  alternatePhone2: text,
  isActive: z.boolean().nullish(),
});
export type AtCompany = z.infer<typeof atCompanySchema>;

export const atResourceSchema = z.object({
  id,
  firstName: text,
  lastName: text,
  userName: text,
  email: text,
  officePhone: text,
  officeExtension: text,
  mobilePhone: text,
  isActive: z.boolean().nullish(),
});
export type AtResource = z.infer<typeof atResourceSchema>;

export const atTicketNoteSchema = z.object({ id, ticketID: optionalId, title: text, description: text });
export type AtTicketNote = z.infer<typeof atTicketNoteSchema>;

export const atCompanyNoteSchema = z.object({ id, companyID: optionalId, name: text, note: text });
export type AtCompanyNote = z.infer<typeof atCompanyNoteSchema>;

export const atTicketAttachmentSchema = z.object({ id, parentID: optionalId, title: text });

export const atActionTypeSchema = z.object({ id, name: text, isActive: z.boolean().nullish() });
export type AtActionType = z.infer<typeof atActionTypeSchema>;

export const atPicklistValueSchema = z.object({
  value: z.string(),
  label: z.string().nullish(),
  isDefaultValue: z.boolean().nullish(),
  isActive: z.boolean().nullish(),
  sortOrder: z.number().nullish(),
});
export type AtPicklistValue = z.infer<typeof atPicklistValueSchema>;

export const atFieldSchema = z.object({
  name: z.string(),
  isRequired: z.boolean().nullish(),
  isPickList: z.boolean().nullish(),
  picklistValues: z.array(atPicklistValueSchema).nullish(),
});
export type AtField = z.infer<typeof atFieldSchema>;

export const atFieldsSchema = z.object({ fields: z.array(atFieldSchema) });

export const atPageDetailsSchema = z.object({
  count: z.number().nullish(),
  requestCount: z.number().nullish(),
  prevPageUrl: text,
  nextPageUrl: text,
});

/** POST …/query and GET …/query/next: one page of rows. */
export function atQueryResultSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), pageDetails: atPageDetailsSchema.nullish() });
}

/** GET /V1.0/{Entity}/{id}: the row, or null when there is none. */
export function atItemResultSchema<T extends z.ZodType>(item: T) {
  return z.object({ item: item.nullable() });
}

/** A create's answer: the new row's id. */
export const atCreatedSchema = z.object({ itemId: z.number().int() });

/** Autotask's error envelope: {"errors":["…"]}; .NET's own faults say {"Message":"…"}. */
export const atErrorSchema = z.object({
  errors: z.array(z.unknown()).optional(),
  Message: z.string().optional(),
  message: z.string().optional(),
});
