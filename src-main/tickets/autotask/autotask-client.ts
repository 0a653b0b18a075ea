import { type z } from 'zod';
import type { AutotaskConfig, PsaAdapterDeps } from '../psa-config.js';
import { DEFAULT_PSA_TIMEOUT_MS } from '../psa-config.js';
import { psaRequest, type HttpMethod } from '../psa-http.js';
import { PsaError, type CallOptions } from '../psa.js';
import {
  apiBase,
  AT_VENDOR,
  credentialProblem,
  describeAutotaskError,
  discoveryBase,
  picklistOf,
  queryBody,
  type AtFilter,
  type CredentialProblem,
  type Picklist,
} from './autotask-mapping.js';
import {
  atCreatedSchema,
  atFieldsSchema,
  atItemResultSchema,
  atQueryResultSchema,
  atResourceSchema,
  atZoneSchema,
  type AtField,
  type AtResource,
  type AtZone,
} from './autotask-schemas.js';

/**
 * Autotask over HTTP: the three auth headers on every call, zone discovery
 * (cached), queries with paging, entity field information (cached, for
 * picklists), and Autotask's credential-500s turned into 'auth' errors
 * (psa-apis.md §2). Every request goes through psaRequest.
 */

export type Page<T> = { items: T[]; next: string | null };

const REQUIRED: (keyof AutotaskConfig)[] = ['url', 'username', 'secret', 'integrationCode'];
const LABELS: Partial<Record<keyof AutotaskConfig, string>> = {
  url: 'zone discovery URL',
  username: 'API user name',
  secret: 'API user secret',
  integrationCode: 'integration code',
};

export function missingSettings(config: AutotaskConfig): string[] {
  return REQUIRED.filter((key) => typeof config[key] !== 'string' || !(config[key] as string).trim()).map((key) => LABELS[key] ?? key);
}

type SendOptions<T> = CallOptions & { body?: unknown; schema?: z.ZodType<T>; impersonate?: boolean };

export class AutotaskClient {
  private zonePromise: Promise<AtZone> | undefined;
  private apiUserPromise: Promise<AtResource | null> | undefined;
  private readonly fieldCache = new Map<string, Promise<AtField[]>>();

  constructor(
    readonly config: AutotaskConfig,
    private readonly deps: PsaAdapterDeps,
    readonly pageSize: number,
  ) {}

  now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  log(message: string): void {
    this.deps.log?.(`Autotask: ${message}`);
  }

  /** The tech's resource id (impersonation), or undefined when it isn't set. */
  get techResourceId(): number | undefined {
    const raw = this.config.impersonationResourceId.trim();
    return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
  }

  /** The tenant's zone, from ZoneInformation?user=…, once; a failure is not cached. */
  zone(options: CallOptions = {}): Promise<AtZone> {
    return this.cached(
      () => this.zonePromise,
      (p) => (this.zonePromise = p),
      async () => {
        const url = new URL(`${discoveryBase(this.config.url)}/V1.0/ZoneInformation`);
        url.searchParams.set('user', this.config.username.trim());
        return this.send('GET', url, { signal: options.signal, schema: atZoneSchema });
      },
    );
  }

  /** The API user's own resource (Resources where userName = the API user), once. */
  apiUser(options: CallOptions = {}): Promise<AtResource | null> {
    return this.cached(
      () => this.apiUserPromise,
      (p) => (this.apiUserPromise = p),
      async () =>
        (await this.query('Resources', [{ op: 'eq', field: 'userName', value: this.config.username.trim() }], atResourceSchema, { ...options, maxRecords: 1 }))
          .items[0] ?? null,
    );
  }

  /** An entity's field information (picklists, isRequired), once per entity. */
  fields(entity: string, options: CallOptions = {}): Promise<AtField[]> {
    let pending = this.fieldCache.get(entity);
    if (!pending) {
      pending = this.entity('GET', `/${entity}/entityInformation/fields`, { ...options, schema: atFieldsSchema }).then((r) => r.fields);
      this.fieldCache.set(entity, pending);
      pending.catch(() => this.fieldCache.delete(entity));
    }
    return pending;
  }

  async picklist(entity: string, field: string, options: CallOptions = {}): Promise<Picklist> {
    return picklistOf(await this.fields(entity, options), field);
  }

  /** One page of POST /V1.0/{entity}/query. */
  async query<T>(
    entity: string,
    filter: AtFilter[],
    item: z.ZodType<T>,
    options: CallOptions & { maxRecords?: number; includeFields?: readonly string[] } = {},
  ): Promise<Page<T>> {
    const body = queryBody(filter, options.maxRecords ?? this.pageSize, options.includeFields);
    const data = await this.entity('POST', `/${entity}/query`, { ...options, body, schema: atQueryResultSchema(item) });
    return { items: data.items, next: data.pageDetails?.nextPageUrl || null };
  }

