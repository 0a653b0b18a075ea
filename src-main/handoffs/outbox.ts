import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../src-shared/time/clock.js';
import { migrate, type Db } from '../storage/database.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../../src-shared/retry/backoff.js';
import { messageOf } from '../../src-shared/errors.js';
import { HANDOFF_KINDS, type HandoffKind } from '../../src-shared/vocabulary.js';
import { redactText } from '../tickets/psa-redaction.js';

/**
 * The durable outbox: every handoff to the PSA (create a ticket, add a note,
 * log a contact attempt, escalate a ticket) is written to disk first and sent afterwards, so a
 * crash, a PSA outage or a rate limit never loses one and never sends one
 * twice under a different key.
 *
 * Row states:  queued -> sending -> sent
 *                                 -> queued  (retry at next_attempt_at)
 *                                 -> failed  (a human must fix it; resend() re-queues)
 * 'sending' is written, with the attempt counted, before the sender is
 * called. A 'sending' row found at start() may have reached the PSA before
 * the crash, so it goes back to 'queued' with the SAME idempotency key: the
 * adapter's search-before-create / external reference turns it into a no-op.
 */

export { HANDOFF_KINDS, type HandoffKind };
export const HANDOFF_STATES = ['queued', 'sending', 'sent', 'failed'] as const;
export type HandoffState = (typeof HANDOFF_STATES)[number];

/**
 * What the sender port receives: enough for an adapter to be idempotent.
 * `firstTry`: no earlier send of this key ever started (not even one a crash
 * or a resend wiped from view), so nothing can exist in the PSA yet and the
 * adapter may skip its search-before-create.
 */
export type OutgoingHandoff = { id: string; kind: HandoffKind; idempotencyKey: string; payload: unknown; firstTry: boolean };

export type SendResult =
  | { ok: true; ticketId?: string; url?: string }
  /** Transient (5xx, 429, network, timeout): the outbox retries with backoff; retryAfterMs (from Retry-After) wins. */
  | { ok: false; retry: 'later'; retryAfterMs?: number; message: string }
  /** A human must act (400/422 missing field, 401/403 credentials, 404). message says what happened and what to do. */
  | { ok: false; retry: 'never'; message: string };

/** The port a PSA adapter implements. It must honour `signal` and should never throw (a throw counts as 'later'). */
export interface HandoffSender {
  send(handoff: OutgoingHandoff, signal: AbortSignal): Promise<SendResult>;
}

const JsonSchema = z.json();

/** A handoff as the UI sees it (validated on every read from disk). */
export const HandoffSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(HANDOFF_KINDS),
  idempotencyKey: z.string().min(1),
  payload: JsonSchema,
  state: z.enum(HANDOFF_STATES),
  /** Sends started for this payload (reset by resend). */
  attempts: z.number().int().nonnegative(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** When the next try is due; null unless queued. */
  nextAttemptAt: z.number().int().nullable(),
  /** Why the last try didn't land (failed: what the tech must fix). */
  lastError: z.string().nullable(),
  ticketId: z.string().nullable(),
  url: z.string().nullable(),
  sentAt: z.number().int().nullable(),
});
export type Handoff = z.infer<typeof HandoffSchema>;

export type NewHandoff = { kind: HandoffKind; idempotencyKey: string; payload: unknown };

/** A stable key for "this kind of handoff about this source" (e.g. a contact attempt's id). */
export function handoffKey(kind: HandoffKind, sourceId: string): string {
  return `${kind}:${sourceId}`;
}

export type OutboxOptions = {
  db: Db;
  clock: Clock;
  sender: HandoffSender;
  /** A send that takes longer is aborted and retried later (same key). */
  sendTimeoutMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  newId?: () => string;
};

const DEFAULT_SEND_TIMEOUT_MS = 30_000;
const INTERRUPTED = 'Focusline stopped while this was being sent; it will be resent with the same key, so no duplicate is created.';

