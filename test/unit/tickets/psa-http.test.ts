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

describe('psaRequest and what a PSA echoes back', () => {
  const token = '1-14-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
  const echo = (status: number, render: (auth: string) => string, headers: Record<string, string> = {}): FetchLike => {
    return async (_url, init) => {
      const auth = (init?.headers as Record<string, string>)['authorization'] ?? '';
      return new Response(render(auth), { status, headers });
    };
  };
  const request = (fetchImpl: FetchLike, extra: { describeError?: (s: number, b: unknown) => string | undefined; secrets?: string[] } = {}) =>
    psaRequest(
      { url: 'https://psa.example/api/tickets/1', vendor: 'ExamplePSA', headers: { authorization: `token ${token}` }, ...extra },
      fetchImpl,
      () => NOW,
    ).then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e as PsaError,
    );

  it.each([
    ['a 401 text body', echo(401, (auth) => `Bad credentials: ${auth}`)],
    ['a 500 JSON body', echo(500, (auth) => JSON.stringify({ message: `crashed handling Authorization: ${auth}` }))],
    ['a JSON body with the token in a member', echo(400, (auth) => JSON.stringify({ error: 'bad', request: { headers: { Authorization: auth } } }))],
    ['a redirect Location', echo(302, () => '', { location: `https://login.example/?token=${token}` })],
  ])('keeps the token out of the message for %s', async (_what, fetchImpl) => {
    const error = await request(fetchImpl, { describeError: (_s, body) => JSON.stringify(body) });
    expect(error).toBeInstanceOf(PsaError);
    expect(error.message).not.toContain(token);
    expect(error.message).not.toContain(token.slice(-12));
  });

  it('says what was wrong, with the token replaced', async () => {
    const error = await request(echo(401, (auth) => `Bad credentials: ${auth}`));
    expect(error.message).toBe('ExamplePSA refused the credentials (401): Bad credentials: [redacted] Check the key or token in Settings → PSA.');
  });

  it('hides secrets the adapter names that the request does not carry', async () => {
    const error = await request(
      echo(500, () => 'the other key was other-half-of-the-key'),
      { secrets: ['other-half-of-the-key'] },
    );
    expect(error.message).toBe('ExamplePSA had a server error (500): the other key was [redacted]');
  });

  it('cuts a long echoed body', async () => {
    const error = await request(echo(500, () => 'x'.repeat(5000)));
    expect(error.message.length).toBeLessThan(260);
  });
});
