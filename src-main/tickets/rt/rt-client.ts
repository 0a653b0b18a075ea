import type { z } from 'zod';
import type { PsaAdapterDeps, RtConfig } from '../psa-config.js';
import { psaRequest, type HttpMethod } from '../psa-http.js';
import { PsaError } from '../psa.js';
import { tokenProblem } from './rt-mapping.js';

export const RT_VENDOR = 'Request Tracker';

type Query = Record<string, string | number | undefined>;

/** REST2 calls with the tech's token: `${url}/REST/2.0${path}`, through psaRequest. */
export class RtClient {
  /** RT's web base URL ("" when the setting is unusable; every call then throws the config error). */
  readonly baseUrl: string;
  private readonly urlProblem: PsaError | undefined;

  constructor(
    private readonly config: RtConfig,
    private readonly deps: PsaAdapterDeps,
  ) {
    const base = normaliseBaseUrl(config.url);
    this.baseUrl = base instanceof PsaError ? '' : base;
    this.urlProblem = base instanceof PsaError ? base : undefined;
  }

  get apiUrl(): string {
    return `${this.baseUrl}/REST/2.0`;
  }

  get<T>(path: string, query: Query, schema: z.ZodType<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.send('GET', path, query, undefined, schema, signal);
  }

  post<T>(path: string, query: Query, body: unknown, schema: z.ZodType<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.send('POST', path, query, body, schema, signal);
  }

  put<T>(path: string, body: unknown, schema: z.ZodType<T>, signal: AbortSignal | undefined): Promise<T> {
    return this.send('PUT', path, {}, body, schema, signal);
  }

  private async send<T>(method: HttpMethod, path: string, query: Query, body: unknown, schema: z.ZodType<T>, signal: AbortSignal | undefined): Promise<T> {
    if (this.urlProblem) throw this.urlProblem;
    const problem = tokenProblem(this.config.token);
    if (problem) throw new PsaError('config', problem);
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const response = await psaRequest(
      {
        method,
        url,
        headers: { authorization: `token ${this.config.token.trim()}` },
        body,
        schema,
        signal,
        timeoutMs: this.config.timeoutMs > 0 ? this.config.timeoutMs : undefined,
        vendor: RT_VENDOR,
      },
      this.deps.fetch,
      this.deps.now,
    );
    return response.data;
  }
}

/** The web base URL as typed, minus a trailing slash or a pasted /REST/2.0. */
function normaliseBaseUrl(raw: string): string | PsaError {
  if (raw.trim() === '') return new PsaError('config', "No RT URL is set. Enter RT's address in Settings → PSA, e.g. https://rt.example.com.");
  const trimmed = raw
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/REST\/2\.0$/i, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return new PsaError(
      'config',
      `The RT URL "${raw}" isn't a web address. Use RT's address as you open it in the browser, e.g. https://rt.example.com or https://example.com/rt.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return new PsaError('config', `The RT URL "${raw}" must start with https:// (or http://).`);
  }
  return trimmed;
}
