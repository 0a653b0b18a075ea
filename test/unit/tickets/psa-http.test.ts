import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { psaRequest, type FetchLike } from '../../../src-main/tickets/psa-http.js';
import { PsaError } from '../../../src-main/tickets/psa.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const answer =
  (status: number, body: string, headers: Record<string, string> = {}): FetchLike =>
  async () =>
    new Response(body, { status, headers });
const Ticket = z.object({ id: z.number(), summary: z.string() });

async function failure(fetchImpl: FetchLike, extra: { describeError?: (s: number, b: unknown) => string | undefined } = {}): Promise<PsaError> {
  const error = await psaRequest({ url: 'https://psa.example/api/tickets/1', vendor: 'ExamplePSA', schema: Ticket, ...extra }, fetchImpl, () => NOW).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PsaError)) throw new Error(`expected a PsaError, got ${String(error)}`);
  return error;
}

describe('psaRequest', () => {
  it('returns the validated body', async () => {
    const r = await psaRequest({ url: 'https://psa.example/x', vendor: 'ExamplePSA', schema: Ticket }, answer(200, '{"id":1,"summary":"Printer"}'));
    expect(r.data).toEqual({ id: 1, summary: 'Printer' });
  });

  it.each([
    [401, 'auth', /refused the credentials/],
    [403, 'forbidden', /lacks permission/],
    [404, 'not-found', /nothing at \/api\/tickets\/1/],
    [500, 'unavailable', /server error \(500\)/],
    [422, 'invalid-request', /rejected the request \(422\)/],
  ] as const)('%i becomes %s with a message that says what to do', async (status, kind, message) => {
    const e = await failure(answer(status, '{"message":"details here"}'));
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(message);
    expect(e.message).toContain('details here');
    expect(e.status).toBe(status);
  });

  it('429 carries Retry-After in milliseconds', async () => {
    const e = await failure(answer(429, '', { 'retry-after': '12' }));
    expect(e.kind).toBe('rate-limited');
    expect(e.retryAfterMs).toBe(12_000);
    expect(e.retryable).toBe(true);
  });

  it('a 401 from a server whose clock is far off says "clock", not "wrong key"', async () => {
    const e = await failure(answer(401, '', { date: new Date(NOW.getTime() - 20 * 60_000).toUTCString() }));
    expect(e.kind).toBe('clock-skew');
    expect(e.message).toMatch(/20 minutes ahead of the server/);
  });

  it('malformed JSON, an HTML page and an unexpected shape are "malformed", never a crash', async () => {
    expect((await failure(answer(200, '{"id": 1,'))).kind).toBe('malformed');
    const html = await failure(answer(200, '<html>login</html>', { 'content-type': 'text/html' }));
    expect(html.kind).toBe('malformed');
    expect(html.message).toMatch(/HTML page/);
    const shape = await failure(answer(200, '{"id":"one","summary":"x"}'));
    expect(shape.message).toMatch(/id:/);
  });

  it('a vendor-specific error body is read by describeError', async () => {
    const e = await failure(answer(400, '{"code":"InvalidObject","errors":[{"field":"company","message":"Company is required"}]}'), {
      describeError: (_s, b) => (b as { errors: { message: string }[] }).errors[0]?.message,
    });
    expect(e.message).toContain('Company is required');
  });

  it('network failures and timeouts are retryable, cancellation is reported as such', async () => {
    const refused: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    };
    const down = await failure(refused);
    expect(down.kind).toBe('unavailable');
    expect(down.message).toMatch(/connection refused/);
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)));
    const slow = await psaRequest({ url: 'https://psa.example/x', vendor: 'ExamplePSA', timeoutMs: 20 }, hang).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(PsaError);
    expect((slow as PsaError).kind).toBe('timeout');
    const controller = new AbortController();
    const cancelled = psaRequest({ url: 'https://psa.example/x', vendor: 'ExamplePSA', signal: controller.signal }, hang).catch((e: unknown) => e);
    controller.abort();
    expect(((await cancelled) as PsaError).kind).toBe('cancelled');
  });
});
