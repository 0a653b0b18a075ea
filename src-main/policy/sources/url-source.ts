import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from '../../storage/json-file.js';
import { flattenSettings } from '../flatten.js';
import { formatBytes, POLICY_SOURCE_MAX_BYTES } from '../limits.js';
import type { PolicyProblem } from '../problems.js';
import { systemClock, systemTimers, type Cancel, type Clock, type Timers } from '../timers.js';
import { isAllowedPolicyUrl } from '../value-schemas.js';
import type { PolicyReadResult, RemotePolicySource, RemotePolicyTarget } from './policy-source.js';

const PolicyDocumentSchema = z
  .object({
    $schema: z.string().optional(),
    managed: z.record(z.string(), z.unknown()).optional(),
    recommended: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

const CacheSchema = z.object({ url: z.string(), etag: z.string().optional(), fetchedAt: z.number(), document: PolicyDocumentSchema });
type Cached = z.infer<typeof CacheSchema>;

type Held = Cached & { layers: Layers };

/** Hops followed before giving up; a policy server needs one or two (http→https, a moved file), a loop needs a bound. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
type Layers = { managed: Record<string, unknown>; recommended: Record<string, unknown>; problems: PolicyProblem[] };
type Outcome =
  { kind: 'document'; document: PolicyDocument; etag?: string } | { kind: 'not-modified' } | { kind: 'failed'; message: string; retryAfterMs?: number };

export type UrlPolicySourceOptions = {
  /** Where the last good document and its ETag are kept, so an offline start still has them. */
  cachePath: string;
  timers?: Timers;
  clock?: Clock;
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxBytes?: number;
  log?: (message: string) => void;
};

/**
 * A policy document at an HTTPS URL (policy.url, set by the OS policy):
 * `{"managed": {…}, "recommended": {…}}`, polled every policy.pollSeconds with
 * If-None-Match. Whatever goes wrong (server down, 5xx, 429, bad JSON), the
 * last good document stays in effect and the problem is shown; a 429 or 503
 * Retry-After is honoured. Its values rank below the OS policy's.
 */
export class UrlPolicySource implements RemotePolicySource {
  readonly name = 'policy URL';
  private target: RemotePolicyTarget | undefined;
  private held: Held | undefined;
  private problem: PolicyProblem | undefined;
  private listener: (() => void) | undefined;
  private cancelPoll: Cancel | undefined;
  private inflight: AbortController | undefined;
  /** Bumped by every configure(): a fetch for an old target must not land. */
  private generation = 0;
  private readonly timers: Timers;
  private readonly clock: Clock;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: UrlPolicySourceOptions) {
    this.timers = options.timers ?? systemTimers;
    this.clock = options.clock ?? systemClock;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async configure(target: RemotePolicyTarget | undefined): Promise<void> {
    const next = target && target.url !== '' ? target : undefined;
    if (next && this.target && next.url === this.target.url) {
      if (next.pollSeconds !== this.target.pollSeconds) {
        this.target = next;
        this.schedule(next.pollSeconds * 1000);
      }
      return;
    }
    this.halt();
    this.target = next;
    this.held = undefined;
    this.problem = undefined;
    if (!next) return;
    if (!isAllowedPolicyUrl(next.url)) {
      this.problem = { origin: next.url, key: 'policy.url', message: 'must be an https:// URL (http:// only to this computer), so it is not fetched.' };
      return;
    }
    const generation = this.generation;
    const cached = await this.loadCache(next.url);
    if (generation !== this.generation) return;
    this.held = cached;
    this.schedule(0);
  }

  async read(): Promise<PolicyReadResult> {
    const problems = [...(this.held?.layers.problems ?? []), ...(this.problem ? [this.problem] : [])];
    if (!this.target || !this.held) return { enforced: [], recommended: [], problems };
    const origin = this.target.url;
    return { enforced: [{ origin, values: this.held.layers.managed }], recommended: [{ origin, values: this.held.layers.recommended }], problems };
  }

  watch(onChange: () => void): () => void {
    this.listener = onChange;
    return () => {
      this.listener = undefined;
      this.halt();
      this.target = undefined;
    };
  }

  /** Fetches now (a poll, or "refresh policy"); true when what read() returns changed. */
  async refresh(): Promise<boolean> {
    const target = this.target;
    if (!target) return false;
    const generation = this.generation;
    const outcome = await this.fetchOnce(target);
    if (generation !== this.generation) return false;
    const changed = await this.apply(target, outcome);
    this.schedule(Math.max(target.pollSeconds * 1000, outcome.kind === 'failed' ? (outcome.retryAfterMs ?? 0) : 0));
    return changed;
  }

  private schedule(ms: number): void {
    this.cancelPoll?.();
    this.cancelPoll = this.timers.after(ms, () => {
      void this.refresh().then((changed) => {
        if (changed) this.listener?.();
      });
    });
  }

  private halt(): void {
    this.generation++;
    this.cancelPoll?.();
    this.cancelPoll = undefined;
    this.inflight?.abort();
    this.inflight = undefined;
  }

  private async apply(target: RemotePolicyTarget, outcome: Outcome): Promise<boolean> {
    const before = JSON.stringify([this.held?.document, this.problem]);
    if (outcome.kind === 'document') {
      this.held = held({ url: target.url, ...(outcome.etag ? { etag: outcome.etag } : {}), fetchedAt: this.clock.now(), document: outcome.document });
      this.problem = undefined;
      await this.saveCache(this.held);
    } else if (outcome.kind === 'not-modified') {
      this.problem = undefined;
    } else {
      const kept = this.held ? `Using the copy fetched ${new Date(this.held.fetchedAt).toISOString()}.` : 'No copy of it has been fetched yet.';
      this.problem = { origin: target.url, message: `${outcome.message} ${kept}` };
    }
    return JSON.stringify([this.held?.document, this.problem]) !== before;
  }

  private async fetchOnce(target: RemotePolicyTarget): Promise<Outcome> {
    const controller = new AbortController();
    this.inflight = controller;
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(this.options.timeoutMs ?? 15_000)]);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.held?.etag) headers['if-none-match'] = this.held.etag;
    try {
      const fetched = await this.fetchFollowingAllowedRedirects(target.url, headers, signal);
      if (fetched.kind === 'failed') return fetched;
      return await this.outcomeOf(fetched.response);
    } catch (err) {
      const reason = (err as Error).name === 'TimeoutError' ? 'it did not answer in time' : describeFetchError(err);
      return { kind: 'failed', message: `Couldn't fetch the policy: ${reason}.` };
    } finally {
      if (this.inflight === controller) this.inflight = undefined;
    }
  }

  /**
   * Redirects are followed by hand: fetch's own following would connect to
   * the target before we could look at it, so a policy server (or whoever
   * answers for it) could make Focusline request any address, plain http
   * included. Each hop's target must pass the rules policy.url itself
   * passes, and may not step down from https to http.
   */
  private async fetchFollowingAllowedRedirects(
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ kind: 'response'; response: Response } | { kind: 'failed'; message: string }> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const response = await this.fetchImpl(current, { headers, signal, redirect: 'manual' });
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
      if (location === null) return { kind: 'response', response };
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) return { kind: 'failed', message: `The policy URL redirected more than ${MAX_REDIRECTS} times; it is not used.` };
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        return { kind: 'failed', message: `The policy URL redirected to an address that isn't a URL (${location.slice(0, 200)}); it is not followed.` };
      }
      const downgrade = next.protocol === 'http:' && new URL(current).protocol === 'https:';
      if (!isAllowedPolicyUrl(next.href) || downgrade) {
        return {
          kind: 'failed',
          message: `The policy URL redirected to ${next.origin}, which is not an https:// address (http:// only to this computer); it is not followed.`,
        };
      }
      current = next.href;
    }
  }

  private async outcomeOf(response: Response): Promise<Outcome> {
    if (response.status === 304 && this.held) return { kind: 'not-modified' };
    if (response.status === 429 || response.status === 503) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.clock.now());
      const wait = retryAfterMs !== undefined ? ` It asked to wait ${Math.ceil(retryAfterMs / 1000)} s.` : '';
      return {
        kind: 'failed',
        message: `The policy server is busy (HTTP ${response.status}).${wait}`,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    }
    if (!response.ok) return { kind: 'failed', message: `The policy server answered HTTP ${response.status}.` };
    const maxBytes = this.options.maxBytes ?? POLICY_SOURCE_MAX_BYTES;
    const text = await readLimited(response, maxBytes);
    if (text === undefined) return { kind: 'failed', message: `The policy document is too large (over ${formatBytes(maxBytes)}); it was not read.` };
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return { kind: 'failed', message: `The policy document is not valid JSON (${(err as Error).message}).` };
    }
    const parsed = PolicyDocumentSchema.safeParse(raw);
    if (!parsed.success) return { kind: 'failed', message: 'The policy document must be a JSON object {"managed": {…}, "recommended": {…}}.' };
    const etag = response.headers.get('etag');
    return { kind: 'document', document: parsed.data, ...(etag ? { etag } : {}) };
  }

  private async loadCache(url: string): Promise<Held | undefined> {
    try {
      const parsed = CacheSchema.safeParse(await readJsonFile(this.options.cachePath));
      return parsed.success && parsed.data.url === url ? held(parsed.data) : undefined;
    } catch (err) {
      this.options.log?.(`Ignoring the cached policy: ${(err as Error).message}`);
      return undefined;
    }
  }

  private async saveCache(value: Held): Promise<void> {
    const { layers: _derived, ...cached } = value;
    // 0600: a policy may carry TURN credentials.
    await writeJsonFileAtomic(this.options.cachePath, cached, 0o600).catch((err: unknown) => {
      this.options.log?.(`Couldn't cache the policy document in ${this.options.cachePath}: ${(err as Error).message}`);
    });
  }
}

function held(cached: Cached): Held {
  return { ...cached, layers: documentLayers(cached.document, cached.url) };
}

/** Flattens both levels; policy.url in the document itself is refused, so a document can't send Focusline elsewhere. */
function documentLayers(document: PolicyDocument, url: string): Layers {
  const managed = flattenSettings(document.managed ?? {}, url);
  const recommended = flattenSettings(document.recommended ?? {}, url);
  const problems = [...managed.problems, ...recommended.problems];
  for (const layer of [managed.values, recommended.values]) {
    if (!Object.hasOwn(layer, 'policy.url')) continue;
    delete layer['policy.url'];
    problems.push({ origin: url, key: 'policy.url', message: "can't be set by the policy document itself (set it in the OS policy), so it is ignored here." });
  }
  return { managed: managed.values, recommended: recommended.values, problems };
}

/** Retry-After in seconds or as an HTTP date; capped at a day so a bad header can't stop polling for good. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), 24 * 60 * 60 * 1000);
}

/** The body as text, or undefined past `maxBytes` (stops reading, rather than holding a huge body in memory). */
async function readLimited(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
