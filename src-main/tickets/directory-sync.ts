import { z } from 'zod';
import type { Clock } from '../../src-shared/time/clock.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from '../../src-shared/retry/backoff.js';
import { migrate, type Db } from '../storage/database.js';
import type { CallerIndex } from './caller-index.js';
import { PsaError, type PsaAdapter, type PsaPage, type PsaPerson } from './psa.js';
import { messageOf } from '../../src-shared/errors.js';
import { redactText } from './psa-redaction.js';

/**
 * Keeps the local caller index filled from the PSA: pages through
 * listContacts and listMembers, writes each page to the index together with
 * the cursor that follows it (one transaction), so a restart resumes from
 * the saved cursor instead of starting a 100,000-contact sync over.
 *
 * A pass that reaches the last page removes the people it did not see
 * (deleted in the PSA) and records finishedAt; the next pass starts
 * `intervalMinutes` later. Contacts and members are synced independently:
 * a token that may read members but not contacts still fills the coworker
 * directory.
 *
 * Failures: a retryable PsaError (rate limit, outage, timeout) retries the
 * same page after a backoff (the PSA's Retry-After wins). Anything a human
 * must fix (wrong key, missing permission) stops that kind and shows the
 * message in the progress; start() or syncNow() tries again from the saved cursor.
 */

export const SYNC_KINDS = ['contacts', 'members'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];
export type SyncState = 'idle' | 'running' | 'done' | 'error';

export type SyncProgress = {
  kind: SyncKind;
  /** idle: not syncing now (never synced, or stopped mid-pass); done: the last pass completed. */
  state: SyncState;
  itemsDone: number;
  /** When the PSA says how many there are. */
  total?: number | undefined;
  pagesDone: number;
  /** What went wrong, for the technician; set while retrying too. */
  error?: string | undefined;
  /** When a retry after a transient error is due (ms). */
  retryAt?: number | undefined;
  /** When the last complete pass finished (ms). */
  finishedAt?: number | undefined;
};

export type DirectorySyncOptions = {
  db: Db;
  index: CallerIndex;
  adapter: PsaAdapter;
  /** Which PSA instance ("rt:https://rt.example.com"); the index and the progress are kept per key. */
  psaKey: string;
  clock: Clock;
  /** Minutes between the end of a pass and the start of the next. Default 60. */
  intervalMinutes?: number;
  /** A pass longer than this stops with an error (a PSA that never says "last page"). Default 10,000. */
  maxPagesPerPass?: number;
  /** A page that takes longer is aborted and retried. Default 120 s. */
  pageTimeoutMs?: number;
  /** People written per transaction; a bigger page is written in several, yielding between them. Default 200. */
  writeChunk?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  kinds?: readonly SyncKind[];
};

const DEFAULT_INTERVAL_MINUTES = 60;
const DEFAULT_MAX_PAGES = 10_000;
const DEFAULT_PAGE_TIMEOUT_MS = 120_000;
const DEFAULT_WRITE_CHUNK = 200;

const PERSON_KIND: Record<SyncKind, PsaPerson['kind']> = { contacts: 'contact', members: 'member' };
const LABEL: Record<SyncKind, string> = { contacts: 'contacts', members: 'members (coworkers)' };

const MIGRATIONS = [
  {
    id: 'directory-sync-1',
    sql: `CREATE TABLE directory_sync (
      psa_key TEXT NOT NULL,
      kind TEXT NOT NULL,
      state TEXT NOT NULL,
      in_pass INTEGER NOT NULL,
      generation INTEGER NOT NULL,
      cursor TEXT,
      pages_done INTEGER NOT NULL,
      items_done INTEGER NOT NULL,
      total INTEGER,
      started_at INTEGER NOT NULL,
      finished_at INTEGER,
      last_error TEXT,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (psa_key, kind)
    );`,
  },
];

const RowSchema = z.object({
  state: z.enum(['running', 'done', 'error']),
  in_pass: z.number(),
  generation: z.number(),
  cursor: z.string().nullable(),
  pages_done: z.number(),
  items_done: z.number(),
  total: z.number().nullable(),
  started_at: z.number(),
  finished_at: z.number().nullable(),
  last_error: z.string().nullable(),
});
type Row = z.infer<typeof RowSchema>;

type PageOutcome = { ok: true; page: PsaPage<PsaPerson> } | { ok: false; error: PsaError };

/** What one kind's sync is doing in this process (the rest is on disk). */
type Runner = {
  loop: Promise<void> | undefined;
  cancelTimer: (() => void) | undefined;
  inFlight: AbortController | undefined;
  /** Consecutive transient failures of the current page. */
  failures: number;
  retryAt: number | undefined;
};

