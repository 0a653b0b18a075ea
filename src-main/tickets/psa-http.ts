import type { z } from 'zod';
import { parseRetryAfter } from '../../src-shared/retry/backoff.js';
import { PsaError } from './psa.js';
import { messageOf } from '../../src-shared/errors.js';
import { MAX_ECHO_CHARS, redactAndCut, redactText, redactValue, requestSecrets } from './psa-redaction.js';

/**
 * The one way adapters talk HTTP: Node's fetch with a timeout and the
 * caller's cancel signal, every response body validated with zod, and every
 * failure turned into a PsaError that says what to do about it.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type PsaRequest<T> = {
  method?: HttpMethod;
  url: string | URL;
  headers?: Record<string, string>;
  /** JSON-encoded unless it is already a string, URLSearchParams (form posts) or FormData (multipart uploads: fetch sets the boundary). */
  body?: unknown;
  /** What a 2xx body must look like. Omit for calls whose body we ignore. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal | undefined;
  /** Default 10 s; the screen pop passes its own tighter deadline via signal. */
  timeoutMs?: number;
  /** Vendor name for messages: "ConnectWise said…" */
  vendor: string;
  /** Turns a vendor's 4xx body into a readable reason (e.g. CW's `errors[].message`). It is given the body already redacted. */
  describeError?: (status: number, body: unknown) => string | undefined;
  /** Secrets this request doesn't carry in a header, form field or URL but that an answer must not repeat (e.g. the other half of a key pair). */
  secrets?: readonly string[];
};

export type PsaResponse<T> = { status: number; headers: Headers; data: T };

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export const DEFAULT_TIMEOUT_MS = 10_000;
/** A PSA's clock this far from ours makes signed/OAuth auth fail in confusing ways; say so. */
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;

export async function psaRequest<T = unknown>(
  request: PsaRequest<T>,
  fetchImpl: FetchLike = fetch,
  now: () => Date = () => new Date(),
): Promise<PsaResponse<T>> {
  const { vendor } = request;
  const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | URLSearchParams | FormData | undefined;
  if (request.body !== undefined) {
    if (typeof request.body === 'string' || request.body instanceof URLSearchParams || request.body instanceof FormData) body = request.body;
    else {
      body = JSON.stringify(request.body);
      headers['content-type'] ??= 'application/json';
    }
  }

  // Whatever the PSA answers is a message we log and store, so our own credentials are looked for in it (psa-redaction.ts).
  const secrets = [...requestSecrets({ url: request.url, headers, body: request.body }, decodeBase64), ...(request.secrets ?? [])];
  const redact = (message: string) => redactText(message, secrets);

  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(request.url, { method: request.method ?? 'GET', headers, body, signal, redirect: 'manual' });
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw new PsaError('cancelled', `${vendor}: the request was cancelled.`, { cause: error });
    if (timeout.aborted) throw new PsaError('timeout', `${vendor} did not answer within ${formatSeconds(timeoutMs)}.`, { cause: error });
    throw new PsaError('unavailable', redact(`Can't reach ${vendor} at ${hostOf(request.url)}: ${networkReason(error)}. Check the URL and your network.`), {
      cause: error,
    });
  }

  const parsed = parseJson(text);
  if (response.status >= 200 && response.status < 300) {
    if (!request.schema) return { status: response.status, headers: response.headers, data: (parsed.ok ? parsed.value : text) as T };
    if (!parsed.ok) {
      throw new PsaError(
        'malformed',
        redact(`${vendor} answered with something that isn't JSON (${describeBody(text, response.headers, secrets)}). Is the URL pointing at the API?`),
        {
          status: response.status,
        },
      );
    }
    const result = request.schema.safeParse(parsed.value);
    if (!result.success) {
      throw new PsaError('malformed', redact(`${vendor} answered in an unexpected shape: ${firstIssue(result.error)}.`), { status: response.status });
    }
    return { status: response.status, headers: response.headers, data: result.data };
  }
  // Redacted before anything reads it, and the whole message again after: an adapter's describeError may quote the body its own way.
  const answered = parsed.ok ? redactValue(parsed.value, secrets) : redactText(text, secrets);
  const error = errorFor(response, answered, request, now(), secrets);
  throw new PsaError(error.kind, redact(error.message), { status: error.status, retryAfterMs: error.retryAfterMs });
}

