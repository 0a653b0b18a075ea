import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handoffKey, Outbox, type Handoff, type HandoffSender, type OutgoingHandoff, type SendResult } from '../../../src-main/handoffs/outbox.js';
import { openDatabase, type Db } from '../../../src-main/storage/database.js';
import { ManualClock } from '../focus/manual-clock.js';

type Step = SendResult | 'hang' | Error;

/** Plays back scripted answers (the last one repeats) and records every call it got. */
class ScriptedSender implements HandoffSender {
  readonly calls: { handoff: OutgoingHandoff; signal: AbortSignal }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly script: Step[]) {}

  async send(handoff: OutgoingHandoff, signal: AbortSignal): Promise<SendResult> {
    this.calls.push({ handoff, signal });
    const step = this.script.length > 1 ? this.script.shift() : this.script[0];
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await Promise.resolve();
      if (step === undefined) throw new Error('script ran out');
      if (step === 'hang') return await new Promise<never>(() => undefined);
      if (step instanceof Error) throw step;
      return step;
    } finally {
      this.inFlight -= 1;
    }
  }

  get keys(): string[] {
    return this.calls.map((c) => c.handoff.idempotencyKey);
  }
}

const OK: SendResult = { ok: true, ticketId: '1042', url: 'https://psa.example/tickets/1042' };
const T0 = '2025-03-04T09:00:00Z';
const dirs: string[] = [];
const dbs: Db[] = [];

function openDb(dir?: string): { db: Db; dir: string } {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'fl-outbox-'));
  if (dir === undefined) dirs.push(folder);
  const db = openDatabase(folder);
  dbs.push(db);
  return { db, dir: folder };
}

function setup(script: Step[], options: { random?: () => number; sendTimeoutMs?: number; dir?: string } = {}) {
  const clock = new ManualClock(T0);
  const sender = new ScriptedSender(script);
  const { db, dir } = openDb(options.dir);
  let n = 0;
  const outbox = new Outbox({
    db,
    clock,
    sender,
    random: options.random ?? (() => 0.5),
    sendTimeoutMs: options.sendTimeoutMs ?? 10_000,
    newId: () => `h${++n}-${Math.random().toString(36).slice(2, 6)}`,
  });
  const changes: Handoff[] = [];
  outbox.onChange((h) => changes.push(h));
  return { clock, sender, db, dir, outbox, changes };
}

/** Moves the fake clock, then lets the send loop settle. */
async function advance(ctx: { clock: ManualClock; outbox: Outbox }, ms: number): Promise<void> {
  ctx.clock.advance(ms);
  await ctx.outbox.idle();
}

const ticket = (summary = 'Printer offline') => ({ summary, company: 'Contoso', contactName: 'Ann' });
const t0 = new Date(T0).getTime();

afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('handoff outbox', () => {
  it('writes a handoff to disk, sends it with its idempotency key, and records the ticket link', async () => {
    const ctx = setup([OK]);
    ctx.outbox.start();
    const queued = ctx.outbox.enqueue({ kind: 'create-ticket', idempotencyKey: handoffKey('create-ticket', 'att-1'), payload: ticket() });
    expect(queued.state).toBe('queued');
    await ctx.outbox.idle();

    expect(ctx.sender.calls).toHaveLength(1);
    expect(ctx.sender.calls[0]?.handoff).toEqual({
      id: queued.id,
      kind: 'create-ticket',
      idempotencyKey: 'create-ticket:att-1',
      payload: ticket(),
      firstTry: true,
    });
    expect(ctx.outbox.get(queued.id)).toMatchObject({
      state: 'sent',
      attempts: 1,
      ticketId: '1042',
      url: 'https://psa.example/tickets/1042',
      sentAt: t0,
      lastError: null,
    });
    expect(ctx.changes.map((h) => h.state)).toEqual(['queued', 'sending', 'sent']);
  });

  it('persists "sending" and the attempt count before the sender is called', async () => {
    const ctx = setup([OK]);
    let seenOnDisk: unknown;
    const spy: HandoffSender = {
      send: async (h, s) => {
        seenOnDisk = ctx.db.prepare('SELECT state, attempts FROM handoffs WHERE id = ?').get(h.id);
        return ctx.sender.send(h, s);
      },
    };
    const outbox = new Outbox({ db: ctx.db, clock: ctx.clock, sender: spy });
    outbox.start();
    outbox.enqueue({ kind: 'add-note', idempotencyKey: 'add-note:1', payload: { text: 'called back' } });
    await outbox.idle();
    expect(seenOnDisk).toEqual({ state: 'sending', attempts: 1 });
  });

  it('retries a 500 with exponential backoff (2 s, then 4 s ceilings, jittered) and then delivers', async () => {
    const fail: SendResult = { ok: false, retry: 'later', message: 'PSA answered 500' };
    const ctx = setup([fail, fail, OK], { random: () => 0.5 });
    ctx.outbox.start();
    const h = ctx.outbox.enqueue({ kind: 'create-ticket', idempotencyKey: 'k1', payload: ticket() });
    await ctx.outbox.idle();

    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: t0 + 1_000, lastError: 'PSA answered 500' });
    await advance(ctx, 999);
    expect(ctx.sender.calls).toHaveLength(1);
    await advance(ctx, 1);
    expect(ctx.sender.calls).toHaveLength(2);
    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'queued', attempts: 2, nextAttemptAt: t0 + 1_000 + 2_000 });
    await advance(ctx, 1_999);
    expect(ctx.sender.calls).toHaveLength(2);
    await advance(ctx, 1);
    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'sent', attempts: 3, lastError: null, nextAttemptAt: null });
    expect(new Set(ctx.sender.keys)).toEqual(new Set(['k1']));
  });

  it("honours a 429's Retry-After instead of its own backoff", async () => {
    const ctx = setup([{ ok: false, retry: 'later', retryAfterMs: 30_000, message: 'Rate limited by the PSA' }, OK], { random: () => 0 });
    ctx.outbox.start();
    const h = ctx.outbox.enqueue({ kind: 'log-attempt', idempotencyKey: 'log-attempt:a7', payload: { callId: 'a7' } });
    await ctx.outbox.idle();
    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'queued', nextAttemptAt: t0 + 30_000, lastError: 'Rate limited by the PSA' });
    await advance(ctx, 29_999);
    expect(ctx.sender.calls).toHaveLength(1);
    await advance(ctx, 1);
    expect(ctx.outbox.get(h.id)?.state).toBe('sent');
  });

  it('stops on a 422 with the message for the tech, and "fix and resend" delivers the corrected payload under the same key', async () => {
    const message = 'The PSA needs a company for a new ticket. Pick the company and resend.';
    const ctx = setup([{ ok: false, retry: 'never', message }, OK]);
    ctx.outbox.start();
    const h = ctx.outbox.enqueue({ kind: 'create-ticket', idempotencyKey: 'create-ticket:att-9', payload: { summary: 'No company' } });
    await ctx.outbox.idle();

    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'failed', lastError: message, nextAttemptAt: null, attempts: 1 });
    await advance(ctx, 3_600_000);
    expect(ctx.sender.calls).toHaveLength(1);
    expect(ctx.clock.pendingTimers).toBe(0);

    const fixed = { summary: 'No company', company: 'Contoso' };
    expect(ctx.outbox.resend(h.id, fixed)).toMatchObject({ state: 'queued', attempts: 0, lastError: null, payload: fixed });
    await ctx.outbox.idle();
    expect(ctx.sender.calls[1]?.handoff).toMatchObject({ idempotencyKey: 'create-ticket:att-9', payload: fixed });
    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'sent', attempts: 1, payload: fixed });
  });

  it('refuses to resend a delivered handoff (that would be a duplicate)', async () => {
    const ctx = setup([OK]);
    ctx.outbox.start();
    const h = ctx.outbox.enqueue({ kind: 'add-note', idempotencyKey: 'n1', payload: { text: 'x' } });
    await ctx.outbox.idle();
    expect(() => ctx.outbox.resend(h.id, { text: 'y' })).toThrow(/already delivered/);
    expect(() => ctx.outbox.resend('nope')).toThrow(/no longer exists/);
  });

  it('dedupes a second enqueue with the same idempotency key', async () => {
    const ctx = setup([OK]);
    ctx.outbox.start();
    const first = ctx.outbox.enqueue({ kind: 'create-ticket', idempotencyKey: 'create-ticket:att-1', payload: ticket('first') });
    const again = ctx.outbox.enqueue({ kind: 'create-ticket', idempotencyKey: 'create-ticket:att-1', payload: ticket('double click') });
    await ctx.outbox.idle();
    const later = ctx.outbox.enqueue({ kind: 'create-ticket', idempotencyKey: 'create-ticket:att-1', payload: ticket('replayed') });

    expect(again.id).toBe(first.id);
    expect(later).toMatchObject({ id: first.id, state: 'sent', payload: ticket('first') });
    expect(ctx.outbox.list()).toHaveLength(1);
    expect(ctx.sender.calls).toHaveLength(1);
  });

  it("after a crash mid-send, start() retries the 'sending' row with the same idempotency key and keeps its attempt count", async () => {
    const crashed = setup(['hang']);
    crashed.outbox.start();
    const h = crashed.outbox.enqueue({ kind: 'create-ticket', idempotencyKey: 'create-ticket:att-3', payload: ticket() });
    await Promise.resolve();
    expect(crashed.outbox.get(h.id)).toMatchObject({ state: 'sending', attempts: 1 });
    // The process "dies" here: no stop(), no result recorded. A new one opens the same file.

    const restarted = setup([OK], { dir: crashed.dir });
    expect(restarted.outbox.get(h.id)?.state).toBe('sending');
    restarted.outbox.start();
    await restarted.outbox.idle();

    expect(restarted.sender.calls.map((c) => c.handoff)).toEqual([
      { id: h.id, kind: 'create-ticket', idempotencyKey: 'create-ticket:att-3', payload: ticket(), firstTry: false },
    ]);
    expect(restarted.outbox.get(h.id)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(restarted.changes[0]).toMatchObject({ state: 'queued', lastError: expect.stringMatching(/same key/) });
  });

  it('aborts a send that outlives the timeout and retries it later with the same key', async () => {
    const ctx = setup(['hang', OK], { sendTimeoutMs: 5_000, random: () => 0.5 });
    ctx.outbox.start();
    const h = ctx.outbox.enqueue({ kind: 'add-note', idempotencyKey: 'n-timeout', payload: { text: 'x' } });
    await Promise.resolve();
    await advance(ctx, 5_000);
    expect(ctx.sender.calls[0]?.signal.aborted).toBe(true);
    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'queued', lastError: expect.stringMatching(/within 5 s/), nextAttemptAt: t0 + 5_000 + 1_000 });
    await advance(ctx, 1_000);
    expect(ctx.outbox.get(h.id)?.state).toBe('sent');
    expect(ctx.sender.keys).toEqual(['n-timeout', 'n-timeout']);
  });

  it('treats a sender that throws as a transient failure', async () => {
    const ctx = setup([new Error('ECONNREFUSED 127.0.0.1:443'), OK]);
    ctx.outbox.start();
    const h = ctx.outbox.enqueue({ kind: 'add-note', idempotencyKey: 'n-throw', payload: {} });
    await ctx.outbox.idle();
    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'queued', lastError: 'Send failed: ECONNREFUSED 127.0.0.1:443' });
    await advance(ctx, 1_000);
    expect(ctx.outbox.get(h.id)?.state).toBe('sent');
  });

  it('keeps what is enqueued while stopped, sends one at a time in order once started', async () => {
    const ctx = setup([OK]);
    const ids = ['a', 'b', 'c'].map((k) => ctx.outbox.enqueue({ kind: 'log-attempt', idempotencyKey: k, payload: { k } }).id);
    await ctx.outbox.idle();
    expect(ctx.sender.calls).toHaveLength(0);
    ctx.outbox.start();
    await ctx.outbox.idle();
    expect(ctx.sender.keys).toEqual(['a', 'b', 'c']);
    expect(ctx.sender.maxInFlight).toBe(1);
    expect(ids.map((id) => ctx.outbox.get(id)?.state)).toEqual(['sent', 'sent', 'sent']);
  });

  it('stop() aborts the send in flight and leaves the handoff queued for the next start', async () => {
    const ctx = setup(['hang']);
    ctx.outbox.start();
    const h = ctx.outbox.enqueue({ kind: 'add-note', idempotencyKey: 'n-stop', payload: {} });
    await Promise.resolve();
    await ctx.outbox.stop();
    expect(ctx.sender.calls[0]?.signal.aborted).toBe(true);
    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'queued', attempts: 1 });
    expect(ctx.clock.pendingTimers).toBe(0);
  });

  it('refuses payloads that would not survive the trip to disk', () => {
    const ctx = setup([OK]);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => ctx.outbox.enqueue({ kind: 'add-note', idempotencyKey: 'bad', payload: circular })).toThrow(/plain JSON/);
    expect(() => ctx.outbox.enqueue({ kind: 'add-note', idempotencyKey: 'bad', payload: undefined })).toThrow(/plain JSON/);
    expect(ctx.outbox.list()).toEqual([]);
  });

  it('rejects a corrupted row read from disk instead of sending garbage', () => {
    const ctx = setup([OK]);
    const h = ctx.outbox.enqueue({ kind: 'add-note', idempotencyKey: 'n', payload: {} });
    ctx.db.prepare("UPDATE handoffs SET kind = 'delete-ticket' WHERE id = ?").run(h.id);
    expect(() => ctx.outbox.get(h.id)).toThrow();
  });
});

