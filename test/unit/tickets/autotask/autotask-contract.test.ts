// The Autotask contract server's own rules, without a server: the swagger
// validator (case-insensitive names, closed models, wire types) and the
// query filter parser/evaluator. If these were lax, the adapter's
// integration tests would prove nothing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matches, parseFilter } from '../../../harness/psa-servers/autotask-query.js';
import { ENTITY_MODELS } from '../../../harness/psa-servers/autotask-server.js';
import { AUTOTASK_SWAGGER_PATH, AutotaskSwagger } from '../../../harness/psa-servers/autotask-swagger.js';

const swagger = new AutotaskSwagger();

describe('Autotask swagger extract', () => {
  it('holds every path and model the contract server uses, and says how it was made', () => {
    const spec = JSON.parse(readFileSync(AUTOTASK_SWAGGER_PATH, 'utf8')) as { 'x-extracted': { by: string; sourceSha256: string } };
    expect(spec['x-extracted'].by).toBe('test/fixtures/psa-specs/extract-autotask.mjs');
    expect(spec['x-extracted'].sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    for (const template of ['/V1.0/ZoneInformation', '/V1.0/Tickets', '/V1.0/Tickets/{parentId}/Notes', '/V1.0/Companies/{parentId}/Notes'])
      expect(swagger.hasOperation(template, template === '/V1.0/ZoneInformation' ? 'get' : 'post')).toBe(true);
    for (const [entity, model] of Object.entries(ENTITY_MODELS)) {
      expect(swagger.hasOperation(`/V1.0/${entity}/query`, 'post')).toBe(true);
      expect(swagger.fieldsOf(model).has('id')).toBe(true);
    }
    expect(swagger.requiredParameters('/V1.0/ZoneInformation', 'get', 'query')).toEqual(['user']);
    expect(swagger.requiredParameters('/V1.0/Tickets', 'post', 'header')).toEqual(['ApiIntegrationCode', 'UserName', 'Secret']);
    // The swagger has no POST /V1.0/CompanyNotes: company notes are created under their company.
    expect(swagger.hasOperation('/V1.0/CompanyNotes', 'post')).toBe(false);
  });
});

describe('Autotask swagger validation', () => {
  it('accepts the camelCase wire names for PascalCase swagger properties, and nulls', () => {
    expect(swagger.check('TicketModel', { companyID: 1, title: 'x', status: 1, priority: 2, contactID: null, createDate: '2025-03-04T09:00:00Z' })).toEqual([]);
    expect(swagger.check('QueryModel', { filter: [{ op: 'eq', field: 'id', value: 1 }], MaxRecords: 10, IncludeFields: ['id'] })).toEqual([]);
  });

  it('rejects fields the model lacks, wrong types, bad formats and out-of-range ints', () => {
    expect(swagger.check('TicketModel', { summary: 'x' }).join()).toMatch(/additional properties \(summary\)/);
    expect(swagger.check('TicketModel', { companyID: '1' }).join()).toMatch(/companyid must be integer/);
    expect(swagger.check('TicketModel', { createDate: 'yesterday' }).join()).toMatch(/createdate must match format "date-time"/);
    expect(swagger.check('TicketModel', { status: 2 ** 31 }).join()).toMatch(/status must match format "int32"/);
    expect(swagger.check('TicketNoteModel', { ticketID: 1, text: 'x' }).join()).toMatch(/additional properties \(text\)/);
  });

  it("takes Filter.value as Autotask's wire does: a scalar or an array, not only .NET's ValueItem", () => {
    const query = (value: unknown) => swagger.check('QueryModel', { filter: [{ op: 'in', field: 'id', value }] });
    expect(query([1, 2])).toEqual([]);
    expect(query('x')).toEqual([]);
    expect(query(true)).toEqual([]);
    expect(query([{ a: 1 }])).not.toEqual([]);
  });

  it("takes OperationResultModel.itemId as a number (the swagger's .NET Object)", () => {
    expect(swagger.check('OperationResultModel', { itemId: 42 })).toEqual([]);
  });
});

describe('Autotask query filters', () => {
  const fields = swagger.fieldsOf('ContactModel');
  const rows = [
    { id: 1, firstName: 'Dana', phone: '(555) 555-0101', isActive: 1, companyID: 100, lastModifiedDate: '2025-03-01T00:00:00Z' },
    { id: 2, firstName: 'omar', phone: null, mobilePhone: '555.555.0102', isActive: 0, companyID: 101, lastModifiedDate: '2025-03-05T00:00:00Z' },
    { id: 3, firstName: 'Gina', phone: '', isActive: 1, companyID: 101 },
  ];
  const ids = (filter: unknown[]) => rows.filter((r) => matches(r, parseFilter(filter, fields))).map((r) => r.id);

  it('evaluates every op Autotask documents', () => {
    expect(ids([{ op: 'eq', field: 'isActive', value: 1 }])).toEqual([1, 3]);
    expect(ids([{ op: 'eq', field: 'firstname', value: 'OMAR' }])).toEqual([2]);
    expect(ids([{ op: 'noteq', field: 'companyID', value: 100 }])).toEqual([2, 3]);
    expect(ids([{ op: 'gt', field: 'id', value: 1 }])).toEqual([2, 3]);
    expect(ids([{ op: 'gte', field: 'id', value: 2 }])).toEqual([2, 3]);
    expect(ids([{ op: 'lt', field: 'id', value: 2 }])).toEqual([1]);
    expect(ids([{ op: 'lte', field: 'lastModifiedDate', value: '2025-03-02T00:00:00Z' }])).toEqual([1]);
    expect(ids([{ op: 'beginsWith', field: 'firstName', value: 'g' }])).toEqual([3]);
    expect(ids([{ op: 'endsWith', field: 'firstName', value: 'AR' }])).toEqual([2]);
    expect(ids([{ op: 'contains', field: 'phone', value: '555-0101' }])).toEqual([1]);
    expect(ids([{ op: 'exist', field: 'phone' }])).toEqual([1]);
    expect(ids([{ op: 'notExist', field: 'phone' }])).toEqual([2, 3]);
    expect(ids([{ op: 'in', field: 'id', value: [1, 3, 9] }])).toEqual([1, 3]);
    expect(ids([{ op: 'notIn', field: 'id', value: [1] }])).toEqual([2, 3]);
    expect(
      ids([
        {
          op: 'or',
          items: [
            { op: 'eq', field: 'id', value: 1 },
            { op: 'contains', field: 'mobilePhone', value: '0102' },
          ],
        },
      ]),
    ).toEqual([1, 2]);
    expect(
      ids([
        {
          op: 'and',
          items: [
            { op: 'eq', field: 'companyID', value: 101 },
            { op: 'eq', field: 'isActive', value: 1 },
          ],
        },
      ]),
    ).toEqual([3]);
    // The top-level array is an "and".
    expect(
      ids([
        { op: 'eq', field: 'companyID', value: 101 },
        { op: 'gt', field: 'id', value: 2 },
      ]),
    ).toEqual([3]);
  });

  it('rejects what Autotask would', () => {
    const bad: [unknown, RegExp][] = [
      [[{ op: 'like', field: 'phone', value: 'x' }], /unknown filter op "like"/],
      [[{ op: 'eq', field: 'summary', value: 'x' }], /unknown field "summary"/],
      [[{ op: 'eq', field: 'id' }], /needs a scalar "value"/],
      [[{ op: 'in', field: 'id', value: [] }], /non-empty array/],
      [[{ op: 'contains', field: 'phone', value: 5 }], /needs a string value/],
      [[{ op: 'or', items: [] }], /non-empty "items"/],
      [[{ field: 'id', value: 1 }], /without "op"/],
      [{ op: 'eq' }, /must be an array/],
    ];
    for (const [filter, message] of bad) expect(() => parseFilter(filter, fields)).toThrow(message);
  });
});