export class DirectorySync {
  private readonly db: Db;
  private readonly index: CallerIndex;
  private readonly adapter: PsaAdapter;
  private readonly psaKey: string;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly maxPages: number;
  private readonly pageTimeoutMs: number;
  private readonly writeChunk: number;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly kinds: readonly SyncKind[];
  private readonly runners = new Map<SyncKind, Runner>();
  private readonly listeners = new Set<(progress: SyncProgress) => void>();
  private readonly sql;
  private running = false;

  constructor(options: DirectorySyncOptions) {
    this.db = options.db;
    this.index = options.index;
    this.adapter = options.adapter;
    this.psaKey = options.psaKey;
    this.clock = options.clock;
    this.intervalMs = (options.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES) * 60_000;
    this.maxPages = options.maxPagesPerPass ?? DEFAULT_MAX_PAGES;
    this.pageTimeoutMs = options.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS;
    this.writeChunk = Math.max(1, options.writeChunk ?? DEFAULT_WRITE_CHUNK);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.kinds = options.kinds ?? SYNC_KINDS;
    for (const kind of this.kinds) this.runners.set(kind, { loop: undefined, cancelTimer: undefined, inFlight: undefined, failures: 0, retryAt: undefined });
    migrate(this.db, MIGRATIONS);
    this.sql = {
      get: this.db.prepare('SELECT * FROM directory_sync WHERE psa_key = ? AND kind = ?'),
      beginPass: this.db.prepare(
        `INSERT INTO directory_sync (psa_key, kind, state, in_pass, generation, cursor, pages_done, items_done, total, started_at, updated_at)
         VALUES (@psaKey, @kind, 'running', 1, @generation, NULL, 0, 0, NULL, @now, @now)
         ON CONFLICT (psa_key, kind) DO UPDATE SET state = 'running', in_pass = 1, generation = @generation, cursor = NULL,
           pages_done = 0, items_done = 0, total = NULL, started_at = @now, last_error = NULL, updated_at = @now`,
      ),
      resume: this.db.prepare("UPDATE directory_sync SET state = 'running', last_error = NULL, updated_at = @now WHERE psa_key = @psaKey AND kind = @kind"),
      pageDone: this.db.prepare(
        `UPDATE directory_sync SET cursor = @cursor, pages_done = pages_done + 1, items_done = items_done + @items,
           total = COALESCE(@total, total), last_error = NULL, updated_at = @now WHERE psa_key = @psaKey AND kind = @kind`,
      ),
      passDone: this.db.prepare(
        `UPDATE directory_sync SET state = 'done', in_pass = 0, cursor = NULL, finished_at = @now, updated_at = @now
         WHERE psa_key = @psaKey AND kind = @kind`,
      ),
      transientError: this.db.prepare('UPDATE directory_sync SET last_error = @msg, updated_at = @now WHERE psa_key = @psaKey AND kind = @kind'),
      stopped: this.db.prepare(
        `UPDATE directory_sync SET state = 'error', in_pass = @inPass, last_error = @msg, updated_at = @now
         WHERE psa_key = @psaKey AND kind = @kind`,
      ),
    };
  }

  /** Resumes an interrupted pass, or starts one when the last is older than the interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const kind of this.kinds) {
      const row = this.load(kind);
      if (row === undefined || (row.state === 'error' && row.in_pass === 0)) this.beginPass(kind);
      else if (row.in_pass === 1) this.resume(kind);
      else if (this.nextPassAt(row) <= this.now()) this.beginPass(kind);
      else {
        this.armNextPass(kind, row);
        continue;
      }
      this.kick(kind);
    }
  }

  /** Stops syncing: aborts the pages in flight (nothing of them is written) and waits for the loops to end. */
  async stop(): Promise<void> {
    this.running = false;
    for (const runner of this.runners.values()) {
      runner.cancelTimer?.();
      runner.cancelTimer = undefined;
      runner.inFlight?.abort(new PsaError('cancelled', 'The directory sync is stopping.'));
    }
    await Promise.all([...this.runners.values()].map((r) => r.loop));
  }

  /**
   * "Sync now": retries a waiting or stopped kind at once, or starts a new
   * pass when the last one is complete. A pass already running goes on.
   */
  syncNow(kind?: SyncKind): void {
    if (!this.running) return;
    for (const k of kind === undefined ? this.kinds : [kind]) {
      const runner = this.runners.get(k);
      if (runner === undefined || runner.loop !== undefined) continue;
      runner.cancelTimer?.();
      runner.cancelTimer = undefined;
      const row = this.load(k);
      if (row === undefined || row.in_pass === 0) this.beginPass(k);
      else this.resume(k);
      this.kick(k);
    }
  }

  progress(): SyncProgress[] {
    return this.kinds.map((kind) => this.progressOf(kind));
  }

