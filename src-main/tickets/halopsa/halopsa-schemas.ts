import { z } from 'zod';

/**
 * What HaloPSA answers, as far as Focusline reads it. Field names and
 * nullability are Halo's own API definition's (the swagger every tenant
 * serves; extract in test/fixtures/psa-specs/halopsa-extract.json): schemas
 * Uname (agents), Users, Site, Area (clients), TStatus, RequestType, Policy
 * (priorities), Faults (tickets), Actions. Every field the definition marks
 * nullable is `nullish` here, names included: one null name must not fail a
 * whole list. Only the fields we use are declared; Halo sends many more.
 */

const id = z.number().int();
const text = z.string().nullish();

/** GET /api/authinfo: where the token endpoint lives (self-hosted Halo may put it elsewhere). */
export const AuthInfoSchema = z.object({
  auth_url: z.string().min(1),
  tenant_id: z.union([z.string(), z.number()]).nullish(),
});

/** POST {auth_url}/token: the OAuth2 client-credentials answer. */
export const TokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
});

/**
 * GET /api/Agent/me, /api/Agent/{id} and the items of GET /api/Agent (schema
 * Uname). An agent has no phone fields in the definition: its numbers are
 * `extensionnumber` and `sms` (the mobile Halo texts); disabled is `isdisabled`.
 */
export const AgentSchema = z.object({
  id,
  name: text,
  email: text,
  extensionnumber: text,
  sms: text,
  isdisabled: z.boolean().nullish(),
});
export type HaloAgent = z.infer<typeof AgentSchema>;

/** GET /api/agent answers a plain array; paged (pageinate=true) builds answer {record_count, agents}. [U] */
export const AgentListSchema = z.union([z.array(AgentSchema), z.object({ record_count: z.number().int().nonnegative(), agents: z.array(AgentSchema) })]);

/** GET /api/status?type=ticket and GET /api/tickettype: plain arrays of {id, name} (TStatus, RequestType; name nullable). */
export const NamedSchema = z.object({ id, name: text });
export const NamedListSchema = z.array(NamedSchema);
export type HaloNamed = z.infer<typeof NamedSchema>;

/** A client contact ("user" in Halo). Phone fields are free text. */
export const UserSchema = z.object({
  id,
  name: text,
  client_id: id.nullish(),
  client_name: text,
  /** A double in the definition (Users.site_id). */
  site_id: z.number().nullish(),
  site_name: text,
  emailaddress: text,
  phonenumber: text,
  mobilenumber: text,
  mobilenumber2: text,
  homenumber: text,
});
export type HaloUser = z.infer<typeof UserSchema>;

export const UserListSchema = z.object({ record_count: z.number().int().nonnegative(), users: z.array(UserSchema) });

/** GET /api/site/{id}: the site's main number counts as the company's number. */
export const SiteSchema = z.object({ id, name: text, client_id: z.number().nullish(), phonenumber: text });
export type HaloSite = z.infer<typeof SiteSchema>;

/** A ticket. List answers may leave out `details` (lean list objects), GET /api/tickets/{id} has it. */
export const TicketSchema = z.object({
  id,
  summary: text,
  details: text,
  status_id: id.nullish(),
  client_id: id.nullish(),
  client_name: text,
  site_id: id.nullish(),
  user_id: id.nullish(),
  user_name: text,
  agent_id: id.nullish(),
  tickettype_id: id.nullish(),
});
export type HaloTicket = z.infer<typeof TicketSchema>;

export const TicketListSchema = z.object({ record_count: z.number().int().nonnegative(), tickets: z.array(TicketSchema) });

/** POST /api/tickets answers the created ticket; some builds wrap it in an array, as the request was. [C] */
export const CreatedTicketSchema = z.union([TicketSchema, z.array(TicketSchema).min(1)]);

export const ActionSchema = z.object({ id, ticket_id: id.nullish(), note: text, outcome: text });
export type HaloAction = z.infer<typeof ActionSchema>;

export const ActionListSchema = z.object({ record_count: z.number().int().nonnegative().nullish(), actions: z.array(ActionSchema) });

export const CreatedActionSchema = z.union([ActionSchema, z.array(ActionSchema).min(1)]);

/** GET /api/client/{id}: Test connection only checks that the catch-all client exists. */
export const ClientProbeSchema = z.object({ id, name: text });

/** GET /api/priority: Halo's priorities (Policy objects: `priorityid` is the priority, `id` the SLA policy row). */
export const PriorityListSchema = z.array(z.object({ priorityid: id.nullish(), name: text }));

/** GET /api/Attachment?ticket_id=…: the ticket's attachments. */
export const AttachmentListSchema = z.union([
  z.array(z.object({ id, filename: text })),
  z.object({ record_count: z.number().int().nonnegative().nullish(), attachments: z.array(z.object({ id, filename: text })) }),
]);

/** GET /api/CRMNote?client_id=…: the client's notes. */
export const CrmNoteListSchema = z.union([
  z.array(z.object({ id, detail: text, note: text })),
  z.object({ record_count: z.number().int().nonnegative().nullish(), notes: z.array(z.object({ id, detail: text, note: text })) }),
]);
