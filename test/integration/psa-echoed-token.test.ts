// A PSA that echoes the request's token in its error bodies (a debug proxy, a
// 401 page quoting the header) must not put the token into Focusline's log or
// its database: psa-http redacts what a PSA answers (tickets/psa-redaction.ts)
// and the outbox redacts its last error again. Real services, the real RT
// adapter, a tiny local server; the database's bytes (file and WAL) are searched.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, type Services } from '../../src-main/app/services.js';
import type { CommandName, CommandRequest, CommandResponse, IncomingCall } from '../../src-main/ipc/contract.js';
import { InMemorySecretStore } from '../unit/in-memory-secret-store.js';

const TOKEN = '1-14-0f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** Answers everything with `status`, echoing the Authorization header in the body (text or JSON) and in a cookie. */
async function echoingPsa(status: number) {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    seen.push(auth);
    const body =
      status === 401
        ? `Unauthorized: got Authorization: ${auth}`
        : JSON.stringify({ message: `Internal error while handling "${auth}"`, echo: { token: TOKEN } });
    res.writeHead(status, { 'content-type': status === 401 ? 'text/plain' : 'application/json', 'set-cookie': `session=${TOKEN}` }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const run of cleanup.splice(0).reverse()) await run();
});

describe('a PSA that echoes the token', () => {
  it.each([401, 500])('in a %i body leaves no token in the log or the database', async (status) => {
    const psa = await echoingPsa(status);
    cleanup.push(async () => {
      psa.server.closeAllConnections();
      await new Promise<void>((resolve) => psa.server.close(() => resolve()));
    });
    const dir = await mkdtemp(join(tmpdir(), 'fl-echo-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(join(dir, 'policy', 'managed'), { recursive: true });
    await writeFile(
      join(dir, 'policy', 'managed', 'focusline.json'),
      JSON.stringify({ 'psa.kind': 'rt', 'psa.url': psa.url, 'focus.action': 'busy', 'psa.logAttempts': 'not-rung' }),
    );
    const secrets = new InMemorySecretStore();
    await secrets.set('psa.rt.token', TOKEN);
    const logs: string[] = [];
    const services: Services = await createServices({
      mode: 'web',
      version: '1.0.0',
      dataDir: join(dir, 'data'),
      secrets,
      log: (m) => logs.push(m),
      env: { FOCUSLINE_POLICY_DIR: join(dir, 'policy') },
    });
    cleanup.push(() => services.close());
    const call = async <K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>> => {
      const result = await services.route(name, request);
      if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
      return result.value as CommandResponse<K>;
    };

    const incoming: IncomingCall = {
      callId: `c-echo-${status}`,
      fromUri: 'sip:+15550100101@pbx.example',
      fromUser: '+15550100101',
      displayName: '',
      assertedIdentity: null,
      toUri: 'sip:tech@pbx.example',
    };
    // Held back by Do-not-disturb, so the call is one to make a ticket of.
    await call('focus.dnd', { minutes: 30 });
    services.screenCall(incoming);
    const attempt = (await call('callLog.list', { limit: 50, unhandledOnly: true })).attempts[0];
    if (!attempt) throw new Error('no attempt');
    const created = await call('callLog.createTicket', { attemptId: attempt.id });
    const handoffId = created.handoff?.id;
    await expect
      .poll(async () => (await call('handoffs.list', {})).handoffs.find((h) => h.id === handoffId)?.lastError ?? null, { timeout: 10_000 })
      .not.toBeNull();
    const handoff = (await call('handoffs.list', {})).handoffs.find((h) => h.id === handoffId);
    // The PSA really was sent the token and really echoed it; what Focusline kept says what happened without it.
    expect(psa.seen).toContain(`token ${TOKEN}`);
    expect(handoff?.lastError).toContain('[redacted]');
    expect(handoff?.lastError).toMatch(status === 401 ? /refused the credentials \(401\)/ : /server error \(500\)/);

    await services.close();
    const data = join(dir, 'data');
    for (const name of await readdir(data, { recursive: true })) {
      const bytes = await readFile(join(data, name)).catch(() => undefined);
      if (bytes) expect(bytes.includes(TOKEN), `${name} holds the token`).toBe(false);
    }
    expect(logs.join('\n')).not.toContain(TOKEN);
    expect(logs.join('\n')).not.toContain(TOKEN.slice(-12));
  });
});
