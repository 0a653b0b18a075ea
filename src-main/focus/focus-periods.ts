import { z } from 'zod';
import { migrate, type Db } from '../storage/database.js';

/**
 * The focus periods (focus-session.ts: from leaving "off" to returning to
 * it), kept for the Insights chart "time protected in Focus".
 *
 * A period's row is written when it starts (ended_at NULL) and its
 * last_seen_at moves on while it runs (focus-period-recorder.ts), so a quit,
 * a crash or a power cut costs at most the time since the last beat: the next
 * start closes the dangling row at its last-seen time, or at `ends_by` (when
 * a timed do-not-disturb would have ended it) if that is earlier. A period
 * never runs on through a night the app was closed.
 *
 * States of a row: open (ended_at NULL, at most one, the period running now)
 * → closed (ended_at set). A closed row that lasted no time is deleted: an
 * instant's focus protects nothing.
 */
const MIGRATIONS = [
  {
    id: 'focus-periods-1',
    sql: `CREATE TABLE focus_periods (
      id INTEGER PRIMARY KEY,
      started_at INTEGER NOT NULL,
      ended_at INTEGER NOT NULL,
      ticket_id TEXT
    );
    CREATE INDEX focus_periods_ended ON focus_periods (ended_at);`,
  },
  {
    // Rows written at the start, so ended_at may be NULL; rebuilt because SQLite can't drop NOT NULL.
    id: 'focus-periods-2-open-rows',
    sql: `CREATE TABLE focus_periods_v2 (
      id INTEGER PRIMARY KEY,
      started_at INTEGER NOT NULL,
      ended_at INTEGER,
      last_seen_at INTEGER NOT NULL,
      ends_by INTEGER,
      ticket_id TEXT
    );
    INSERT INTO focus_periods_v2 (id, started_at, ended_at, last_seen_at, ticket_id)
      SELECT id, started_at, ended_at, ended_at, ticket_id FROM focus_periods;
    DROP TABLE focus_periods;
    ALTER TABLE focus_periods_v2 RENAME TO focus_periods;
    CREATE INDEX focus_periods_ended ON focus_periods (ended_at);
    CREATE INDEX focus_periods_open ON focus_periods (id) WHERE ended_at IS NULL;`,
  },
];

/** endedAt null: the period running now. */
export type StoredFocusPeriod = { startedAt: number; endedAt: number | null; ticketId: string | null };

/** What a running period knows of itself at a beat: its latest ticket, and when a timed DND would end it. */
export type RunningFocus = { ticketId: string | null; endsBy: number | null };

const RowSchema = z.object({ started_at: z.number().int(), ended_at: z.number().int().nullable(), ticket_id: z.string().nullable() });
const IdSchema = z.number().int();

export class FocusPeriods {
  private readonly insert;
  private readonly seenStmt;
  private readonly closeStmt;
  private readonly dropEmpty;
  private readonly closeDanglingStmt;
  private readonly overlapping;

  constructor(private readonly db: Db) {
    migrate(db, MIGRATIONS);
    this.insert = db.prepare('INSERT INTO focus_periods (started_at, ended_at, last_seen_at, ends_by, ticket_id) VALUES (?, NULL, ?, ?, ?)');
    this.seenStmt = db.prepare('UPDATE focus_periods SET last_seen_at = ?, ends_by = ?, ticket_id = COALESCE(?, ticket_id) WHERE id = ? AND ended_at IS NULL');
    this.closeStmt = db.prepare(
      'UPDATE focus_periods SET ended_at = MAX(started_at, ?), last_seen_at = ?, ticket_id = COALESCE(?, ticket_id) WHERE id = ? AND ended_at IS NULL',
    );
    this.dropEmpty = db.prepare('DELETE FROM focus_periods WHERE ended_at IS NOT NULL AND ended_at <= started_at');
    this.closeDanglingStmt = db.prepare(
      'UPDATE focus_periods SET ended_at = MAX(started_at, MIN(last_seen_at, COALESCE(ends_by, last_seen_at))) WHERE ended_at IS NULL',
    );
    this.overlapping = db.prepare(
      'SELECT started_at, ended_at, ticket_id FROM focus_periods WHERE (ended_at IS NULL OR ended_at > ?) AND started_at < ? ORDER BY started_at',
    );
  }

  /** A period began (at `startedAtMs`, seen running at `nowMs`); returns its row id for seen() and close(). */
  open(startedAtMs: number, nowMs: number, running: RunningFocus): number {
    const info = this.insert.run(startedAtMs, Math.max(startedAtMs, nowMs), running.endsBy, running.ticketId);
    return IdSchema.parse(Number(info.lastInsertRowid));
  }

  /** The period is still running at `nowMs` (the beat, or a change within it). */
  seen(id: number, nowMs: number, running: RunningFocus): void {
    this.seenStmt.run(nowMs, running.endsBy, running.ticketId, id);
  }

  close(id: number, endedAtMs: number, ticketId: string | null): void {
    this.closeStmt.run(endedAtMs, endedAtMs, ticketId, id);
    this.dropEmpty.run();
  }

  /** A whole period at once (an import, a seeded log). */
  record(period: { started: Date; endedAt: Date; ticketId?: string }): void {
    const id = this.open(period.started.getTime(), period.started.getTime(), { ticketId: period.ticketId ?? null, endsBy: null });
    this.close(id, period.endedAt.getTime(), period.ticketId ?? null);
  }

  /** At start: a period left open by a quit or crash ended when it was last seen running (or at its DND's end, if earlier). */
  closeDangling(): number {
    const changes = this.closeDanglingStmt.run().changes;
    this.dropEmpty.run();
    return changes;
  }

  /**
   * Since when focus time is on record: when this table was made (the version that started keeping
   * periods), or the first period kept, if earlier (an import). null: never.
   */
  recordingSince(): number | null {
    const made = this.db.prepare("SELECT applied_at FROM migrations WHERE id = 'focus-periods-1'").pluck().get();
    const first = this.db.prepare('SELECT MIN(started_at) FROM focus_periods').pluck().get();
    const times = [made, first].filter((t): t is number => typeof t === 'number');
    return times.length === 0 ? null : Math.min(...times);
  }

  /** Periods that overlap [fromMs, toMs), whole (the caller cuts them at its own bounds); the running one has endedAt null. */
  between(fromMs: number, toMs: number): StoredFocusPeriod[] {
    return z
      .array(RowSchema)
      .parse(this.overlapping.all(fromMs, toMs))
      .map((r) => ({ startedAt: r.started_at, endedAt: r.ended_at, ticketId: r.ticket_id }));
  }
}
