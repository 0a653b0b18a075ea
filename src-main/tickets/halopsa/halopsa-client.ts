import type { z } from 'zod';
import type { HaloConfig } from '../psa-config.js';
import { isAllowedPolicyUrl } from '../../policy/value-schemas.js';
import { DEFAULT_TIMEOUT_MS, psaRequest, type FetchLike } from '../psa-http.js';
import { PsaError } from '../psa.js';
import { apiBase, defaultAuthUrl, describeHaloError, HALO_VENDOR, tokenForm, tokenUrl } from './halopsa-mapping.js';
import { AuthInfoSchema, TokenSchema } from './halopsa-schemas.js';

/**
 * HaloPSA's HTTP side: token endpoint discovery (GET /api/authinfo, else
 * {url}/auth), the OAuth2 client-credentials token (cached until shortly
 * before it expires), and Bearer calls to {url}/api that fetch a new token
 * once and retry once when Halo answers 401 to a cached token (it was
 * revoked or expired early). psa-apis.md §3.
 */

export type Query = Record<string, string | number | boolean | undefined>;

type Token = { value: string; expiresAt: number };

/** Renew this long before Halo's expiry (capped at half the lifetime for short-lived tokens). */
const RENEW_MARGIN_MS = 60_000;

export type HaloClientDeps = { fetch: FetchLike; now: () => Date; log: (message: string) => void };

export class HaloClient {
  private authUrl: string | undefined;
  private token: Token | undefined;
  private pendingToken: Promise<Token> | undefined;

  constructor(
    private readonly config: HaloConfig,
    private readonly deps: HaloClientDeps,
  ) {}

  async get<T>(path: string, query: Query, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    return this.call<T>('GET', path, query, undefined, schema, signal);
  }

  async post<T>(path: string, body: unknown, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    return this.call<T>('POST', path, {}, body, schema, signal);
  }

  /** Discovers the token endpoint and gets a token: the "credentials accepted" step of Test connection. */
  async signIn(signal?: AbortSignal): Promise<void> {
    await this.accessToken(signal);
  }

  private async call<T>(method: 'GET' | 'POST', path: string, query: Query, body: unknown, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    const url = apiUrl(this.config.url, path, query);
    const send = async (token: string) =>
      (
        await psaRequest(
          {
            method,
            url,
            headers: { authorization: `Bearer ${token}` },
            body,
            schema,
            signal,
            timeoutMs: this.timeoutMs,
            vendor: HALO_VENDOR,
            describeError: describeHaloError,
          },
          this.deps.fetch,
          this.deps.now,
        )
      ).data;
    const cached = this.usableToken();
    const token = cached ?? (await this.accessToken(signal));
    try {
      return await send(token.value);
    } catch (error) {
      if (!(cached && error instanceof PsaError && error.status === 401 && error.kind === 'auth')) throw error;
      // A cached token Halo no longer accepts (revoked, or expired before expires_in said): one new token, one retry.
      this.deps.log(`${HALO_VENDOR}: the cached access token was refused; getting a new one.`);
      if (this.token === cached) this.token = undefined;
      return await send((await this.accessToken(signal)).value);
    }
  }

  private get timeoutMs(): number {
    return this.config.timeoutMs > 0 ? this.config.timeoutMs : DEFAULT_TIMEOUT_MS;
  }

  private usableToken(): Token | undefined {
    return this.token && this.deps.now().getTime() < this.token.expiresAt ? this.token : undefined;
  }

