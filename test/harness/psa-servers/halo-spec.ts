// Checks HaloPSA requests and answers against the vendored extract of Halo's
// own OpenAPI definition (test/fixtures/psa-specs/halopsa-extract.json, cut by
// extract-halopsa.mjs from the swagger.json every tenant serves; provenance in
// that folder's README).
//
// What the extract decides, and how it is read here:
// - paths and methods: must be in it. Paths are compared case-insensitively:
//   Halo runs on ASP.NET, whose routing ignores case, and the definition's
//   "/Tickets" is "/api/tickets" in Halo's own docs and every client.
// - query: only the parameters the operation lists, typed as the definition
//   types them ("int", "bool", "double", "string"; "int" and "bool" are Halo's
//   own type words, not JSON Schema's). A limit the definition states in a
//   description ("Maximum size: 100" on /Tickets page_size) is enforced.
// - body: an instance of the operation's request schema (Halo's schemas are
//   closed: additionalProperties false; nullable as marked). A $ref to a
//   schema the extract doesn't keep is any JSON object.
// - answers: the definition gives none ("Success" only); the extract's
//   x-answers names the schema each answer follows (ours, from the path's
//   POST). The server checks its own answers against it, so nulls the
//   definition allows (name, status_id, …) are things the adapter must take.
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const HALO_EXTRACT_PATH = fileURLToPath(new URL('../../fixtures/psa-specs/halopsa-extract.json', import.meta.url));

type Schema = { [key: string]: unknown };
type Parameter = { name: string; in: string; description?: string; required?: boolean; schema: { type: string; format?: string } };
type Operation = { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } };
type Extract = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
  'x-answers': Record<string, string>;
  'x-extracted': { notExtracted: string[] };
};

export type HaloMatched = { template: string; method: string; operation: Operation; params: Record<string, string> };

export class HaloSpec {
  readonly extract: Extract;
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; names: string[] }[];

  constructor(path = HALO_EXTRACT_PATH) {
    this.extract = JSON.parse(readFileSync(path, 'utf8')) as Extract;
    this.ajv = new Ajv({ strict: false, allErrors: true });
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
    this.ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
    this.ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/);
    this.ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    this.ajv.addFormat('binary', () => true);
    this.ajv.addFormat('byte', () => true);
    // .NET TimeSpan ("01:30:00"); Halo's own format word.
    this.ajv.addFormat('date-span', /^-?(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/);
    const schemas: Record<string, Schema> = {};
    for (const [name, schema] of Object.entries(this.extract.components.schemas)) schemas[name] = rebase(schema) as Schema;
    // What the extract leaves out: any JSON object (see the header).
    for (const name of this.extract['x-extracted'].notExtracted) schemas[name] = { type: 'object' };
    this.ajv.addSchema({ $id: 'halo', schemas });
    this.templates = Object.keys(this.extract.paths)
      .map((template) => {
        const names: string[] = [];
        const source = template.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'));
        return { template, pattern: new RegExp(`^${source}$`, 'i'), names };
      })
      .sort((a, b) => a.names.length - b.names.length);
    // Compiled now, not on a first request: Faults alone has 835 fields, and an adapter's timeout in a test is short.
    for (const [path, item] of Object.entries(this.extract.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const body = operation.requestBody?.content['application/json']?.schema;
        if (body) this.check(body, [], 'warm-up');
        const answer = this.answerSchema(method, path);
        if (answer) this.checkSchema(answer, {});
      }
    }
  }

  /** The operation for a method and a path under /api, or why there is none. */
  match(method: string, apiPath: string): HaloMatched | { problem: string; status: 404 | 405 } {
    const hit = this.templates.find((t) => t.pattern.test(apiPath));
    if (!hit) return { problem: `${method} /api${apiPath}: no such path in Halo's API definition (extract)`, status: 404 };
    const operation = this.extract.paths[hit.template]?.[method.toLowerCase()];
    if (!operation)
      return {
        problem: `${method} /api${apiPath}: not an operation of Halo's API definition (extract); on ${hit.template}: ${Object.keys(
          this.extract.paths[hit.template] ?? {},
        )
          .map((m) => m.toUpperCase())
          .join(', ')}`,
        status: 405,
      };
    const values = hit.pattern.exec(apiPath) ?? [];
    return { template: hit.template, method: method.toLowerCase(), operation, params: Object.fromEntries(hit.names.map((n, i) => [n, values[i + 1] ?? ''])) };
  }

  /** Query parameters the operation doesn't define, or whose value isn't of the defined type or within a stated limit. */
  checkQuery(matched: HaloMatched, query: URLSearchParams): string[] {
    const problems: string[] = [];
    const defined = new Map((matched.operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p]));
    const where = `${matched.method.toUpperCase()} ${matched.template}`;
    for (const [key, value] of query) {
      const parameter = defined.get(key);
      if (!parameter) {
        problems.push(`query parameter "${key}" is not defined for ${where}`);
        continue;
      }
      const type = parameter.schema.type;
      if ((type === 'int' || type === 'integer') && !/^-?\d+$/.test(value)) problems.push(`${key} is an int in the definition, got "${value}"`);
      if (type === 'bool' && value !== 'true' && value !== 'false') problems.push(`${key} is a bool in the definition, got "${value}"`);
      if (type === 'double' && !Number.isFinite(Number(value))) problems.push(`${key} is a double in the definition, got "${value}"`);
      const max = /Maximum size: (\d+)/.exec(parameter.description ?? '')?.[1];
      if (max !== undefined && Number(value) > Number(max)) problems.push(`${key}=${value} is over the definition's maximum of ${max} for ${where}`);
    }
    return problems;
  }

  /** Problems with a JSON body against the operation's request schema. */
  checkBody(matched: HaloMatched, body: unknown): string[] {
    const schema = matched.operation.requestBody?.content['application/json']?.schema;
    const where = `${matched.method.toUpperCase()} ${matched.template}`;
    if (!schema) return body === undefined || body === '' ? [] : [`${where} takes no body`];
    return this.check(schema, body, `${where} body`);
  }

  /** The schema the extract says an operation answers with (x-answers). */
  answerSchema(method: string, template: string): string | undefined {
    return this.extract['x-answers'][`${method.toLowerCase()} ${template}`];
  }

  /** Problems with `value` as an instance of schema `name` (e.g. "Uname"). */
  checkSchema(name: string, value: unknown): string[] {
    if (!this.extract.components.schemas[name]) throw new Error(`no schema ${name} in the HaloPSA extract`);
    return this.check({ $ref: `#/components/schemas/${name}` }, value, name);
  }

  /** Whether a schema's property is nullable in the definition (undefined: not a property). */
  nullable(schema: string, property: string): boolean | undefined {
    const properties = this.extract.components.schemas[schema]?.['properties'] as Record<string, { nullable?: boolean }> | undefined;
    const found = properties?.[property];
    return found === undefined ? undefined : found.nullable === true;
  }

  private check(schema: Schema, value: unknown, label: string): string[] {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebase(schema) as Schema);
      this.validators.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${label}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? `: "${String(e.params.additionalProperty)}" is not a field of the schema` : ''}`,
    );
  }
}

function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out[key] = value.replace('#/components/schemas/', 'halo#/schemas/');
    else out[key] = rebase(value);
  }
  return out;
}