  /** The page at a nextPageUrl Autotask gave; only ever on the tenant's own zone (the secret goes with it). */
  async nextPage<T>(nextPageUrl: string, item: z.ZodType<T>, options: CallOptions = {}): Promise<Page<T>> {
    const zone = await this.zone({ signal: options.signal });
    let url: URL;
    try {
      url = new URL(nextPageUrl);
    } catch {
      throw new PsaError('invalid-request', `Autotask: the paging cursor isn't a URL; start the listing again.`);
    }
    if (url.origin !== new URL(zone.url).origin)
      throw new PsaError('invalid-request', `Autotask: the paging cursor points at ${url.host}, not the tenant's zone; start the listing again.`);
    const data = await this.send('GET', url, { signal: options.signal, schema: atQueryResultSchema(item) });
    return { items: data.items, next: data.pageDetails?.nextPageUrl || null };
  }

  /** Every row of a query, following nextPageUrl for at most `maxPages` pages or `limit` rows. */
  async queryAll<T>(
    entity: string,
    filter: AtFilter[],
    item: z.ZodType<T>,
    options: CallOptions & { maxPages: number; limit?: number; includeFields?: readonly string[] },
  ): Promise<T[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    let page = await this.query(entity, filter, item, { ...options, maxRecords: Math.min(this.pageSize, limit) });
    const rows = [...page.items];
    for (let n = 1; n < options.maxPages && page.next && rows.length < limit; n += 1) {
      page = await this.nextPage(page.next, item, options);
      rows.push(...page.items);
    }
    return rows.slice(0, limit);
  }

  /**
   * GET /V1.0/{entity}/{id}: the row, or null when Autotask has none. Autotask
   * answers a missing row with 200 {"item": null}, so a 404 means a wrong URL
   * and stays an error.
   */
  async get<T>(entity: string, id: number, item: z.ZodType<T>, options: CallOptions = {}): Promise<T | null> {
    return (await this.entity('GET', `/${entity}/${id}`, { ...options, schema: atItemResultSchema(item) })).item as T | null;
  }

  /** A create, as the tech when impersonation is set: answers the new id. */
  async create(path: string, body: unknown, options: CallOptions = {}): Promise<number> {
    return (await this.entity('POST', path, { ...options, body, schema: atCreatedSchema, impersonate: true })).itemId;
  }

  /** A call on the tenant's zone: /V1.0 + path. */
  async entity<T>(method: HttpMethod, path: string, options: SendOptions<T>): Promise<T> {
    const zone = await this.zone({ signal: options.signal });
    return this.send(method, new URL(`${apiBase(zone.url)}${path}`), options);
  }

  private async send<T>(method: HttpMethod, url: URL, options: SendOptions<T>): Promise<T> {
    const missing = missingSettings(this.config);
    if (missing.length > 0) throw new PsaError('config', `Autotask settings are incomplete: set the ${missing.join(', ')} in Settings → PSA.`);
    const headers: Record<string, string> = {
      ApiIntegrationCode: this.config.integrationCode.trim(),
      UserName: this.config.username.trim(),
      Secret: this.config.secret,
    };
    // Writes only: reads don't need the tech's rights, and a bad id shouldn't break the screen pop.
    if (options.impersonate && this.techResourceId !== undefined) headers['ImpersonationResourceId'] = String(this.techResourceId);
    // One closure per request, so concurrent calls never mix up their errors.
    let problem: CredentialProblem | undefined;
    const who = { username: this.config.username.trim(), impersonationResourceId: this.config.impersonationResourceId.trim() };
    try {
      const response = await psaRequest<T>(
        {
          method,
          url,
          headers,
          body: options.body,
          schema: options.schema,
          signal: options.signal,
          timeoutMs: this.config.timeoutMs > 0 ? this.config.timeoutMs : DEFAULT_PSA_TIMEOUT_MS,
          vendor: AT_VENDOR,
          describeError: (status, body) => {
            problem = credentialProblem(status, body, who);
            return describeAutotaskError(status, body);
          },
        },
        this.deps.fetch,
        () => this.now(),
      );
      return response.data;
    } catch (error) {
      throw this.explain(error, problem);
    }
  }

  private explain(error: unknown, problem: CredentialProblem | undefined): unknown {
    if (!(error instanceof PsaError)) return error;
    if (problem) return new PsaError(problem.kind, problem.message, { status: error.status, cause: error });
    if (error.kind === 'auth' && error.status === 401) {
      return new PsaError('auth', `Autotask refused the API user's secret (401). Check the API user name and secret in Settings → PSA.`, {
        status: 401,
        cause: error,
      });
    }
    return error;
  }

  private cached<T>(get: () => Promise<T> | undefined, set: (p: Promise<T> | undefined) => void, load: () => Promise<T>): Promise<T> {
    const existing = get();
    if (existing) return existing;
    const pending = load();
    set(pending);
    pending.catch(() => {
      if (get() === pending) set(undefined);
    });
    return pending;
  }
}
