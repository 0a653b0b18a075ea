import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src-main/storage/database.js';
import { CallerIndex } from '../../../src-main/tickets/caller-index.js';
import { person } from './fake-psa-adapter.js';

const PSA = 'rt:https://rt.example.test';
const OTHER_PSA = 'connectwise:https://na.example.test';
const dirs: string[] = [];
const dbs: Db[] = [];

function openDb(dir?: string): { db: Db; dir: string } {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'fl-caller-index-'));
  if (dir === undefined) dirs.push(folder);
  const db = openDatabase(folder);
  dbs.push(db);
  return { db, dir: folder };
}

function newIndex(region = 'US'): { index: CallerIndex; db: Db; dir: string } {
  const { db, dir } = openDb();
  return { index: new CallerIndex(db, { defaultRegion: region }), db, dir };
}

afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('caller index: matching free-text numbers', () => {
  it('matches the shapes PSAs store: "(555) 010-0101", "+1 555-010-0101 x12", "555.0101"', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [
      person('1', ['(555) 010-0101'], { name: 'Parens' }),
      person('2', ['mobile: +1 555-010-0102 x12'], { name: 'With extension' }),
      person('3', ['555.0103'], { name: 'Seven digits' }),
    ]);
    expect(index.lookup(PSA, '+15550100101')).toMatchObject({ person: { id: '1', name: 'Parens' }, via: 'exact', conclusive: true });
    expect(index.lookup(PSA, '5550100101')).toMatchObject({ person: { id: '1' }, via: 'exact' });
    expect(index.lookup(PSA, '+1 (555) 010-0102')).toMatchObject({ person: { id: '2' }, via: 'exact' });
    // A 7-digit stored number matches a full caller number on its last 7 digits.
    expect(index.lookup(PSA, '+1 212 555 0103')).toMatchObject({ person: { id: '3' }, via: 'last-7-digits', conclusive: true });
    expect(index.lookup(PSA, '+15550100109')).toBeNull();
  });

  it('matches on the last 10 digits when the caller presents no country code the region can read', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('1', ['+1 555 010 0123'])]);
    // 11 digits with a trunk "0" prefix: not a possible US number, so no E.164 key.
    expect(index.lookup(PSA, '05550100123')).toMatchObject({ person: { id: '1' }, via: 'last-10-digits' });
  });

  it('never matches two numbers whose country codes differ', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('uk', ['+44 20 7946 0018'])]);
    expect(index.lookup(PSA, '+1 207 946 0018')).toBeNull();
    expect(index.lookup(PSA, '+442079460018')).toMatchObject({ person: { id: 'uk' }, via: 'exact' });
  });

  it('prefers the exact match over a last-7 match, whatever was synced last', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('exact', ['(212) 555-0101'])], { syncedAt: 1_000 });
    index.upsertMany(PSA, [person('short', ['555 0101'])], { syncedAt: 9_000 });
    expect(index.lookup(PSA, '+12125550101')).toMatchObject({ person: { id: 'exact' }, via: 'exact' });
    expect(index.lookup(PSA, '+13125550101')).toMatchObject({ person: { id: 'short' }, via: 'last-7-digits' });
  });

  it('at equal strength, the most recently synced person wins (contacts and members alike)', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('newer', ['+1 555 010 0200'], { kind: 'member' })], { syncedAt: 5_000 });
    index.upsertMany(PSA, [person('older', ['555-010-0200'])], { syncedAt: 1_000 });
    expect(index.lookup(PSA, '+15550100200')?.person.id).toBe('newer');
    index.upsertMany(PSA, [person('older', ['555-010-0200'])], { syncedAt: 6_000 });
    expect(index.lookup(PSA, '+15550100200')?.person.id).toBe('older');
  });

  it("indexes a member's extension, but not a contact's (that is the customer's PBX)", () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('client', ['2002']), person('coworker', ['x2003', '2004'], { kind: 'member', company: 'Our MSP' })]);
    expect(index.lookup(PSA, '2002')).toBeNull();
    expect(index.lookup(PSA, '2004')).toMatchObject({ person: { id: 'coworker', kind: 'member' }, via: 'exact' });
  });

  it('returns nothing for text that is not a number', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('1', ['n/a', '', '(555) 010-0101'])]);
    expect(index.lookup(PSA, 'anonymous')).toBeNull();
    expect(index.lookup(PSA, '')).toBeNull();
  });
});

