// The outbox survives SIGKILL: a real child process (fixtures/outbox-child.ts,
// see there for how it is built and why) enqueues 20 "create ticket"
// handoffs while the PSA is down, is killed by PID while a create it sent has
// reached the PSA but not been answered, and a second child delivers the rest.
// The fake PSA is idempotent on the key (like a PSA with an external
// reference) and also counts raw requests, so the test can tell "no duplicate
// ticket" apart from "no duplicate request".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { openDatabase } from '../../src-main/storage/database.js';
import { spawnManaged, type ManagedProcess } from '../harness/processes.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CHILD_SOURCE = fileURLToPath(new URL('./fixtures/outbox-child.ts', import.meta.url));
const TOTAL = 20;
const CREATES_BEFORE_KILL = 5;

type Mode = 'down' | 'up' | 'hang-next-create';

/** A PSA stand-in: 503 while down; idempotent creates keyed by Idempotency-Key when up. */
class FakePsa {
  mode: Mode = 'down';
  readonly requestsByMode: Record<Mode, number> = { down: 0, up: 0, 'hang-next-create': 0 };
  readonly tickets = new Map<string, string>();
  duplicatesPrevented = 0;
  readonly hanging: ServerResponse[] = [];
  private server: Server | undefined;
  url = '';

  get rawRequests(): number {
    return Object.values(this.requestsByMode).reduce((a, b) => a + b, 0);
  }

  async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    this.url = `http://127.0.0.1:${address.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for await (const _chunk of req) void _chunk; // drain the body
    this.requestsByMode[this.mode] += 1;
    const key = req.headers['idempotency-key'];
    if (this.mode === 'down') return void res.writeHead(503).end();
    if (typeof key !== 'string' || req.url !== '/tickets') return void res.writeHead(400).end();
    const existing = this.tickets.get(key);
    if (existing !== undefined) {
      this.duplicatesPrevented += 1;
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: existing }));
    }
    const id = String(5000 + this.tickets.size + 1);
    this.tickets.set(key, id);
    // The create is applied, but the answer never leaves: the client can't know it landed.
    if (this.mode === 'hang-next-create' && this.tickets.size > CREATES_BEFORE_KILL) return void this.hanging.push(res);
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
  }

  async close(): Promise<void> {
    for (const res of this.hanging.splice(0)) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

async function waitFor(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Row = { idempotency_key: string; state: string; attempts: number; ticket_id: string | null };

function readRows(dir: string): Row[] {
  const db = openDatabase(dir);
  try {
    return db.prepare('SELECT idempotency_key, state, attempts, ticket_id FROM handoffs ORDER BY rowid').all() as Row[];
  } finally {
    db.close();
  }
}

describe('handoff outbox under SIGKILL', () => {
  const psa = new FakePsa();
  const children: ManagedProcess[] = [];
  let buildDir = '';
  let dataDir = '';
  let childScript = '';

  beforeAll(async () => {
    mkdirSync(join(REPO, '.tmp'), { recursive: true });
    buildDir = mkdtempSync(join(REPO, '.tmp', 'outbox-crash-'));
    dataDir = join(buildDir, 'data');
    await build({
      configFile: false,
      root: REPO,
      logLevel: 'warn',
      build: {
        ssr: CHILD_SOURCE,
        outDir: join(buildDir, 'child'),
        emptyOutDir: true,
        minify: false,
        target: 'node20',
        rolldownOptions: { output: { entryFileNames: 'outbox-child.mjs' } },
      },
    });
    childScript = join(buildDir, 'child', 'outbox-child.mjs');
    await psa.listen();
  });

  afterAll(async () => {
    for (const child of children) await child.stop({ graceMs: 1_000 });
    await psa.close();
    if (buildDir !== '') rmSync(buildDir, { recursive: true, force: true });
  });

  async function startChild(name: string, env: Record<string, string>): Promise<{ proc: ManagedProcess; output: () => string }> {
    let output = '';
    const proc = await spawnManaged({
      name,
      command: process.execPath,
      args: [childScript],
      cwd: REPO,
      env: { ...process.env, OUTBOX_DIR: dataDir, PSA_URL: psa.url, ...env },
      onOutput: (text) => (output += text),
    });
    children.push(proc);
    return { proc, output: () => output };
  }

  it('delivers each of 20 queued handoffs exactly once across a SIGKILL mid-send', async () => {
    // 1. PSA down: the first child queues 20 creates and keeps retrying them.
    const first = await startChild('outbox-child-1', { ENQUEUE: String(TOTAL) });
    await waitFor('the first child to enqueue', () => first.output().includes(`ENQUEUED ${TOTAL}`), 15_000);
    await waitFor('retries against the down PSA', () => psa.requestsByMode.down >= 2 * TOTAL, 15_000);

    // 2. PSA back, but the 6th create is applied and never answered: kill the child right there.
    psa.mode = 'hang-next-create';
    await waitFor('a create to hang in flight', () => psa.hanging.length === 1, 15_000);
    process.kill(first.proc.pid, 'SIGKILL');
    expect(await first.proc.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const afterKill = readRows(dataDir);
    expect(afterKill).toHaveLength(TOTAL);
    expect(afterKill.filter((r) => r.state === 'sent')).toHaveLength(CREATES_BEFORE_KILL);
    const interrupted = afterKill.filter((r) => r.state === 'sending');
    expect(interrupted).toHaveLength(1);
    expect(psa.tickets.has(interrupted[0]?.idempotency_key ?? '')).toBe(true); // it did reach the PSA

    // 3. Restart with the PSA healthy: everything left is delivered, the interrupted one by its old key.
    psa.mode = 'up';
    for (const res of psa.hanging.splice(0)) res.destroy();
    const second = await startChild('outbox-child-2', { EXIT_WHEN_ALL_SENT: '1' });
    const exit = await Promise.race([second.proc.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
    expect(exit, second.proc.log()).toEqual({ code: 0, signal: null });
    expect(second.output()).toContain(`ALL SENT ${TOTAL}`);

    const keys = Array.from({ length: TOTAL }, (_, i) => `create-ticket:attempt-${i + 1}`);
    expect([...psa.tickets.keys()].sort()).toEqual([...keys].sort());
    expect(new Set(psa.tickets.values()).size).toBe(TOTAL);
    expect(psa.duplicatesPrevented).toBeGreaterThanOrEqual(1);

    const final = readRows(dataDir);
    expect(final.map((r) => r.state)).toEqual(Array<string>(TOTAL).fill('sent'));
    for (const row of final) expect(row.ticket_id).toBe(psa.tickets.get(row.idempotency_key));
    const retried = final.find((r) => r.idempotency_key === interrupted[0]?.idempotency_key);
    expect(retried?.attempts).toBeGreaterThan(interrupted[0]?.attempts ?? 0);

    console.log(
      `[outbox-crash] raw requests: ${psa.rawRequests} (down/503: ${psa.requestsByMode.down}, ` +
        `before kill: ${psa.requestsByMode['hang-next-create']}, after restart: ${psa.requestsByMode.up}); ` +
        `tickets created: ${psa.tickets.size}; duplicate creates prevented by the key: ${psa.duplicatesPrevented}`,
    );
  });
});
