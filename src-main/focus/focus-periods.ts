import { z } from 'zod';
import { migrate, type Db } from '../storage/database.js';
import type { FocusPeriod } from './focus-session.js';

/**
 * The focus periods that have ended (focus-session.ts: from leaving "off" to
 * returning to it), kept for the Insights chart "time protected in Focus".
 * One row per period, written when it ends; the period running now is the
 * session's to tell (FocusController.periodSince).
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
];

export type StoredFocusPeriod = { startedAt: number; endedAt: number; ticketId: string | null };

const RowSchema = z.object({ started_at: z.number().int(), ended_at: z.number().int(), ticket_id: z.string().nullable() });

export class FocusPeriods {
  private readonly insert;
  private readonly overlapping;

  constructor(db: Db) {
    migrate(db, MIGRATIONS);
    this.insert = db.prepare('INSERT INTO focus_periods (started_at, ended_at, ticket_id) VALUES (?, ?, ?)');
    this.overlapping = db.prepare('SELECT started_at, ended_at, ticket_id FROM focus_periods WHERE ended_at > ? AND started_at < ? ORDER BY started_at');
  }

  record(period: FocusPeriod): void {
    const started = period.started.getTime();
    const ended = period.endedAt.getTime();
    if (ended <= started) return; // an instant's focus protects nothing
    this.insert.run(started, ended, period.ticketId ?? null);
  }

  /** Periods that overlap [fromMs, toMs), whole (the caller cuts them at its own bounds). */
  between(fromMs: number, toMs: number): StoredFocusPeriod[] {
    return z
      .array(RowSchema)
      .parse(this.overlapping.all(fromMs, toMs))
      .map((r) => ({ startedAt: r.started_at, endedAt: r.ended_at, ticketId: r.ticket_id }));
  }
}