const MIGRATIONS = [
  {
    id: 'handoffs-1',
    sql: `CREATE TABLE handoffs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      idempotency_key TEXT NOT NULL UNIQUE,
      payload TEXT NOT NULL,
      state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      next_attempt_at INTEGER,
      last_error TEXT,
      ticket_id TEXT,
      url TEXT,
      sent_at INTEGER
    );
    CREATE INDEX handoffs_due ON handoffs (state, next_attempt_at);`,
  },
  {
    // Every send ever started, never reset (attempts is reset by "fix and resend" so backoff starts small again).
    id: 'handoffs-2',
    sql: `ALTER TABLE handoffs ADD COLUMN sends_started INTEGER NOT NULL DEFAULT 0;
      -- attempts was reset by "fix and resend", so a row that was ever touched counts one more send than it shows.
      UPDATE handoffs SET sends_started = CASE WHEN attempts > 0 OR updated_at > created_at THEN attempts + 1 ELSE 0 END;`,
  },
];

const RowSchema = z.object({
  id: z.string(),
  kind: z.string(),
  idempotency_key: z.string(),
  payload: z.string(),
  state: z.string(),
  attempts: z.number(),
  created_at: z.number(),
  updated_at: z.number(),
  next_attempt_at: z.number().nullable(),
  last_error: z.string().nullable(),
  ticket_id: z.string().nullable(),
  url: z.string().nullable(),
  sent_at: z.number().nullable(),
});

function fromRow(raw: unknown): Handoff {
  const r = RowSchema.parse(raw);
  return HandoffSchema.parse({
    id: r.id,
    kind: r.kind,
    idempotencyKey: r.idempotency_key,
    payload: JSON.parse(r.payload) as unknown,
    state: r.state,
    attempts: r.attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    ticketId: r.ticket_id,
    url: r.url,
    sentAt: r.sent_at,
  });
}

/** Payloads go to disk as JSON; refuse what wouldn't survive the round trip. */
function serialisePayload(payload: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch {
    text = undefined; // circular or BigInt
  }
  // Round-trip, then validate what will actually be read back from disk.
  if (text === undefined || !JsonSchema.safeParse(JSON.parse(text)).success) {
    throw new Error('A handoff payload must be plain JSON (objects, arrays, strings, numbers, booleans, null).');
  }
  return text;
}

function errorMessage(error: unknown): string {
  return messageOf(error);
}

export class Outbox {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly sender: HandoffSender;
  private readonly sendTimeoutMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly newId: () => string;
  private readonly listeners = new Set<(handoff: Handoff) => void>();
  private readonly sql;

  private running = false;
  /** Set when there may be due work the loop hasn't seen yet. */
  private dirty = false;
  private loop: Promise<void> | undefined;
  private cancelTimer: (() => void) | undefined;
  private inFlight: AbortController | undefined;

  constructor(options: OutboxOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.sender = options.sender;
    this.sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.newId = options.newId ?? randomUUID;
    migrate(this.db, MIGRATIONS);
    this.sql = {
      insert: this.db.prepare(
        `INSERT INTO handoffs (id, kind, idempotency_key, payload, state, attempts, created_at, updated_at, next_attempt_at)
         VALUES (@id, @kind, @key, @payload, 'queued', 0, @now, @now, @now)
         ON CONFLICT (idempotency_key) DO NOTHING`,
      ),
      byId: this.db.prepare('SELECT * FROM handoffs WHERE id = ?'),
      sendsStarted: this.db.prepare('SELECT sends_started FROM handoffs WHERE id = ?').pluck(),
      byKey: this.db.prepare('SELECT * FROM handoffs WHERE idempotency_key = ?'),
      all: this.db.prepare('SELECT * FROM handoffs ORDER BY created_at, rowid'),
      nextDue: this.db.prepare("SELECT * FROM handoffs WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at, rowid LIMIT 1"),
      earliest: this.db.prepare("SELECT MIN(next_attempt_at) FROM handoffs WHERE state = 'queued'").pluck(),
      recover: this.db.prepare("UPDATE handoffs SET state = 'queued', next_attempt_at = @now, updated_at = @now, last_error = @msg WHERE state = 'sending'"),
      markSending: this.db.prepare(
        "UPDATE handoffs SET state = 'sending', attempts = attempts + 1, sends_started = sends_started + 1, next_attempt_at = NULL, updated_at = @now WHERE id = @id AND state = 'queued'",
      ),
      markSent: this.db.prepare(
        `UPDATE handoffs SET state = 'sent', sent_at = @now, updated_at = @now, ticket_id = @ticketId, url = @url,
           last_error = NULL, next_attempt_at = NULL WHERE id = @id`,
      ),
      markRetry: this.db.prepare("UPDATE handoffs SET state = 'queued', next_attempt_at = @at, last_error = @msg, updated_at = @now WHERE id = @id"),
      markFailed: this.db.prepare("UPDATE handoffs SET state = 'failed', next_attempt_at = NULL, last_error = @msg, updated_at = @now WHERE id = @id"),
      wake: this.db.prepare("UPDATE handoffs SET next_attempt_at = @now WHERE state = 'queued' AND next_attempt_at > @now"),
      requeue: this.db.prepare(
        `UPDATE handoffs SET state = 'queued', payload = @payload, attempts = @attempts, next_attempt_at = @now,
           last_error = NULL, updated_at = @now WHERE id = @id`,
      ),
    };
  }

