import { z } from 'zod';
import { CallActionSchema } from '../../src-shared/vocabulary.js';
import { migrate, type Db } from '../storage/database.js';

/**
 * Every contact attempt: who called, when, which rule decided, what was done,
 * on which ticket, and whether the tech has handled it since. Written in the
 * same step as the decision, so an attempt is on disk before the caller hears
 * anything.
 */
export const ContactAttemptSchema = z.object({
  id: z.string(),
  at: z.number().int(),
  callId: z.string(),
  callerUri: z.string(),
  callerKey: z.string(),
  callerName: z.string(),
  rule: z.string(),
  action: CallActionSchema,
  target: z.string(),
  reason: z.string(),
  ticketId: z.string().nullable(),
  repeatCaller: z.boolean(),
  matchedName: z.string(),
  /** null while open; how the tech dealt with it otherwise. */
  handled: z.enum(['answered', 'ticket-created', 'called-back', 'dismissed', 'note-added']).nullable(),
  handledAt: z.number().int().nullable(),
  /** Callbacks are due the same day. */
  callbackDueAt: z.number().int().nullable(),
  /** It rang, but nobody answered. */
  missed: z.boolean(),
});
export type ContactAttempt = z.infer<typeof ContactAttemptSchema>;

/** What a report (Insights) reads of an attempt: the facts, not the reason texts and targets. */
export const AttemptFactsSchema = ContactAttemptSchema.pick({
  id: true,
  at: true,
  callerUri: true,
  callerKey: true,
  callerName: true,
  rule: true,
  action: true,
  repeatCaller: true,
  handled: true,
  handledAt: true,
  callbackDueAt: true,
  missed: true,
});
export type AttemptFacts = z.infer<typeof AttemptFactsSchema>;
export type RepeatCallerRow = { callerKey: string; callerName: string; attempts: number; suppressed: number; firstAt: number; lastAt: number };
export type NewContactAttempt = Omit<ContactAttempt, 'handled' | 'handledAt' | 'missed'>;

const MIGRATIONS = [
  {
    id: 'call-log-1',
    sql: `CREATE TABLE contact_attempts (
      id TEXT PRIMARY KEY,
      at INTEGER NOT NULL,
      call_id TEXT NOT NULL,
      caller_uri TEXT NOT NULL,
      caller_key TEXT NOT NULL,
      caller_name TEXT NOT NULL,
      rule TEXT NOT NULL,
      action TEXT NOT NULL,
      target TEXT NOT NULL,
      reason TEXT NOT NULL,
      ticket_id TEXT,
      repeat_caller INTEGER NOT NULL,
      matched_name TEXT NOT NULL,
      handled TEXT,
      handled_at INTEGER,
      callback_due_at INTEGER,
      missed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX contact_attempts_caller_at ON contact_attempts (caller_key, at);
    CREATE INDEX contact_attempts_at ON contact_attempts (at);`,
  },
];

type Row = {
  id: string;
  at: number;
  call_id: string;
  caller_uri: string;
  caller_key: string;
  caller_name: string;
  rule: string;
  action: string;
  target: string;
  reason: string;
  ticket_id: string | null;
  repeat_caller: number;
  matched_name: string;
  handled: string | null;
  handled_at: number | null;
  callback_due_at: number | null;
  missed: number;
};

function fromRow(r: Row): ContactAttempt {
  return ContactAttemptSchema.parse({
    id: r.id,
    at: r.at,
    callId: r.call_id,
    callerUri: r.caller_uri,
    callerKey: r.caller_key,
    callerName: r.caller_name,
    rule: r.rule,
    action: r.action,
    target: r.target,
    reason: r.reason,
    ticketId: r.ticket_id,
    repeatCaller: r.repeat_caller === 1,
    matchedName: r.matched_name,
    handled: r.handled,
    handledAt: r.handled_at,
    callbackDueAt: r.callback_due_at,
    missed: r.missed === 1,
  });
}

