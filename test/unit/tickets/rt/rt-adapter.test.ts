// The RT adapter's request shape and error handling with a scripted fetch
// (the live behaviour is in test/integration/psa-rt.test.ts).
import { describe, expect, it } from 'vitest';
import type { RtConfig } from '../../../../src-main/tickets/psa-config.js';
import { PsaError } from '../../../../src-main/tickets/psa.js';
import { createRtAdapter } from '../../../../src-main/tickets/rt/rt-adapter.js';

const TOKEN = '1-27-6128747512d09df857a6a344fcedcae8';

function config(overrides: Partial<RtConfig> = {}): RtConfig {
  return {
    kind: 'rt',
    url: 'https://rt.example.com/rt/',
    token: TOKEN,
    workingStatuses: [],
    queue: '',
    unknownCallerCompany: '',
    stopwatchMinSeconds: 0,
    timeoutMs: 5_000,
    ...overrides,
  };
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

/** Answers by method and path: what an RT of a given version would say. */
function routed(routes: Record<string, unknown>): { seen: string[]; fetch: (input: string | URL, init?: RequestInit) => Promise<Response> } {
  const seen: string[] = [];
  return {
    seen,
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const key = `${init?.method ?? 'GET'} ${url.pathname.replace('/rt/REST/2.0', '')}`;
      seen.push(key);
      const body = routes[key];
      if (body === undefined) return new Response('{"message":"Not Found"}', { status: 404, headers: { 'content-type': 'application/json' } });
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    },
  };
}

const page = (items: unknown[]): unknown => ({ count: items.length, page: 1, per_page: 100, total: items.length, pages: 1, items });

describe('RT coworkers (the live RT, with the CVE-2026-108353 fix, is in psa-rt.test.ts)', () => {
  it('reads RT’s Privileged group where REST2 still shows system groups (RT before the fix)', async () => {
    const http = routed({
      'POST /groups': page([{ id: 4, Name: 'Privileged', Domain: 'SystemInternal' }]),
      'GET /group/4': {
        id: 4,
        Name: 'Privileged',
        Members: [
          { type: 'user', id: 'tech1' },
          { type: 'user', id: 'sam' },
        ],
      },
      'POST /users': page([
        { id: 'tech1', Name: 'tech1', RealName: 'Tech One' },
        { id: 'sam', Name: 'sam', RealName: 'Sam Okafor' },
      ]),
    });
    const members = await createRtAdapter(config(), { fetch: http.fetch }).listMembers(null);
    expect(members.items.map((p) => p.name)).toEqual(['Tech One', 'Sam Okafor']);
    expect(http.seen).toEqual(['POST /groups', 'GET /group/4', 'POST /users']);
  });

  it('takes a user-defined group that happens to be called “Privileged” for what it is, and reads the tech’s own groups, keeping RT staff only', async () => {
    const http = routed({
      'POST /groups': page([{ id: 40, Name: 'Privileged', Domain: 'UserDefined' }]),
      'GET /user/27': {
        id: 27,
        Name: 'tech1',
        Memberships: [
          { type: 'group', id: '41' },
          { type: 'group', id: '44' },
        ],
      },
      'GET /group/41': {
        id: 41,
        Name: 'Technicians',
        Members: [
          { type: 'user', id: 'tech1' },
          { type: 'group', id: '42' },
          { type: 'group', id: '43' },
        ],
      },
      'GET /group/42': {
        id: 42,
        Name: 'Night shift',
        Members: [
          { type: 'user', id: 'sam' },
          { type: 'group', id: '41' },
        ],
      },
      // An "everyone" group with a customer in it: the customer is no coworker.
      'GET /group/44': {
        id: 44,
        Name: 'Everyone',
        Members: [
          { type: 'user', id: 'tech1' },
          { type: 'user', id: 'alice@acme.example' },
        ],
      },
      'GET /user/tech1': { Name: 'tech1', Privileged: 1 },
      'GET /user/sam': { Name: 'sam', Privileged: 1 },
      'GET /user/alice@acme.example': { Name: 'alice@acme.example', Privileged: 0 },
      'POST /users': page([
        { id: 'tech1', Name: 'tech1', RealName: 'Tech One' },
        { id: 'sam', Name: 'sam', RealName: 'Sam Okafor' },
      ]),
    });
    const logged: string[] = [];
    const members = await createRtAdapter(config(), { fetch: http.fetch, log: (m) => logged.push(m) }).listMembers(null);
    expect(members.items.map((p) => p.name)).toEqual(['Tech One', 'Sam Okafor']);
    expect(members.total).toBe(2);
    // The nested group's link back to the first is followed once, not forever; group 43 can't be read (404 here) and is left out, said so.
    expect(http.seen.filter((r) => r.startsWith('GET /group/'))).toEqual(['GET /group/41', 'GET /group/44', 'GET /group/42', 'GET /group/43']);
    expect(logged.some((m) => m.includes('43') && m.includes('SeeGroup'))).toBe(true);
  });
});
