import { z } from 'zod';
import type { ConnectWiseConfig, PsaAdapterDeps } from '../psa-config.js';
import { DEFAULT_PSA_TIMEOUT_MS } from '../psa-config.js';
import { psaRequest, type HttpMethod, type PsaResponse } from '../psa-http.js';
import { PsaError, type CallOptions } from '../psa.js';
import { apiBase, basicAuthorization, cwString, describeCwError, CW_MAX_PAGE_SIZE } from './connectwise-mapping.js';
import { cwMemberSchema, type CwMember } from './connectwise-schemas.js';

/**
 * ConnectWise PSA over HTTP: the headers every call needs (psa-apis.md §1),
 * the API base, the technician's member (cached), and 404 → null for lookups.
 * Every request goes through psaRequest.
 *
 * Who the technician is: ConnectWise's API definition has no id-less "who am
 * I" (only GET /system/myAccount/{id}; the id-less path we used to call is a
 * 404 on a real site), and the keys may belong to an API member rather than the
 * tech. So the member is the one the settings name, read with
 * /system/members?conditions=identifier="…".
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

  /** The technician's member (the identifier in the settings), fetched once; a failure is not cached. */
  whoAmI(options: CallOptions = {}): Promise<CwMember> {
    if (this.me === undefined) {
      const pending = this.memberNamedInSettings(options);
      this.me = pending;
      pending.catch(() => {
        if (this.me === pending) this.me = undefined;
      });
    }
    return this.me;
  }

  /**
   * Whose API keys these are, read from GET /system/myAccount/{id}. Only an answer naming this
   * member (same id, and same identifier when CW sends one) says "theirs"; only an answer naming
   * someone else says "someone else's". [U] Whether CW refuses another member's id or answers the
   * keys owner's own account is undocumented, so a refusal proves nothing: it is "unconfirmed",
   * with the reason (a 403 means the role lacks System → My Account). Other failures are thrown.
   */
  async keyOwner(member: CwMember, options: CallOptions = {}): Promise<KeyOwner> {
    let account: { id: number; identifier?: string | null | undefined };
    try {
      account = await this.get(`/system/myAccount/${member.id}`, myAccountSchema, { ...options, query: { fields: 'id,identifier' } });
    } catch (error) {
      if (error instanceof PsaError && (error.kind === 'forbidden' || error.kind === 'not-found' || error.kind === 'auth'))
        return { kind: 'unconfirmed', refusal: error.kind };
      throw error;
    }
    return keyOwnerFrom(member, account);
  }

  private async memberNamedInSettings(options: CallOptions): Promise<CwMember> {
    const identifier = this.config.memberIdentifier.trim();
    if (identifier === '') {
      throw new PsaError(
        'config',
        "Set your ConnectWise member identifier (the name you sign in to ConnectWise with) in Settings → PSA: Focusline follows that member's stopwatch and tickets.",
      );
    }
    const { items } = await this.list('/system/members', cwMemberSchema, { conditions: `identifier=${cwString(identifier)}`, pageSize: 1 }, options);
    const member = items[0];
    if (member === undefined) {
      throw new PsaError(
        'config',
        `ConnectWise has no member with the identifier "${identifier}". Check your member identifier in Settings → PSA (it is the name you sign in with).`,
      );
    }
    return member;
  }
}

/** What /system/myAccount/{id} tells about the keys (keyOwner). */
export type KeyOwner =
  | { kind: 'theirs' }
  | { kind: 'someone-else'; id: number; identifier: string | undefined }
  | { kind: 'unconfirmed'; refusal: 'forbidden' | 'not-found' | 'auth' };

const myAccountSchema = z.object({ id: z.number().int(), identifier: z.string().nullish() });

/** A 200 counts as "theirs" only when it names the member: its id, and its identifier when present (case-insensitive, as CW compares identifiers). */
export function keyOwnerFrom(member: CwMember, account: { id: number; identifier?: string | null | undefined }): KeyOwner {
  const identifier = account.identifier ?? undefined;
  const sameIdentifier = identifier === undefined || identifier.trim().toLowerCase() === member.identifier.trim().toLowerCase();
  return account.id === member.id && sameIdentifier ? { kind: 'theirs' } : { kind: 'someone-else', id: account.id, identifier };
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
