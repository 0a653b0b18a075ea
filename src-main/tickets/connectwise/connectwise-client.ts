import { z } from 'zod';
import type { ConnectWiseConfig, PsaAdapterDeps } from '../psa-config.js';
import { DEFAULT_PSA_TIMEOUT_MS } from '../psa-config.js';
import { psaRequest, type HttpMethod, type PsaResponse } from '../psa-http.js';
import { PsaError, type CallOptions } from '../psa.js';
import { apiBase, basicAuthorization, describeCwError, CW_MAX_PAGE_SIZE } from './connectwise-mapping.js';
import { cwMemberSchema, type CwMember } from './connectwise-schemas.js';

/**
 * ConnectWise PSA over HTTP: the headers every call needs (psa-apis.md §1),
 * the API base, the signed-in member (cached), and 404 → null for lookups.
 * Every request goes through psaRequest.
 */

export const CW_VENDOR = 'ConnectWise';
/** Pins the response format to the API version the adapter was written against (psa-apis.md §1, "Version pinning"). */
export const CW_ACCEPT = 'application/vnd.connectwise.com+json; version=2025.8';

export type Query = Record<string, string | number | undefined>;

export type ListResult<T> = { items: T[]; link: string | null };

const REQUIRED: (keyof ConnectWiseConfig)[] = ['url', 'companyId', 'publicKey', 'privateKey', 'clientId'];
const LABELS: Partial<Record<keyof ConnectWiseConfig, string>> = {
  url: 'site URL',
  companyId: 'company ID',
  publicKey: 'public key',
  privateKey: 'private key',
  clientId: 'clientId (from developer.connectwise.com)',
};

/** What's missing from the settings, in the words the Settings page uses. */
export function missingSettings(config: ConnectWiseConfig): string[] {
  return REQUIRED.filter((key) => typeof config[key] !== 'string' || !(config[key] as string).trim()).map((key) => LABELS[key] ?? key);
}

export class ConnectWiseClient {
  readonly pageSize: number;
  private me: Promise<CwMember> | undefined;

  constructor(
    readonly config: ConnectWiseConfig,
    private readonly deps: PsaAdapterDeps,
    pageSize?: number,
  ) {
    this.pageSize = Math.max(1, Math.min(CW_MAX_PAGE_SIZE, Math.floor(pageSize ?? CW_MAX_PAGE_SIZE)));
  }

  now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  log(message: string): void {
    this.deps.log?.(`ConnectWise: ${message}`);
  }

  /** One call with CW's headers; answers the validated body and the response headers. */
  async send<T>(method: HttpMethod, path: string, options: CallOptions & { query?: Query; body?: unknown; schema?: z.ZodType<T> }): Promise<PsaResponse<T>> {
    const missing = missingSettings(this.config);
    if (missing.length > 0) throw new PsaError('config', `ConnectWise settings are incomplete: set the ${missing.join(', ')} in Settings → PSA.`);
    const url = apiUrl(this.config.url, path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return psaRequest<T>(
      {
        method,
        url,
        headers: {
          // Lowercase so it replaces psaRequest's default rather than joining it.
          accept: CW_ACCEPT,
          authorization: basicAuthorization(this.config.companyId.trim(), this.config.publicKey.trim(), this.config.privateKey),
          clientId: this.config.clientId.trim(),
        },
        body: options.body,
        schema: options.schema,
        signal: options.signal,
        timeoutMs: this.config.timeoutMs > 0 ? this.config.timeoutMs : DEFAULT_PSA_TIMEOUT_MS,
        vendor: CW_VENDOR,
        describeError: describeCwError,
      },
      this.deps.fetch,
      () => this.now(),
    );
  }

  async get<T>(path: string, schema: z.ZodType<T>, options: CallOptions & { query?: Query } = {}): Promise<T> {
    return (await this.send('GET', path, { ...options, schema })).data;
  }

  async post<T>(path: string, body: unknown, schema: z.ZodType<T>, options: CallOptions = {}): Promise<T> {
    return (await this.send('POST', path, { ...options, body, schema })).data;
  }

  /** A single object, or null when CW says it doesn't exist (404). */
  async getOptional<T>(path: string, schema: z.ZodType<T>, options: CallOptions = {}): Promise<T | null> {
    try {
      return await this.get(path, schema, options);
    } catch (error) {
      if (error instanceof PsaError && error.kind === 'not-found') return null;
      throw error;
    }
  }

  /** One page of a list; `link` is CW's Link header when it sent one. */
  async list<T>(path: string, item: z.ZodType<T>, query: Query, options: CallOptions = {}): Promise<ListResult<T>> {
    const response = await this.send('GET', path, { ...options, query, schema: z.array(item) });
    return { items: response.data, link: response.headers.get('link') };
  }

  /** The member these API keys belong to ("who am I"), fetched once; a failure is not cached. */
  whoAmI(options: CallOptions = {}): Promise<CwMember> {
    if (this.me === undefined) {
      const pending = this.get('/system/myAccount', cwMemberSchema, options);
      this.me = pending;
      pending.catch(() => {
        if (this.me === pending) this.me = undefined;
      });
    }
    return this.me;
  }
}

function apiUrl(siteUrl: string, path: string): URL {
  try {
    const url = new URL(`${apiBase(siteUrl)}${path}`);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  } catch {
    // Reported below, with the fix.
  }
  throw new PsaError('config', `The ConnectWise URL "${siteUrl}" isn't a web address. Use the site's address, e.g. https://na.myconnectwise.net.`);
}