  /**
   * Writes the handoff to disk (durable when this returns) and wakes the
   * sender. The same idempotency key twice returns the existing handoff
   * untouched: a double click or a replayed command can't make two tickets.
   */
  enqueue(input: NewHandoff): Handoff {
    const kind = z.enum(HANDOFF_KINDS).parse(input.kind);
    const key = z.string().min(1).parse(input.idempotencyKey);
    const payload = serialisePayload(input.payload);
    const now = this.now();
    const inserted = this.sql.insert.run({ id: this.newId(), kind, key, payload, now }).changes === 1;
    const handoff = fromRow(this.sql.byKey.get(key));
    if (inserted) {
      this.emit(handoff);
      this.kick();
    }
    return handoff;
  }

  /** Recovers interrupted sends, then delivers what is due. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const recovered = this.db.transaction(() => {
      const ids = this.db.prepare("SELECT id FROM handoffs WHERE state = 'sending'").pluck().all() as string[];
      this.sql.recover.run({ now: this.now(), msg: INTERRUPTED });
      return ids;
    })();
    for (const id of recovered) this.emitId(id);
    this.kick();
  }

  /** Stops sending: aborts the send in flight (it will be retried, same key) and waits for the loop to settle. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.inFlight?.abort(new Error('The outbox is stopping.'));
    await this.loop;
  }

  list(): Handoff[] {
    return this.sql.all.all().map(fromRow);
  }

  get(id: string): Handoff | undefined {
    const row = this.sql.byId.get(id);
    return row === undefined ? undefined : fromRow(row);
  }

  /**
   * "Fix and resend": a failed handoff (optionally with the tech's corrected
   * payload) goes back to the queue, due now, with its original idempotency
   * key. A queued one is simply brought forward ("retry now").
   */
  resend(id: string, newPayload?: unknown): Handoff {
    const current = this.get(id);
    if (current === undefined) throw new Error('That handoff no longer exists.');
    if (current.state === 'sending') throw new Error('This handoff is being sent right now; wait for the result before resending.');
    if (current.state === 'sent') throw new Error('This handoff was already delivered; resending it would create a duplicate.');
    const payload = newPayload === undefined ? JSON.stringify(current.payload) : serialisePayload(newPayload);
    // A corrected payload starts a fresh series of tries, so its backoff starts small again.
    const attempts = current.state === 'failed' ? 0 : current.attempts;
    this.sql.requeue.run({ id, payload, attempts, now: this.now() });
    const requeued = this.mustGet(id);
    this.emit(requeued);
    this.kick();
    return requeued;
  }

  /**
   * Everything queued is due now (the PSA was just connected or came back):
   * waiting out a long backoff would leave the tech's tickets unsent for no reason.
   */
  wake(): void {
    const changed = this.sql.wake.run({ now: this.now() }).changes;
    if (changed > 0) this.kick();
  }

  /** Every state change, one handoff at a time. Returns an unsubscribe function. */
  onChange(listener: (handoff: Handoff) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when the loop has nothing due right now (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.loop !== undefined) await this.loop;
  }

  // ---- the send loop -------------------------------------------------------

  /** Single-flight: at most one loop, and it re-checks the table when woken during a send. */
  private kick(): void {
    if (!this.running) return;
    this.dirty = true;
    if (this.loop !== undefined) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.loop = this.drain().finally(() => {
      this.loop = undefined;
      // Woken between the last check and finishing: go round again.
      if (this.running && this.dirty) this.kick();
      else this.armTimer();
    });
  }