describe('caller index: storage', () => {
  it("replaces a person's numbers on upsert", () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('1', ['(555) 010-0101'], { name: 'Old' })]);
    index.upsertMany(PSA, [person('1', ['(555) 010-0199'], { name: 'New' })]);
    expect(index.lookup(PSA, '+15550100101')).toBeNull();
    expect(index.lookup(PSA, '+15550100199')?.person.name).toBe('New');
    expect(index.count(PSA)).toBe(1);
  });

  it('keeps PSA instances apart, and clear() forgets only one', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('rt-1', ['(555) 010-0101'])]);
    index.upsertMany(OTHER_PSA, [person('cw-1', ['(555) 010-0101'])]);
    expect(index.lookup(PSA, '+15550100101')?.person.id).toBe('rt-1');
    expect(index.lookup(OTHER_PSA, '+15550100101')?.person.id).toBe('cw-1');
    index.clear(PSA);
    expect(index.count(PSA)).toBe(0);
    expect(index.lookup(PSA, '+15550100101')).toBeNull();
    expect(index.count(OTHER_PSA)).toBe(1);
  });

  it('removeUnseen sweeps the people of that kind an earlier pass saw and this one did not', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('a', ['(555) 010-0101']), person('gone', ['(555) 010-0102'])], { generation: 1 });
    index.upsertMany(PSA, [person('m', ['(555) 010-0103'], { kind: 'member' })], { generation: 1 });
    index.upsertMany(PSA, [person('a', ['(555) 010-0101'])], { generation: 2 });
    expect(index.removeUnseen(PSA, 'contact', 2)).toBe(1);
    expect(index.lookup(PSA, '+15550100102')).toBeNull();
    expect(index.get(PSA, 'contact', 'gone')).toBeUndefined();
    expect(index.lookup(PSA, '+15550100101')?.person.id).toBe('a');
    // Members are swept by their own pass only.
    expect(index.lookup(PSA, '+15550100103')?.person.id).toBe('m');
    expect(index.count(PSA, 'contact')).toBe(1);
  });

  it('an upsert without a generation joins the newest pass, so it is not swept by it', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [person('a', ['(555) 010-0101'])], { generation: 3 });
    index.upsertMany(PSA, [person('webhook', ['(555) 010-0104'])]);
    expect(index.removeUnseen(PSA, 'contact', 3)).toBe(0);
    expect(index.get(PSA, 'contact', 'webhook')?.numbers).toEqual(['(555) 010-0104']);
  });

  it('members() is the coworker directory: members with a usable number, in id order', () => {
    const { index } = newIndex();
    index.upsertMany(PSA, [
      person('m2', ['(555) 010-0201'], { kind: 'member' }),
      person('m1', ['2001'], { kind: 'member' }),
      person('m3', ['none'], { kind: 'member' }),
      person('c1', ['(555) 010-0202']),
    ]);
    expect(index.members(PSA).map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(index.count(PSA)).toBe(4);
  });

  it('re-reads stored numbers when the default region changes', () => {
    const { db } = newIndex();
    const asGb = new CallerIndex(db, { defaultRegion: 'GB' });
    asGb.upsertMany(PSA, [person('us', ['(207) 946-0018'])]);
    // Read in GB, the number is a London one and a US caller can't match it...
    expect(asGb.lookup(PSA, '+12079460018')).toBeNull();
    // ...read in the US (the setting changed), it is the caller's number.
    const asUs = new CallerIndex(db, { defaultRegion: 'US' });
    expect(asUs.lookup(PSA, '+12079460018')).toMatchObject({ person: { id: 'us' }, via: 'exact' });
  });

  it('survives reopening the database', () => {
    const { dir } = newIndex();
    const first = new CallerIndex(openDb(dir).db, { defaultRegion: 'US' });
    first.upsertMany(PSA, [person('1', ['(555) 010-0101'], { email: 'p1@example.test' })]);
    const second = new CallerIndex(openDb(dir).db, { defaultRegion: 'US' });
    expect(second.lookup(PSA, '+15550100101')?.person).toEqual(person('1', ['(555) 010-0101'], { email: 'p1@example.test' }));
  });
});
