// The RT adapter's request shape and error handling with a scripted fetch
// (the live behaviour is in test/integration/psa-rt.test.ts).
import { describe, expect, it } from 'vitest';
import type { RtConfig } from '../../../../src-main/tickets/psa-config.js';
import { PsaError } from '../../../../src-main/tickets/psa.js';
import { createRtAdapter } from '../../../../src-main/tickets/rt/rt-adapter.js';

const TOKEN = '1-27-6128747512d09df857a6a344fcedcae8';

function config(overrides: Partial<RtConfig> = {}): RtConfig {
  return { kind: 'rt', url: 'https://rt.example.com/rt/', token: TOKEN, workingStatuses: [], queue: '', unknownCallerCompany: '', stopwatchMinSeconds: 0, timeoutMs: 5_000, ...overrides };
}

type Seen = { url: URL; method: string; headers: Record<string, string> };

function scripted(body: unknown, status = 200): { seen: Seen[]; fetch: (input: string | URL, init?: RequestInit) => Promise<Response> } {
  const seen: Seen[] = [];
  return {
    seen,
    fetch: async (input, init) => {
      seen.push({ url: new URL(String(input)), method: init?.method ?? 'GET', headers: { ...(init?.headers as Record<string, string>) } });
      return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<PsaError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PsaError) return error;
    throw error;
  }
  throw new Error('expected a PsaError');
}

describe('RT adapter requests', () => {
  it('searches REST2 under the configured path with the token header and expanded requester fields', async () => {
    const http = scripted({ count: 0, page: 1, per_page: 1, total: 0, pages: 0, items: [] });
    const adapter = createRtAdapter(config({ workingStatuses: ['In Progress'] }), { fetch: http.fetch });
    expect(await adapter.activeTicket()).toBeNull();
    const [request] = http.seen;
    expect(request?.url.origin + request!.url.pathname).toBe('https://rt.example.com/rt/REST/2.0/tickets');
    expect(request?.headers['authorization']).toBe(`token ${TOKEN}`);
    expect(request?.url.searchParams.get('query')).toBe("Owner = '__CurrentUser__' AND (Status = 'open' OR Status = 'In Progress')");
    expect(request?.url.searchParams.get('fields[Requestor]')).toContain('WorkPhone');
    expect(adapter.label).toBe('Request Tracker (rt.example.com)');
  });

  it('turns an answer of the wrong shape into malformed, not a crash', async () => {
    const http = scripted({ items: 'nope' });
    expect((await rejection(createRtAdapter(config(), { fetch: http.fetch }).myOpenTickets())).kind).toBe('malformed');
  });

  it('refuses to call out with an unusable URL or token, saying what to fix', async () => {
    const http = scripted({});
    const badUrl = await rejection(createRtAdapter(config({ url: 'rt.example.com' }), { fetch: http.fetch }).activeTicket());
    expect(badUrl.kind).toBe('config');
    expect(badUrl.message).toContain('https://');
    const badToken = await rejection(createRtAdapter(config({ token: `${TOKEN}\n` + 'x' }), { fetch: http.fetch }).activeTicket());
    expect(badToken.kind).toBe('config');
    expect(http.seen).toEqual([]);
  });

  it('does not send non-numeric ticket ids to RT', async () => {
    const http = scripted({});
    const adapter = createRtAdapter(config(), { fetch: http.fetch });
    expect(await adapter.getTicket('12; DROP')).toBeNull();
    expect((await rejection(adapter.addNote({ ref: 'r', ticketId: 'abc', text: 'x', internal: true }))).kind).toBe('invalid-request');
    expect(http.seen).toEqual([]);
  });
});