function errorFor<T>(response: Response, body: unknown, request: PsaRequest<T>, now: Date, secrets: readonly string[]): PsaError {
  const { status } = response;
  const { vendor } = request;
  const described = request.describeError?.(status, body);
  const reason = described !== undefined ? redactAndCut(described, secrets) : genericReason(body);
  const suffix = reason ? `: ${reason}` : '.';
  const skew = clockSkewMs(response.headers.get('date'), now);
  if (status >= 300 && status < 400) {
    return new PsaError(
      'not-found',
      // A Location may carry a token in its query; cut and redacted like a body.
      `${vendor} redirected the request to ${redactAndCut(response.headers.get('location') ?? 'another address', secrets)}. Use the API's address in the PSA URL setting.`,
      { status },
    );
  }
  if ((status === 401 || status === 403) && skew !== undefined && Math.abs(skew) > CLOCK_SKEW_LIMIT_MS) {
    return new PsaError(
      'clock-skew',
      `${vendor} refused the sign-in, and this computer's clock is ${formatSkew(skew)} the server's. Set the clock right and try again.`,
      { status },
    );
  }
  if (status === 401) return new PsaError('auth', `${vendor} refused the credentials (401)${suffix} Check the key or token in Settings → PSA.`, { status });
  if (status === 403)
    return new PsaError('forbidden', `${vendor} says this account lacks permission (403)${suffix} Ask your PSA administrator to grant it.`, { status });
  if (status === 404) return new PsaError('not-found', `${vendor} has nothing at ${pathOf(request.url)} (404)${suffix}`, { status });
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
    const when = retryAfterMs === undefined ? '' : ` Focusline will try again in ${formatSeconds(retryAfterMs)}.`;
    return new PsaError('rate-limited', `${vendor} is limiting requests (429).${when}`, { status, retryAfterMs });
  }
  if (status === 408) return new PsaError('timeout', `${vendor} timed out the request (408).`, { status });
  if (status === 413) return new PsaError('invalid-request', `${vendor} refused the upload as too large (413)${suffix}`, { status });
  if (status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now);
    return new PsaError('unavailable', `${vendor} had a server error (${status})${suffix}`, { status, retryAfterMs });
  }
  return new PsaError('invalid-request', `${vendor} rejected the request (${status})${suffix}`, { status });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Common error-body shapes: {message}, {error}, {error_description}, {errors:[…]}. */
function genericReason(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() && !body.trimStart().startsWith('<') ? truncate(body.trim()) : undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Record<string, unknown>;
  for (const key of ['message', 'Message', 'error_description', 'error', 'detail', 'title']) {
    if (typeof b[key] === 'string' && b[key]) return truncate(b[key]);
  }
  if (Array.isArray(b['errors'])) {
    const parts = b['errors']
      .map((e) => (typeof e === 'string' ? e : typeof e === 'object' && e !== null ? String((e as Record<string, unknown>)['message'] ?? '') : ''))
      .filter(Boolean);
    if (parts.length > 0) return truncate(parts.join('; '));
  }
  return undefined;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unknown problem';
  const path = issue.path.length > 0 ? issue.path.join('.') : 'the body';
  return `${path}: ${issue.message}`;
}

function describeBody(text: string, headers: Headers, secrets: readonly string[]): string {
  const type = headers.get('content-type') ?? 'no content type';
  return text.trimStart().startsWith('<') ? `an HTML page, ${type}` : `${type}: ${redactAndCut(text.trim(), secrets, 60)}`;
}

function decodeBase64(text: string): string {
  return Buffer.from(text, 'base64').toString('utf8');
}

export function clockSkewMs(dateHeader: string | null, now: Date): number | undefined {
  if (!dateHeader) return undefined;
  const server = Date.parse(dateHeader);
  return Number.isNaN(server) ? undefined : now.getTime() - server;
}

function formatSkew(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return `${minutes} minute${minutes === 1 ? '' : 's'} ${ms > 0 ? 'ahead of' : 'behind'}`;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function networkReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = typeof cause === 'object' && cause !== null ? (cause as { code?: unknown }).code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'unknown host name';
  if (code === 'ECONNRESET') return 'the connection was reset';
  if (typeof code === 'string' && code.includes('CERT')) return `certificate problem (${code})`;
  return messageOf(cause);
}

function hostOf(url: string | URL): string {
  try {
    return new URL(url).host;
  } catch {
    return String(url);
  }
}

function pathOf(url: string | URL): string {
  try {
    return new URL(url).pathname;
  } catch {
    return String(url);
  }
}

function truncate(text: string, max = MAX_ECHO_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