describe('firstTry: when an adapter may skip its search-before-create', () => {
  it('is true only for the very first send of a key, never again after a retry or a fix-and-resend', async () => {
    const ctx = setup([{ ok: false, retry: 'later', message: '503' }, { ok: false, retry: 'never', message: 'A company is required.' }, OK]);
    ctx.outbox.start();
    const h = ctx.outbox.enqueue({ kind: 'create-ticket', idempotencyKey: handoffKey('create-ticket', 'a1'), payload: ticket() });
    await ctx.outbox.idle();
    expect(ctx.sender.calls).toHaveLength(1);
    // The retry is due after 1 s (half of the 2 s ceiling); moving further would also fire the send timeout.
    await advance(ctx, 1_500);
    expect(ctx.sender.calls).toHaveLength(2);
    expect(ctx.outbox.get(h.id)).toMatchObject({ state: 'failed' });
    ctx.outbox.resend(h.id, ticket('Printer offline (Contoso)'));
    await ctx.outbox.idle();
    expect(ctx.outbox.get(h.id)?.state).toBe('sent');
    expect(ctx.sender.calls.map((c) => c.handoff.firstTry)).toEqual([true, false, false]);
    await ctx.outbox.stop();
  });

  it('is false after a crash during the first send: that send may have landed', async () => {
    const first = setup(['hang']);
    first.outbox.start();
    first.outbox.enqueue({ kind: 'add-note', idempotencyKey: handoffKey('add-note', 'a2'), payload: { ticketId: '7', text: 'x', internal: true } });
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(first.sender.calls.map((c) => c.handoff.firstTry)).toEqual([true]);
    // The process dies here: no stop(), the row stays 'sending'. A new outbox opens the same folder.
    const second = setup([OK], { dir: first.dir });
    second.outbox.start();
    await second.outbox.idle();
    expect(second.sender.calls.map((c) => c.handoff.firstTry)).toEqual([false]);
    await second.outbox.stop();
  });
});
