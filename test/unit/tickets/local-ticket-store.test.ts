import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTicketStore } from '../../../src-main/tickets/local/local-ticket-store.js';
import { openDatabase } from '../../../src-main/storage/database.js';

const store = async () => new LocalTicketStore(openDatabase(await mkdtemp(join(tmpdir(), 'fl-tickets-'))));

describe('local ticket store', () => {
  it('numbers tickets like a PSA and keeps their contact numbers', async () => {
    const s = await store();
    const t = s.create({ summary: 'Printer down', company: 'Acme', contactName: 'Jane Doe', contactNumbers: ['+1 555 0101'] }, 1000);
    expect(t).toMatchObject({ id: '1001', status: 'new', company: 'Acme', contactNumbers: ['+1 555 0101'], source: 'Phone' });
    expect(s.create({ summary: 'Second' }, 2000).id).toBe('1002');
  });

  it('refuses a ticket without a summary with a message for the tech', async () => {
    const s = await store();
    expect(() => s.create({ summary: '  ' }, 1)).toThrow(/needs a summary/);
  });

  it('lists open tickets, most recently touched first, and drops closed ones', async () => {
    const s = await store();
    const a = s.create({ summary: 'A' }, 1000);
    const b = s.create({ summary: 'B' }, 2000);
    s.addNote(a.id, 'Called back', 3000);
    expect(s.listOpen().map((t) => t.summary)).toEqual(['A', 'B']);
    s.setStatus(b.id, 'closed', 4000);
    expect(s.listOpen().map((t) => t.summary)).toEqual(['A']);
    expect(s.notes(a.id)).toEqual([{ ticketId: a.id, at: 3000, text: 'Called back' }]);
  });

  it('says which ticket is missing when a note can’t be added', async () => {
    const s = await store();
    expect(() => s.addNote('4242', 'x', 1)).toThrow('Ticket #4242 does not exist');
    expect(s.get('not-a-number')).toBeUndefined();
  });
});
