import { z } from 'zod';
import { migrate, type Db } from '../../storage/database.js';

/**
 * The embedded ticket store: Focusline's own tickets when no PSA is set up,
 * so "start work on a ticket" and "create ticket instead" work out of the box.
 */
export const LocalTicketSchema = z.object({
  id: z.string(),
  summary: z.string(),
  company: z.string(),
  contactName: z.string(),
  contactNumbers: z.array(z.string()),
  description: z.string(),
  status: z.enum(['new', 'in-progress', 'closed']),
  source: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  /** When the 15-minute rule last escalated it (null: never). */
  escalatedAt: z.number().int().nullable(),
});
export type LocalTicket = z.infer<typeof LocalTicketSchema>;

export const NewLocalTicketSchema = z.object({
  summary: z.string().trim().min(1, 'A ticket needs a summary.').max(200),
  company: z.string().trim().max(200).default(''),
  contactName: z.string().trim().max(200).default(''),
  contactNumbers: z.array(z.string().trim().min(1).max(64)).max(20).default([]),
  description: z.string().max(20_000).default(''),
  source: z.string().max(40).default('Phone'),
});
export type NewLocalTicket = z.input<typeof NewLocalTicketSchema>;

export type TicketNote = { ticketId: string; at: number; text: string };

const MIGRATIONS = [
  {
    id: 'local-tickets-1',
    sql: `CREATE TABLE local_tickets (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      summary TEXT NOT NULL,
      company TEXT NOT NULL,
      contact_name TEXT NOT NULL,
      contact_numbers TEXT NOT NULL,
      description TEXT NOT NULL,
      status TEXT NOT NULL,
      source TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    -- Ticket numbers that look like a PSA's, not "#1".
    INSERT INTO sqlite_sequence (name, seq) VALUES ('local_tickets', 1000);
    CREATE TABLE local_ticket_notes (
      ticket_id INTEGER NOT NULL REFERENCES local_tickets(id),
      at INTEGER NOT NULL,
      text TEXT NOT NULL
    );`,
  },
  {
    // The built-in store's escalation: the note goes with the other notes; the ticket remembers when.
    id: 'local-tickets-2',
    sql: 'ALTER TABLE local_tickets ADD COLUMN escalated_at INTEGER;',
  },
];

type Row = {
  id: number;
  summary: string;
  company: string;
  contact_name: string;
  contact_numbers: string;
  description: string;
  status: string;
  source: string;
  created_at: number;
  updated_at: number;
  escalated_at: number | null;
};

function fromRow(r: Row): LocalTicket {
  return LocalTicketSchema.parse({
    id: String(r.id),
    summary: r.summary,
    company: r.company,
    contactName: r.contact_name,
    contactNumbers: JSON.parse(r.contact_numbers) as unknown,
    description: r.description,
    status: r.status,
    source: r.source,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    escalatedAt: r.escalated_at,
  });
}

export class LocalTicketStore {
  private writes = 0;

  constructor(private readonly db: Db) {
    migrate(db, MIGRATIONS);
  }

  /** Goes up with every write through this store, so a reader can keep what it built from the tickets until it changes. */
  get revision(): number {
    return this.writes;
  }

  create(input: NewLocalTicket, now: number): LocalTicket {
    const t = NewLocalTicketSchema.parse(input);
    const info = this.db
      .prepare(
        `INSERT INTO local_tickets (summary, company, contact_name, contact_numbers, description, status, source, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?)`,
      )
      .run(t.summary, t.company, t.contactName, JSON.stringify(t.contactNumbers), t.description, t.source, now, now);
    this.writes++;
    return this.get(String(info.lastInsertRowid))!;
  }

  get(id: string): LocalTicket | undefined {
    if (!/^\d+$/.test(id)) return undefined;
    const row = this.db.prepare('SELECT * FROM local_tickets WHERE id = ?').get(Number(id)) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Open tickets, most recently touched first. */
  listOpen(limit = 200): LocalTicket[] {
    const rows = this.db.prepare("SELECT * FROM local_tickets WHERE status != 'closed' ORDER BY updated_at DESC, id DESC LIMIT ?").all(limit) as Row[];
    return rows.map(fromRow);
  }

  /** Tickets that carry a contact number, closed ones too, most recently touched first: the screen pop's address book (local-caller.ts). */
  withContactNumbers(limit = 5_000): LocalTicket[] {
    const rows = this.db.prepare("SELECT * FROM local_tickets WHERE contact_numbers != '[]' ORDER BY updated_at DESC, id DESC LIMIT ?").all(limit) as Row[];
    return rows.map(fromRow);
  }

  setStatus(id: string, status: LocalTicket['status'], now: number): LocalTicket | undefined {
    this.db.prepare('UPDATE local_tickets SET status = ?, updated_at = ? WHERE id = ?').run(status, now, Number(id));
    this.writes++;
    return this.get(id);
  }

  addNote(id: string, text: string, now: number): TicketNote {
    if (!this.get(id)) throw new Error(`Ticket #${id} does not exist in the local ticket store.`);
    this.db.prepare('INSERT INTO local_ticket_notes (ticket_id, at, text) VALUES (?, ?, ?)').run(Number(id), now, text);
    this.db.prepare('UPDATE local_tickets SET updated_at = ? WHERE id = ?').run(now, Number(id));
    this.writes++;
    return { ticketId: id, at: now, text };
  }

  /**
   * The 15-minute rule's escalation in the built-in store: there is no priority or owner to
   * set, so the ticket records when it was escalated and the note joins its notes. A closed
   * ticket is reopened (in progress), as escalating it means someone still has work to do.
   */
  escalate(id: string, text: string, now: number): LocalTicket {
    const ticket = this.get(id);
    if (!ticket) throw new Error(`Ticket #${id} does not exist in the local ticket store.`);
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO local_ticket_notes (ticket_id, at, text) VALUES (?, ?, ?)').run(Number(id), now, text);
      this.db
        .prepare(
          "UPDATE local_tickets SET escalated_at = ?, updated_at = ?, status = CASE status WHEN 'closed' THEN 'in-progress' ELSE status END WHERE id = ?",
        )
        .run(now, now, Number(id));
    })();
    this.writes++;
    return this.get(id)!;
  }

  notes(id: string): TicketNote[] {
    return (this.db.prepare('SELECT at, text FROM local_ticket_notes WHERE ticket_id = ? ORDER BY at').all(Number(id)) as { at: number; text: string }[]).map(
      (n) => ({ ticketId: id, ...n }),
    );
  }
}