  /** Every change of progress, one kind at a time. Returns an unsubscribe function. */
  onProgress(listener: (progress: SyncProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when no page is being fetched or written (waiting for a timer counts as idle). */
  async idle(): Promise<void> {
    for (;;) {
      const loops = [...this.runners.values()].map((r) => r.loop).filter((l) => l !== undefined);
      if (loops.length === 0) return;
      await Promise.all(loops);
    }
  }

  // ---- the pass --------------------------------------------------------------

  private kick(kind: SyncKind): void {
    const runner = this.runner(kind);
    if (!this.running || runner.loop !== undefined) return;
    runner.retryAt = undefined;
    runner.loop = this.runPass(kind)
      .catch((error: unknown) => {
        try {
          this.stopWithError(kind, `Syncing ${LABEL[kind]} failed: ${messageOf(error)}`, false);
        } catch {
          // The database itself is gone (closing at shutdown): nothing left to record it in.
        }
      })
      .finally(() => {
        runner.loop = undefined;
      });
    this.emit(kind);
  }

  /** Fetches and stores pages until the pass ends, an error stops it, or stop() is called. Bounded by maxPages. */
  private async runPass(kind: SyncKind): Promise<void> {
    const runner = this.runner(kind);
    // Let kick() publish the loop before the first page, so progress says 'running'.
    await Promise.resolve();
    while (this.running) {
      const row = this.load(kind);
      if (row === undefined || row.in_pass === 0) return;
      if (row.pages_done >= this.maxPages) {
        this.stopWithError(
          kind,
          `Stopped syncing ${LABEL[kind]} after ${this.maxPages.toLocaleString('en-US')} pages: ${this.adapter.label} kept returning more (its paging looks broken). What was read so far is in the index; the next sync starts over.`,
          true,
        );
        return;
      }
      const outcome = await this.fetchPage(kind, row.cursor);
      if (!this.running) return; // stopped mid-page: nothing written, the saved cursor still holds
      if (!outcome.ok) {
        this.handleError(kind, outcome.error);
        return;
      }
      if (outcome.page.next !== null && outcome.page.next === row.cursor) {
        this.stopWithError(
          kind,
          `Stopped syncing ${LABEL[kind]}: ${this.adapter.label} returned the same page twice (its paging is stuck). The next sync starts over.`,
          true,
        );
        return;
      }
      await this.storePage(kind, row, outcome.page);
      runner.failures = 0;
      this.emit(kind);
      if (outcome.page.next === null) {
        this.armNextPass(kind, this.load(kind));
        return;
      }
    }
  }

  private async fetchPage(kind: SyncKind, cursor: string | null): Promise<PageOutcome> {
    const runner = this.runner(kind);
    const controller = new AbortController();
    runner.inFlight = controller;
    const seconds = Math.round(this.pageTimeoutMs / 1000);
    const cancelTimeout = this.clock.setTimer(new Date(this.now() + this.pageTimeoutMs), () =>
      controller.abort(new PsaError('timeout', `${this.adapter.label} did not answer a page of ${LABEL[kind]} within ${seconds} s.`)),
    );
    // Race the abort too: an adapter that ignores its signal must not wedge the sync.
    const aborted = new Promise<PageOutcome>((resolve) => {
      controller.signal.addEventListener('abort', () => resolve({ ok: false, error: asPsaError(controller.signal.reason) }));
    });
    const options = { signal: controller.signal };
    // Async wrapper: an adapter that throws instead of rejecting is still an outcome.
    const call = (async () => (kind === 'contacts' ? this.adapter.listContacts(cursor, options) : this.adapter.listMembers(cursor, options)))();
    const fetched = call.then(
      (page): PageOutcome => ({ ok: true, page }),
      (error: unknown): PageOutcome => ({ ok: false, error: asPsaError(error) }),
    );
    try {
      return await Promise.race([fetched, aborted]);
    } finally {
      cancelTimeout();
      runner.inFlight = undefined;
    }
  }

  /**
   * The page's people, then the cursor after it. A big page is written in
   * chunks with a yield between them, so that the main process (which also
   * decides incoming calls) is never blocked for long; the cursor moves only
   * with the last chunk, and upserts are idempotent, so a crash mid-page just
   * rewrites the same people when the page is fetched again.
   */
  private async storePage(kind: SyncKind, row: Row, page: PsaPage<PsaPerson>): Promise<void> {
    // The listing decides the kind: a sweep of contacts must never delete members.
    const people = page.items.map((person) => ({ ...person, kind: PERSON_KIND[kind] }));
    for (let start = 0; start + this.writeChunk < people.length; start += this.writeChunk) {
      this.index.upsertMany(this.psaKey, people.slice(start, start + this.writeChunk), { generation: row.generation, syncedAt: this.now() });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const lastChunk = people.slice(Math.max(0, Math.ceil(people.length / this.writeChunk) - 1) * this.writeChunk);
    const now = this.now();
    this.db.transaction(() => {
      this.index.upsertMany(this.psaKey, lastChunk, { generation: row.generation, syncedAt: now });
      this.sql.pageDone.run({ psaKey: this.psaKey, kind, cursor: page.next, items: people.length, total: page.total ?? null, now });
      if (page.next === null) {
        // A pass that saw nobody at all is far more often a permission or filter
        // problem in the PSA than an empty PSA: keep the index rather than wipe it.
        if (row.items_done + people.length > 0) this.index.removeUnseen(this.psaKey, PERSON_KIND[kind], row.generation);
        this.sql.passDone.run({ psaKey: this.psaKey, kind, now });
      }
    })();
  }

  private handleError(kind: SyncKind, error: PsaError): void {
    const message = `Syncing ${LABEL[kind]} from ${this.adapter.label}: ${error.message}`;
    if (!error.retryable) {
      this.stopWithError(kind, `${message} Fix this in Settings, then choose "Sync now".`, false);
      return;
    }
    const runner = this.runner(kind);
    runner.failures += 1;
    const delay = backoffDelayMs(runner.failures, this.random, error.retryAfterMs, this.backoff);
    const at = this.now() + delay;
    runner.retryAt = at;
    // Stored on disk: a PSA's message is redacted again here, as the outbox's last error is.
    this.sql.transientError.run({ psaKey: this.psaKey, kind, msg: redactText(message), now: this.now() });
    runner.cancelTimer = this.clock.setTimer(new Date(at), () => {
      runner.cancelTimer = undefined;
      this.kick(kind);
    });
    this.emit(kind);
  }

  /** closePass: the saved cursor is useless (stuck paging), so the next try starts a fresh pass. */
  private stopWithError(kind: SyncKind, message: string, closePass: boolean): void {
    this.sql.stopped.run({ psaKey: this.psaKey, kind, msg: redactText(message), inPass: closePass ? 0 : 1, now: this.now() });
    this.runner(kind).retryAt = undefined;
    this.emit(kind);
  }

  // ---- scheduling and state ---------------------------------------------------

  private beginPass(kind: SyncKind): void {
    const previous = Math.max(this.load(kind)?.generation ?? 0, this.index.newestGeneration(this.psaKey, PERSON_KIND[kind]));
    this.sql.beginPass.run({ psaKey: this.psaKey, kind, generation: previous + 1, now: this.now() });
    this.runner(kind).failures = 0;
  }

  private resume(kind: SyncKind): void {
    this.sql.resume.run({ psaKey: this.psaKey, kind, now: this.now() });
    this.runner(kind).failures = 0;
  }

  private nextPassAt(row: Row): number {
    return (row.finished_at ?? row.started_at) + this.intervalMs;
  }

  private armNextPass(kind: SyncKind, row: Row | undefined): void {
    if (!this.running || row === undefined) return;
    const runner = this.runner(kind);
    runner.cancelTimer?.();
    runner.cancelTimer = this.clock.setTimer(new Date(this.nextPassAt(row)), () => {
      runner.cancelTimer = undefined;
      if (!this.running || runner.loop !== undefined) return;
      this.beginPass(kind);
      this.kick(kind);
    });
  }

  private load(kind: SyncKind): Row | undefined {
    const raw = this.sql.get.get(this.psaKey, kind);
    return raw === undefined ? undefined : RowSchema.parse(raw);
  }

  private progressOf(kind: SyncKind): SyncProgress {
    const row = this.load(kind);
    if (row === undefined) return { kind, state: 'idle', itemsDone: 0, pagesDone: 0 };
    const runner = this.runner(kind);
    const busy = this.running && (runner.loop !== undefined || runner.retryAt !== undefined);
    const state: SyncState = row.state === 'running' && !busy ? 'idle' : row.state;
    return {
      kind,
      state,
      itemsDone: row.items_done,
      total: row.total ?? undefined,
      pagesDone: row.pages_done,
      error: row.last_error ?? undefined,
      retryAt: state === 'running' ? runner.retryAt : undefined,
      finishedAt: row.finished_at ?? undefined,
    };
  }

  private runner(kind: SyncKind): Runner {
    const runner = this.runners.get(kind);
    if (runner === undefined) throw new Error(`This directory sync does not sync ${kind}.`);
    return runner;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  /** A listener's bug must not stop the sync. */
  private emit(kind: SyncKind): void {
    const progress = this.progressOf(kind);
    for (const listener of this.listeners) {
      try {
        listener(progress);
      } catch {
        // ignored on purpose: the UI is a viewer.
      }
    }
  }
}

function asPsaError(error: unknown): PsaError {
  if (error instanceof PsaError) return error;
  // Not a PsaError: an adapter bug or a local failure; retry like the outbox does.
  return new PsaError('unavailable', messageOf(error), { cause: error });
}