/**
 * Rows are written in batches: every attempt recorded in one turn of the
 * event loop goes to disk in ONE transaction (one WAL fsync) at the end of
 * that turn, and `written()` tells the phone when it may answer the caller.
 * A call storm costs a commit per burst instead of one per INVITE, and the
 * phone still never answers a call whose attempt isn't on disk. Until a row
 * is written, the reads the decision needs (attemptTimes, forCall) see it
 * in memory; every other read writes what is pending first.
 */
export class CallLog {
  private pending: NewContactAttempt[] = [];
  private flushTimer: ReturnType<typeof setImmediate> | undefined;
  /** The retry after a failed write: a Timeout, never to be passed to clearImmediate (that corrupts Node's immediate queue). */
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private waiters: (() => void)[] = [];
  /** Why the last write failed (disk full, folder gone); the rows stay pending and are tried again. */
  lastWriteError: string | null = null;
  private readonly insert;
  private readonly byCallerSince;
  private readonly recent;
  private readonly open;
  private readonly between;
  private readonly factsBetween;
  private readonly setHandled;
  private readonly byId;
  private readonly byCallId;
  private readonly setMissed;

  constructor(
    private readonly db: Db,
    private readonly onWriteError: (message: string) => void = () => {},
  ) {
    migrate(db, MIGRATIONS);
    this.insert = db.prepare(
      `INSERT INTO contact_attempts (id, at, call_id, caller_uri, caller_key, caller_name, rule, action, target, reason, ticket_id, repeat_caller, matched_name, handled, handled_at, callback_due_at)
       VALUES (@id, @at, @callId, @callerUri, @callerKey, @callerName, @rule, @action, @target, @reason, @ticketId, @repeatCaller, @matchedName, NULL, NULL, @callbackDueAt)`,
    );
    this.byCallerSince = db.prepare('SELECT at FROM contact_attempts WHERE caller_key = ? AND at >= ? ORDER BY at').pluck();
    this.recent = db.prepare('SELECT * FROM contact_attempts ORDER BY at DESC LIMIT ?');
    this.open = db.prepare("SELECT * FROM contact_attempts WHERE handled IS NULL AND (action != 'ring' OR missed = 1) ORDER BY at DESC LIMIT ?");
    this.between = db.prepare('SELECT * FROM contact_attempts WHERE at >= ? AND at < ? ORDER BY at');
    this.factsBetween = db.prepare(
      `SELECT id, at, caller_uri AS callerUri, caller_key AS callerKey, caller_name AS callerName, rule, action,
         repeat_caller AS repeatCaller, handled, handled_at AS handledAt, callback_due_at AS callbackDueAt, missed
       FROM contact_attempts WHERE at >= ? AND at < ? ORDER BY at`,
    );
    this.setHandled = db.prepare('UPDATE contact_attempts SET handled = ?, handled_at = ? WHERE id = ?');
    this.byId = db.prepare('SELECT * FROM contact_attempts WHERE id = ?');
    this.byCallId = db.prepare('SELECT * FROM contact_attempts WHERE call_id = ? ORDER BY at DESC LIMIT 1');
    this.setMissed = db.prepare('UPDATE contact_attempts SET missed = 1 WHERE id = ?');
  }

  /** Queues the attempt for this turn's transaction (see the class comment). */
  record(attempt: NewContactAttempt): ContactAttempt {
    this.pending.push(attempt);
    if (this.retryTimer === undefined) this.flushTimer ??= setImmediate(() => this.flush());
    return { ...attempt, handled: null, handledAt: null, missed: false };
  }