  private async accessToken(signal?: AbortSignal): Promise<Token> {
    const cached = this.usableToken();
    if (cached) return cached;
    // Concurrent calls share one token request instead of each signing in.
    this.pendingToken ??= this.fetchToken(signal).finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async fetchToken(signal?: AbortSignal): Promise<Token> {
    const authUrl = await this.discoverAuthUrl(signal);
    let endpoint: string;
    try {
      endpoint = tokenUrl(authUrl, this.config.tenant);
    } catch (error) {
      throw new PsaError('malformed', `${HALO_VENDOR} named "${authUrl}" as its sign-in address, which isn't a web address.`, { cause: error });
    }
    let oauthError: string | undefined;
    const started = this.deps.now().getTime();
    try {
      const { data } = await psaRequest(
        {
          method: 'POST',
          url: endpoint,
          body: tokenForm(this.config.clientId, this.config.clientSecret),
          schema: TokenSchema,
          signal,
          timeoutMs: this.timeoutMs,
          vendor: HALO_VENDOR,
          describeError: (status, errorBody) => {
            oauthError = oauthErrorCode(errorBody);
            return describeHaloError(status, errorBody);
          },
        },
        this.deps.fetch,
        this.deps.now,
      );
      if (data.token_type.toLowerCase() !== 'bearer') {
        throw new PsaError('malformed', `${HALO_VENDOR} issued a "${data.token_type}" token; Focusline only knows Bearer tokens.`);
      }
      const lifetimeMs = data.expires_in * 1000;
      this.token = { value: data.access_token, expiresAt: started + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 2) };
      return this.token;
    } catch (error) {
      throw tokenError(error, oauthError, endpoint);
    }
  }

  private async discoverAuthUrl(signal?: AbortSignal): Promise<string> {
    if (this.authUrl) return this.authUrl;
    try {
      const { data } = await psaRequest(
        {
          url: apiUrl(this.config.url, '/authinfo', {}),
          schema: AuthInfoSchema,
          signal,
          timeoutMs: this.timeoutMs,
          vendor: HALO_VENDOR,
          describeError: describeHaloError,
        },
        this.deps.fetch,
        this.deps.now,
      );
      // The client secret goes wherever this points: only https (or this computer), never a downgrade or a stranger's http.
      if (!isAllowedPolicyUrl(data.auth_url)) {
        throw new PsaError(
          'malformed',
          `${HALO_VENDOR} named "${data.auth_url}" as its sign-in address; Focusline sends the client secret only over https. Check the HaloPSA URL.`,
        );
      }
      this.authUrl = data.auth_url;
    } catch (error) {
      // Builds without /api/authinfo serve the token endpoint at {url}/auth. [C] Connect-HaloAPI.ps1
      if (!(error instanceof PsaError && error.status === 404)) throw error;
      this.authUrl = defaultAuthUrl(this.config.url);
    }
    return this.authUrl;
  }
}

export function apiUrl(url: string, path: string, query: Query): URL {
  let result: URL;
  try {
    result = new URL(`${apiBase(url)}${path}`);
  } catch (error) {
    throw new PsaError('config', `The ${HALO_VENDOR} URL "${url}" isn't a web address. Use the tenant's address, e.g. https://acme.halopsa.com.`, {
      cause: error,
    });
  }
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) result.searchParams.set(key, String(value));
  }
  return result;
}

function oauthErrorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as Record<string, unknown>)['error'];
  return typeof code === 'string' ? code : undefined;
}

/** The token endpoint's refusals, in the words a service manager can act on. */
function tokenError(error: unknown, oauthError: string | undefined, endpoint: string): unknown {
  if (!(error instanceof PsaError)) return error;
  const status = error.status;
  const where = 'Configuration → Integrations → HaloPSA API in Halo';
  switch (oauthError) {
    case 'invalid_client':
      return new PsaError(
        'auth',
        `${HALO_VENDOR} says the client id or secret is wrong (invalid_client). Copy both again from the API application under ${where} into Settings → PSA.`,
        { status, cause: error },
      );
    case 'unauthorized_client':
    case 'unsupported_grant_type':
      return new PsaError(
        'config',
        `${HALO_VENDOR} won't issue a token to this API application with its client id and secret (${oauthError}). Set its authentication method to "Client ID and Secret (Services)" under ${where}.`,
        { status, cause: error },
      );
    case 'invalid_scope':
      return new PsaError('forbidden', `${HALO_VENDOR} won't grant this API application the "all" scope (invalid_scope). Allow it under ${where}.`, {
        status,
        cause: error,
      });
    default:
      break;
  }
  if (error.kind === 'not-found') {
    return new PsaError(
      'not-found',
      `${HALO_VENDOR} has no sign-in endpoint at ${endpoint} (404). Check the HaloPSA URL (e.g. https://acme.halopsa.com) and, for hosted Halo, the tenant name.`,
      { status, cause: error },
    );
  }
  return error;
}
