// Every field our zod schemas read from ConnectWise and HaloPSA accepts what
// the vendor's own API definition allows there: null where it is nullable,
// absence where it is optional. One null the definition allows must never
// fail a whole list (issue #16, defects 5 and 7). The definitions are the
// vendored extracts (test/fixtures/psa-specs/), read by the contract servers'
// spec modules.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as cw from '../../../src-main/tickets/connectwise/connectwise-schemas.js';
import * as halo from '../../../src-main/tickets/halopsa/halopsa-schemas.js';
import { ConnectWiseSpec } from '../../harness/psa-servers/connectwise-spec.js';
import { HaloSpec } from '../../harness/psa-servers/halo-spec.js';

type Shape = Record<string, z.ZodType>;

/** [our schema, the definition's model, fields of ours that are nested references: model of the reference]. */
const CW: [string, z.ZodObject<Shape>, string, Record<string, [z.ZodObject<Shape>, string]>?][] = [
  ['cwMemberSchema', cw.cwMemberSchema, 'Member'],
  ['cwStopwatchSchema', cw.cwStopwatchSchema, 'TicketStopwatch', { ticket: [cw.cwStopwatchSchema.shape.ticket as z.ZodObject<Shape>, 'TicketReference'] }],
  ['cwTicketSchema', cw.cwTicketSchema, 'Ticket'],
  ['cwContactSchema', cw.cwContactSchema, 'Contact'],
  ['cwCommunicationItemSchema', cw.cwCommunicationItemSchema, 'ContactCommunication'],
  ['cwCompanySchema', cw.cwCompanySchema, 'Company'],
  ['cwNoteSchema', cw.cwNoteSchema, 'ServiceNote'],
  ['cwActivitySchema', cw.cwActivitySchema, 'Activity'],
  ['cwBoardSchema', cw.cwBoardSchema, 'Board'],
  ['cwNamedSchema', cw.cwNamedSchema, 'Priority'],
  ['cwNamedSchema', cw.cwNamedSchema, 'BoardStatus'],
  ['cwDocumentSchema', cw.cwDocumentSchema, 'DocumentInfo'],
];

const HALO: [string, z.ZodObject<Shape>, string][] = [
  ['AgentSchema', halo.AgentSchema, 'Uname'],
  ['NamedSchema', halo.NamedSchema, 'TStatus'],
  ['NamedSchema', halo.NamedSchema, 'RequestType'],
  ['UserSchema', halo.UserSchema, 'Users'],
  ['SiteSchema', halo.SiteSchema, 'Site'],
  ['TicketSchema', halo.TicketSchema, 'Faults'],
  ['ActionSchema', halo.ActionSchema, 'Actions'],
  ['ClientProbeSchema', halo.ClientProbeSchema, 'Area'],
  ['PriorityListSchema item', halo.PriorityListSchema.element as z.ZodObject<Shape>, 'Policy'],
];

describe('ConnectWise schemas against ConnectWise’s API definition', () => {
  const spec = new ConnectWiseSpec();
  const check = (label: string, schema: z.ZodObject<Shape>, model: string) => {
    it(`${label} reads ${model}: every field exists there, takes null where nullable and absence where optional`, () => {
      for (const [name, field] of Object.entries(schema.shape)) {
        const defined = spec.field(model, name);
        expect(defined, `${model}.${name} is not in the definition`).toBeDefined();
        if (defined?.nullable) expect(field.safeParse(null).success, `${model}.${name} is nullable; ${label} refuses null`).toBe(true);
        // `id` is optional in the definition only because the same model is what a create sends; every answer has it.
        if (!defined?.required && name !== 'id') expect(field.safeParse(undefined).success, `${model}.${name} is optional; ${label} requires it`).toBe(true);
      }
    });
  };
  for (const [label, schema, model, nested] of CW) {
    check(label, schema, model);
    for (const [field, [inner, innerModel]] of Object.entries(nested ?? {})) check(`${label}.${field}`, inner, innerModel);
  }
});

describe('HaloPSA schemas against Halo’s API definition', () => {
  const spec = new HaloSpec();
  for (const [label, schema, model] of HALO) {
    it(`${label} reads ${model}: every field exists there and takes null where nullable`, () => {
      for (const [name, field] of Object.entries(schema.shape)) {
        const nullable = spec.nullable(model, name);
        expect(nullable, `${model}.${name} is not in the definition`).toBeDefined();
        if (nullable) expect(field.safeParse(null).success, `${model}.${name} is nullable; ${label} refuses null`).toBe(true);
      }
    });
  }
});
