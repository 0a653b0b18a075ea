// Validates Autotask request and response bodies against Autotask's own
// Swagger 2.0 description (the committed extract in
// test/fixtures/psa-specs/autotask-rest-v1.swagger.json, produced by
// extract-autotask.mjs from ../shared/psa-specs/autotask-rest-v1.swagger.json).
//
// The swagger is generated from Autotask's .NET models and differs from the
// JSON on the wire in known ways (psa-apis.md §2: "Swagger shows PascalCase;
// JSON on the wire is camelCase"). What this module does about each, and why:
//
// 1. Property names: the swagger says "CompanyID", "MaxRecords"; the wire
//    (vendor docs, every community client) says "companyID", "filter". The
//    API binds names case-insensitively (ASP.NET model binding), so both
//    sides are compared case-insensitively: the schema's property names and
//    the body's keys are lower-cased before validating. A misspelt field
//    ("summary" for "title") still fails, because...
// 2. ...the swagger's objects are open (no additionalProperties: false).
//    Here every model with properties is closed, so a field the model
//    doesn't have is a violation. Stricter than Autotask (which may ignore
//    unknown fields), on purpose: an ignored field is a silent bug.
// 3. Filter.value is typed as ValueItem {ElementList, BoolValue,
//    IntegerValue, StringValue}: .NET's deserialisation type. On the wire it
//    is a plain JSON scalar, or an array for in/notIn (vendor "basic query
//    calls" examples, psa-apis.md §2 Query row). Accepted: scalar, array of
//    scalars, or the ValueItem object itself.
// 4. "Object" (OperationResultModel.ItemId, IsSupportedWebhookField) is .NET
//    `object`: on the wire a number or boolean. Accepted: anything.
// 5. Nullable: Swagger 2.0 can't say it, and Autotask sends null for unset
//    fields. A property whose value is null is treated as absent.
// 6. Envelopes: the swagger types a query's 200 as the model itself; the
//    wire wraps it ({items, pageDetails} for queries, {item} for GET by id,
//    {itemId} for creates). The envelope is checked by the server; each
//    item inside it is checked here against the model.
// Formats int32/int64/double/date-time are checked (date-time: ISO 8601).
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const AUTOTASK_SWAGGER_PATH = fileURLToPath(new URL('../../fixtures/psa-specs/autotask-rest-v1.swagger.json', import.meta.url));

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: unknown };
type Swagger = {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[] }>>;
  definitions: Record<string, Schema>;
};

const SCALAR = { type: ['string', 'number', 'boolean'] };
/** Replacements for the swagger's .NET-only types (points 3 and 4 above). */
const WIRE_TYPES: Record<string, Schema> = {
  ValueItem: { anyOf: [SCALAR, { type: 'array', items: SCALAR }, { type: 'object' }] },
  Object: {},
};

export class AutotaskSwagger {
  readonly spec: Swagger;
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(path = AUTOTASK_SWAGGER_PATH) {
    this.spec = JSON.parse(readFileSync(path, 'utf8')) as Swagger;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
    this.ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/);
    const definitions: Record<string, Schema> = {};
    for (const [name, schema] of Object.entries(this.spec.definitions)) definitions[name] = WIRE_TYPES[name] ?? (normaliseSchema(schema) as Schema);
    this.ajv.addSchema({ $id: 'autotask', definitions });
  }

  /** Problems with `body` as an instance of definition `model` (e.g. "TicketModel"); empty when it conforms. */
  check(model: string, body: unknown): string[] {
    if (!this.spec.definitions[model]) throw new Error(`no definition ${model} in the Autotask swagger`);
    let validate = this.validators.get(model);
    if (!validate) {
      validate = this.ajv.getSchema(`autotask#/definitions/${model}`);
      if (!validate) throw new Error(`ajv could not compile ${model}`);
      this.validators.set(model, validate);
    }
    if (validate(normaliseData(body))) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${model}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    );
  }

  /** The model's property names, lower-cased (for filter field and IncludeFields checks). */
  fieldsOf(model: string): Set<string> {
    const properties = (this.spec.definitions[model]?.['properties'] ?? {}) as Record<string, unknown>;
    return new Set(Object.keys(properties).map((k) => k.toLowerCase()));
  }

  /** Whether the swagger has this path template with this method (lower-case, as in the swagger). */
  hasOperation(pathTemplate: string, method: string): boolean {
    return Boolean(this.spec.paths[pathTemplate]?.[method.toLowerCase()]);
  }

  /** Header and query parameters the swagger marks required on an operation. */
  requiredParameters(pathTemplate: string, method: string, where: 'header' | 'query'): string[] {
    const operation = this.spec.paths[pathTemplate]?.[method.toLowerCase()];
    return (operation?.parameters ?? []).filter((p) => p.in === where && p.required).map((p) => p.name);
  }
}

/** Lower-cases property names and closes every object model (points 1 and 2). */
function normaliseSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/definitions/', 'autotask#/definitions/');
    else if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name.toLowerCase(), normaliseSchema(schema)]));
    } else out[key] = normaliseSchema(value);
  }
  const properties = out['properties'];
  if (out['type'] === 'object' && typeof properties === 'object' && properties !== null && Object.keys(properties).length > 0)
    out['additionalProperties'] = false;
  return out;
}

/** Lower-cases the body's keys and drops nulls (points 1 and 5). */
function normaliseData(value: unknown): Json {
  if (Array.isArray(value)) return value.map(normaliseData);
  if (typeof value === 'object' && value !== null) {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) if (item !== null) out[key.toLowerCase()] = normaliseData(item);
    return out;
  }
  return value as Json;
}