  private async drain(): Promise<void> {
    while (this.running) {
      this.dirty = false;
      const due = this.sql.nextDue.get(this.now());
      if (due === undefined) return;
      // Not claimed (changed under us): stop rather than spin on the same row; finally re-arms.
      if (!(await this.deliver(fromRow(due)))) return;
    }
  }

  /** Sleeps until the earliest queued handoff is due. */
  private armTimer(): void {
    if (!this.running) return;
    const at = z
      .number()
      .nullable()
      .parse(this.sql.earliest.get() ?? null);
    if (at === null) return;
    this.cancelTimer = this.clock.setTimer(new Date(at), () => {
      this.cancelTimer = undefined;
      this.kick();
    });
  }

  /** One send, start to finish. False if the row could not be claimed. */
  private async deliver(handoff: Handoff): Promise<boolean> {
    // Persist before calling out: if we die during the send, start() knows it may have landed.
    if (this.sql.markSending.run({ id: handoff.id, now: this.now() }).changes !== 1) return false;
    const sending = this.mustGet(handoff.id);
    this.emit(sending);
    const result = await this.sendWithTimeout(sending);
    this.record(sending, result);
    return true;
  }

  private async sendWithTimeout(handoff: Handoff): Promise<SendResult> {
    const controller = new AbortController();
    this.inFlight = controller;
    const cancelTimeout = this.clock.setTimer(new Date(this.now() + this.sendTimeoutMs), () =>
      controller.abort(new Error(`No answer from the PSA within ${Math.round(this.sendTimeoutMs / 1000)} s.`)),
    );
    // Race the abort too: a sender that ignores its signal must not wedge the queue.
    const aborted = new Promise<SendResult>((resolve) => {
      controller.signal.addEventListener('abort', () =>
        resolve({ ok: false, retry: 'later', message: `Send interrupted: ${errorMessage(controller.signal.reason)}` }),
      );
    });
    const firstTry = z.number().parse(this.sql.sendsStarted.get(handoff.id)) === 1;
    const outgoing: OutgoingHandoff = { id: handoff.id, kind: handoff.kind, idempotencyKey: handoff.idempotencyKey, payload: handoff.payload, firstTry };
    try {
      return await Promise.race([this.sender.send(outgoing, controller.signal), aborted]);
    } catch (error) {
      return { ok: false, retry: 'later', message: `Send failed: ${errorMessage(error)}` };
    } finally {
      cancelTimeout();
      this.inFlight = undefined;
    }
  }

  private record(handoff: Handoff, result: SendResult): void {
    const now = this.now();
    if (result.ok) {
      this.sql.markSent.run({ id: handoff.id, now, ticketId: result.ticketId ?? null, url: result.url ?? null });
      this.emitId(handoff.id);
      return;
    }
    // The last error is kept on disk and shown; psa-http already hid the credentials it sent, and
    // this catches any a sender's own message carries (a thrown error quoting a header, a token in prose).
    const msg = redactText(result.message);
    if (result.retry === 'never') {
      this.sql.markFailed.run({ id: handoff.id, now, msg });
    } else {
      const delay = backoffDelayMs(handoff.attempts, this.random, result.retryAfterMs, this.backoff);
      this.sql.markRetry.run({ id: handoff.id, now, at: now + delay, msg });
    }
    this.emitId(handoff.id);
  }

  // ---- small helpers -------------------------------------------------------

  private now(): number {
    return this.clock.now().getTime();
  }

  private mustGet(id: string): Handoff {
    const handoff = this.get(id);
    if (handoff === undefined) throw new Error(`handoff ${id} vanished`);
    return handoff;
  }

  private emitId(id: string): void {
    const handoff = this.get(id);
    if (handoff !== undefined) this.emit(handoff);
  }

  /** A listener's bug must not break delivery. */
  private emit(handoff: Handoff): void {
    for (const listener of this.listeners) {
      try {
        listener(handoff);
      } catch {
        // ignored on purpose: the UI is a viewer, the outbox keeps going.
      }
    }
  }
}
