import { z } from 'zod';
import { migrate, type Db } from '../storage/database.js';
import type { FocusState } from './types.js';

/**
 * Keeps the focus state across a restart (or a crash): a tech who was
 * focused on a ticket is still focused when Focusline comes back.
 */
const TicketSchema = z.object({
  id: z.string(),
  summary: z.string(),
  company: z.string(),
  contactName: z.string(),
  contactNumbers: z.array(z.string()),
  source: z.string(),
});
const StoredSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }),
  z.object({ mode: z.literal('ticket'), ticket: TicketSchema, since: z.coerce.date() }),
  z.object({ mode: z.literal('dnd'), until: z.coerce.date().nullable(), since: z.coerce.date(), resumeTicket: TicketSchema.optional() }),
]);

const MIGRATIONS = [{ id: 'app-state-1', sql: 'CREATE TABLE app_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)' }];
const KEY = 'focus';

export class FocusStateStore {
  constructor(private readonly db: Db) {
    migrate(db, MIGRATIONS);
  }

  /** A damaged or missing record means "off": never a reason not to start. */
  load(): FocusState {
    const raw = this.db.prepare('SELECT value FROM app_state WHERE key = ?').pluck().get(KEY) as string | undefined;
    if (!raw) return { mode: 'off' };
    try {
      return StoredSchema.parse(JSON.parse(raw)) as FocusState;
    } catch {
      return { mode: 'off' };
    }
  }

  save(state: FocusState): void {
    this.db.prepare('INSERT INTO app_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(KEY, JSON.stringify(state));
  }
}
