// Autotask's query filter, as the contract server understands it: parse
// (rejecting what Autotask would reject) and evaluate against stored rows.
// Source: psa-apis.md §2 "Query" row: body {filter:[{op, field, udf, value,
// items}], MaxRecords, IncludeFields}; ops eq, noteq, gt, gte, lt, lte,
// beginsWith, endsWith, contains, exist, notExist, in, notIn, and the
// groups and/or [U: from the vendor's "basic query calls" page]. The top-level
// array is an implicit "and". String comparisons are case-insensitive, as in
// Autotask's SQL Server collation [U].
import { ContractViolation } from '../psa-contract-server.js';

export const COMPARISON_OPS = ['eq', 'noteq', 'gt', 'gte', 'lt', 'lte', 'beginsWith', 'endsWith', 'contains', 'exist', 'notExist', 'in', 'notIn'] as const;
export const GROUP_OPS = ['and', 'or'] as const;
type ComparisonOp = (typeof COMPARISON_OPS)[number];
type Scalar = string | number | boolean;

export type Condition = { op: ComparisonOp; field: string; value: Scalar | Scalar[] | undefined } | { op: 'and' | 'or'; items: Condition[] };

export type Row = Record<string, unknown>;

/** Autotask's largest page (MaxRecords 1–500). */
export const AUTOTASK_MAX_RECORDS = 500;

/**
 * Parses a filter array; `fields` are the entity's queryable field names,
 * lower-cased (from the swagger model). Throws ContractViolation on anything
 * Autotask would refuse: unknown op, unknown field, missing value, an empty group.
 */
export function parseFilter(filter: unknown, fields: Set<string>, depth = 0): Condition[] {
  if (!Array.isArray(filter)) throw new ContractViolation('query: "filter" must be an array');
  if (depth > 5) throw new ContractViolation('query: filter nested too deeply');
  return filter.map((item: unknown) => parseCondition(item, fields, depth));
}

function parseCondition(item: unknown, fields: Set<string>, depth: number): Condition {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ContractViolation('query: every filter item must be an object');
  const raw = lowerKeys(item as Row);
  const op = raw['op'];
  if (typeof op !== 'string') throw new ContractViolation('query: filter item without "op"');
  if (op === 'and' || op === 'or') {
    const items = parseFilter(raw['items'], fields, depth + 1);
    if (items.length === 0) throw new ContractViolation(`query: "${op}" needs a non-empty "items" array`);
    return { op, items };
  }
  if (!(COMPARISON_OPS as readonly string[]).includes(op))
    throw new ContractViolation(`query: unknown filter op "${op}" (Autotask knows ${[...COMPARISON_OPS, ...GROUP_OPS].join(', ')})`);
  const field = raw['field'];
  if (typeof field !== 'string' || field === '') throw new ContractViolation(`query: "${op}" needs a "field"`);
  if (raw['udf'] === true) throw new ContractViolation('query: user-defined fields are not part of this test server');
  if (!fields.has(field.toLowerCase())) throw new ContractViolation(`query: unknown field "${field}"`);
  const value = raw['value'];
  const comparison = op as ComparisonOp;
  if (comparison === 'exist' || comparison === 'notExist') return { op: comparison, field, value: undefined };
  if (comparison === 'in' || comparison === 'notIn') {
    if (!Array.isArray(value) || value.length === 0 || !value.every(isScalar))
      throw new ContractViolation(`query: "${op}" on ${field} needs a non-empty array of values`);
    return { op: comparison, field, value };
  }
  if (!isScalar(value)) throw new ContractViolation(`query: "${op}" on ${field} needs a scalar "value"`);
  if ((comparison === 'beginsWith' || comparison === 'endsWith' || comparison === 'contains') && typeof value !== 'string') {
    throw new ContractViolation(`query: "${op}" on ${field} needs a string value`);
  }
  return { op: comparison, field, value };
}

export function matches(row: Row, conditions: readonly Condition[]): boolean {
  return conditions.every((c) => matchOne(row, c));
}

function matchOne(row: Row, c: Condition): boolean {
  if ('items' in c) return c.op === 'and' ? c.items.every((i) => matchOne(row, i)) : c.items.some((i) => matchOne(row, i));
  const actual = fieldOf(row, c.field);
  const present = actual !== undefined && actual !== null && actual !== '';
  switch (c.op) {
    case 'exist':
      return present;
    case 'notExist':
      return !present;
    case 'in':
      return Array.isArray(c.value) && c.value.some((v) => equal(actual, v));
    case 'notIn':
      return Array.isArray(c.value) && !c.value.some((v) => equal(actual, v));
    case 'eq':
      return equal(actual, c.value);
    case 'noteq':
      return !equal(actual, c.value);
    case 'gt':
      return order(actual, c.value) > 0;
    case 'gte':
      return order(actual, c.value) >= 0;
    case 'lt':
      return present && order(actual, c.value) < 0;
    case 'lte':
      return present && order(actual, c.value) <= 0;
    case 'beginsWith':
      return present && String(actual).toLowerCase().startsWith(String(c.value).toLowerCase());
    case 'endsWith':
      return present && String(actual).toLowerCase().endsWith(String(c.value).toLowerCase());
    case 'contains':
      return present && String(actual).toLowerCase().includes(String(c.value).toLowerCase());
  }
}

function fieldOf(row: Row, field: string): unknown {
  const key = Object.keys(row).find((k) => k.toLowerCase() === field.toLowerCase());
  return key === undefined ? undefined : row[key];
}

function equal(actual: unknown, expected: unknown): boolean {
  if (actual === undefined || actual === null) return false;
  if (typeof actual === 'boolean' || typeof expected === 'boolean') return toBool(actual) === toBool(expected);
  if (typeof actual === 'number') return actual === Number(expected);
  return String(actual).toLowerCase() === String(expected).toLowerCase();
}

/** NaN-safe ordering: numbers, then ISO dates, then strings; missing values sort first. */
function order(actual: unknown, expected: unknown): number {
  if (actual === undefined || actual === null) return -1;
  if (typeof actual === 'number') return actual - Number(expected);
  const a = Date.parse(String(actual));
  const b = Date.parse(String(expected));
  if (!Number.isNaN(a) && !Number.isNaN(b)) return a - b;
  return String(actual).toLowerCase().localeCompare(String(expected).toLowerCase());
}

function toBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'false') return false;
  return undefined;
}

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function lowerKeys(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
}