  /** Resolves once every attempt recorded so far is on disk (or its write failed and was logged). */
  written(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Writes what is pending now, in one transaction. */
  flush(): void {
    if (this.flushTimer !== undefined) clearImmediate(this.flushTimer);
    clearTimeout(this.retryTimer);
    this.flushTimer = undefined;
    this.retryTimer = undefined;
    const rows = this.pending;
    if (rows.length > 0) {
      try {
        this.db.transaction(() => {
          for (const attempt of rows) this.insert.run({ ...attempt, repeatCaller: attempt.repeatCaller ? 1 : 0 });
        })();
        this.pending = [];
        this.lastWriteError = null;
      } catch (error) {
        // Kept, and tried again shortly: a full disk must not lose the rows, nor stall the phone's answers.
        this.lastWriteError = error instanceof Error ? error.message : String(error);
        this.onWriteError(`Could not write ${rows.length} call-log row(s); trying again: ${this.lastWriteError}`);
        this.retryTimer = setTimeout(() => this.flush(), 1_000);
      }
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Earlier attempts by this caller since `sinceMs`, for the repeat-caller window (pending ones included). */
  attemptTimes(callerKey: string, sinceMs: number): number[] {
    const written = this.byCallerSince.all(callerKey, sinceMs) as number[];
    const queued = this.pending.filter((a) => a.callerKey === callerKey && a.at >= sinceMs).map((a) => a.at);
    return queued.length === 0 ? written : [...written, ...queued].sort((a, b) => a - b);
  }

  list(limit: number): ContactAttempt[] {
    this.flush();
    return (this.recent.all(limit) as Row[]).map(fromRow);
  }

  /** Calls that didn't ring and that nobody has dealt with yet, newest first. */
  unhandled(limit: number): ContactAttempt[] {
    this.flush();
    return (this.open.all(limit) as Row[]).map(fromRow);
  }

  inRange(fromMs: number, toMs: number): ContactAttempt[] {
    this.flush();
    return (this.between.all(fromMs, toMs) as Row[]).map(fromRow);
  }

  /** The attempts of [fromMs, toMs) with only the columns a report needs: a year's log without its texts. */
  factsInRange(fromMs: number, toMs: number): AttemptFacts[] {
    this.flush();
    const rows = this.factsBetween.all(fromMs, toMs) as (Omit<AttemptFacts, 'repeatCaller' | 'missed'> & { repeatCaller: number; missed: number })[];
    return rows.map((r) => AttemptFactsSchema.parse({ ...r, repeatCaller: r.repeatCaller === 1, missed: r.missed === 1 }));
  }

  get(id: string): ContactAttempt | undefined {
    this.flush();
    const row = this.byId.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /**
   * The repeat-caller report for managers: callers flagged at least once in
   * the period, with all their attempts in it. Calling ten extensions never
   * buys a ring, but the manager should see who is trying that hard.
   */
  repeatCallers(fromMs: number, toMs: number): RepeatCallerRow[] {
    this.flush();
    const rows = this.db
      .prepare(
        `SELECT caller_key AS callerKey, MAX(caller_name) AS callerName, COUNT(*) AS attempts,
                SUM(CASE WHEN action = 'ring' THEN 0 ELSE 1 END) AS suppressed,
                MIN(at) AS firstAt, MAX(at) AS lastAt
           FROM contact_attempts
          WHERE at >= ? AND at < ?
            AND caller_key IN (SELECT DISTINCT caller_key FROM contact_attempts WHERE repeat_caller = 1 AND at >= ? AND at < ?)
          GROUP BY caller_key
          ORDER BY attempts DESC, lastAt DESC`,
      )
      .all(fromMs, toMs, fromMs, toMs) as RepeatCallerRow[];
    return rows;
  }

  /** The latest attempt for a SIP Call-ID: how the phone's outcome finds its log row. */
  forCall(callId: string): ContactAttempt | undefined {
    this.flush();
    const row = this.byCallId.get(callId) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The phone rang it after all (no decision in time): the row must say what really happened. */
  correctToFallback(id: string, reason: string): void {
    this.flush();
    this.db.prepare("UPDATE contact_attempts SET action = 'ring', rule = 'fallback', target = '', reason = ? WHERE id = ?").run(reason, id);
  }

  /** The decision's action could not be carried out (Focusline's voicemail could not take the call): the row says where it went instead. */
  reroute(id: string, action: ContactAttempt['action'], target: string, reason: string): void {
    this.flush();
    this.db.prepare('UPDATE contact_attempts SET action = ?, target = ?, reason = ? WHERE id = ?').run(action, target, reason, id);
  }

  /** A call that rang and wasn't answered becomes a callback to do. */
  markMissed(id: string): void {
    this.flush();
    this.setMissed.run(id);
  }

  markHandled(id: string, how: NonNullable<ContactAttempt['handled']>, at: number): ContactAttempt | undefined {
    this.flush();
    this.setHandled.run(how, at, id);
    return this.get(id);
  }
}
