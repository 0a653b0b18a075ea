// Checks ConnectWise requests and answers against the vendored extract of
// ConnectWise Manage's OpenAPI definition (test/fixtures/psa-specs/
// connectwise-extract.json, cut by extract-connectwise.mjs from the Go client
// generated from cw-api.json; provenance in that folder's README).
//
// What the extract decides, and how it is read here:
// - operations: a method and path template must be in it, else the request is
//   refused (404 for an unknown path, 405 for a known path with another method).
// - query: only the parameter names the operation lists (conditions,
//   childConditions, customFieldConditions, orderBy, fields, page, pageSize,
//   pageId, plus recordType/recordId on /system/documents). Their syntax (the
//   conditions language, pageSize ≤ 1000) is NOT in the definition; the
//   server keeps the vendor docs' rules for it (connectwise-conditions.ts).
// - body: JSON bodies must be instances of the operation's model. Every model
//   is closed here (a field the model doesn't have is refused): CW ignores
//   unknown fields, which hides a misspelt one, so refusing is on purpose.
//   Required (a Go field without omitempty), nullable (a Nullable* Go type)
//   and maxLength (the generator's "Max length" comment) are enforced.
//   POST /system/documents is multipart: only the form fields it names.
// - answers: the server checks its own answers against the model too, so a
//   fixture can't hand the adapter a shape the definition doesn't allow.
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CW_EXTRACT_PATH = fileURLToPath(new URL('../../fixtures/psa-specs/connectwise-extract.json', import.meta.url));

type Schema = { [key: string]: unknown };
export type CwOperation = { method: string; path: string; query: string[]; body: Schema | null; form?: string[]; answers: Schema | null };
type Extract = { operations: Record<string, CwOperation>; models: Record<string, Schema> };

export type Matched = { operation: CwOperation; params: Record<string, string> };

export class ConnectWiseSpec {
  readonly extract: Extract;
  private readonly ajv: Ajv;
  private readonly templates: { operation: CwOperation; pattern: RegExp; names: string[] }[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(path = CW_EXTRACT_PATH) {
    this.extract = JSON.parse(readFileSync(path, 'utf8')) as Extract;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    this.ajv.addFormat('binary', () => true);
    const models: Record<string, Schema> = {};
    for (const [name, schema] of Object.entries(this.extract.models)) models[name] = closeModel(schema);
    this.ajv.addSchema({ $id: 'cw', models });
    // A fields= projection leaves out fields on purpose: the same closed models, nothing required.
    const projected: Record<string, Schema> = {};
    for (const [name, schema] of Object.entries(this.extract.models)) projected[name] = dropRequired(rebase(closeModel(schema), 'cwp')) as Schema;
    this.ajv.addSchema({ $id: 'cwp', models: projected });
    // Literal segments win over {params} ("/system/members/count" before "/system/members/{id}").
    this.templates = Object.values(this.extract.operations)
      .map((operation) => {
        const names: string[] = [];
        const source = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'));
        return { operation, pattern: new RegExp(`^${source}$`), names };
      })
      .sort((a, b) => a.names.length - b.names.length);
    // Compiled now, not on a first request: an adapter's timeout in a test is short.
    for (const name of Object.keys(this.extract.models)) {
      this.checkModel(name, {});
      this.checkProjected(name, {});
    }
    for (const operation of Object.values(this.extract.operations)) if (operation.body) this.check(operation.body, {}, 'warm-up');
  }

  /** The operation for this method and path, or why there is none. */
  match(method: string, path: string): Matched | { problem: string; status: 404 | 405 } {
    const onPath = this.templates.filter((t) => t.pattern.test(path));
    if (onPath.length === 0) return { problem: `${method} ${path}: no such path in ConnectWise's API definition (extract)`, status: 404 };
    const hit = onPath.find((t) => t.operation.method === method);
    if (!hit)
      return {
        problem: `${method} ${path}: not an operation of ConnectWise's API definition (extract); on this path: ${onPath.map((t) => t.operation.method).join(', ')}`,
        status: 405,
      };
    const values = hit.pattern.exec(path) ?? [];
    return { operation: hit.operation, params: Object.fromEntries(hit.names.map((n, i) => [n, decodeURIComponent(values[i + 1] ?? '')])) };
  }

  /** Query parameters the operation doesn't define. */
  checkQuery(operation: CwOperation, query: URLSearchParams): string[] {
    const problems: string[] = [];
    for (const key of new Set(query.keys())) {
      if (!operation.query.includes(key))
        problems.push(`query parameter "${key}" is not defined for ${operation.method} ${operation.path} (defined: ${operation.query.join(', ') || 'none'})`);
    }
    return problems;
  }

  /** Problems with a JSON body (or a multipart form's field names) against the operation. */
  checkBody(operation: CwOperation, body: unknown, formFields?: string[]): string[] {
    if (operation.form) {
      const unknown = (formFields ?? []).filter((f) => !operation.form?.includes(f));
      return unknown.map((f) => `form field "${f}" is not defined for ${operation.method} ${operation.path} (defined: ${operation.form?.join(', ') ?? ''})`);
    }
    if (operation.body === null) return body === undefined || body === '' ? [] : [`${operation.method} ${operation.path} takes no body`];
    return this.check(operation.body, body, `${operation.method} ${operation.path} body`);
  }

  /** Problems with `value` as an instance of model `name` (e.g. "TicketStopwatch"). */
  checkModel(name: string, value: unknown): string[] {
    if (!this.extract.models[name]) throw new Error(`no model ${name} in the ConnectWise extract`);
    return this.check({ $ref: `#/models/${name}` }, value, name);
  }

  /**
   * Problems with `value` as a fields= projection of model `name`: any field may be left out
   * (here and in nested models), but the fields present must be the model's, with its types and nulls.
   */
  checkProjected(name: string, value: unknown): string[] {
    if (!this.extract.models[name]) throw new Error(`no model ${name} in the ConnectWise extract`);
    return this.check({ $ref: `cwp#/models/${name}` }, value, `${name} (projected)`, false);
  }

  /** Whether the model marks this field nullable / required (for tests and the server's own rendering). */
  field(model: string, name: string): { nullable: boolean; required: boolean } | undefined {
    const schema = this.extract.models[model] as { required?: string[]; properties?: Record<string, { nullable?: boolean }> } | undefined;
    const property = schema?.properties?.[name];
    if (!property) return undefined;
    return { nullable: property.nullable === true, required: schema?.required?.includes(name) ?? false };
  }

  private check(schema: Schema, value: unknown, label: string, rebaseRefs = true): string[] {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile((rebaseRefs ? rebase(schema) : schema) as Schema);
      this.validators.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${label}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? `: "${String(e.params.additionalProperty)}" is not a field of the model` : ''}`,
    );
  }
}

/** References point into the registered "cw" schema (or `to`); every model is closed. */
function rebase(node: unknown, to = 'cw'): unknown {
  if (Array.isArray(node)) return node.map((n) => rebase(n, to));
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace(/^(\w*)#\/models\//, `${to}#/models/`);
    else out[key] = rebase(value, to);
  }
  return out;
}

/** The schema with every `required` list removed (a property that happens to be named "required" stays). */
function dropRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(dropRequired);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) if (!(key === 'required' && Array.isArray(value))) out[key] = dropRequired(value);
  return out;
}

function closeModel(schema: Schema): Schema {
  const rebased = rebase(schema) as Schema;
  return { ...rebased, additionalProperties: false };
}
