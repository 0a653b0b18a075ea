// Focus periods are kept when they end, so Insights can say how much time Focus protected.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Services } from '../../../src-main/app/services.js';
import { FocusPeriods } from '../../../src-main/focus/focus-periods.js';
import type { CommandName, CommandRequest } from '../../../src-main/ipc/contract.js';
import { openDatabase } from '../../../src-main/storage/database.js';
import { routeOrThrow, startWebServices } from '../web-services.js';
import { ManualClock } from './manual-clock.js';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fl-focus-periods-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const at = (iso: string) => new Date(iso);

describe('FocusPeriods', () => {
  it('keeps ended periods and finds those overlapping a range; an instant protects nothing', async () => {
    const periods = new FocusPeriods(openDatabase(await tempDir()));
    periods.record({ started: at('2026-03-07T08:00:00Z'), endedAt: at('2026-03-07T09:00:00Z'), ticketId: '1001' });
    periods.record({ started: at('2026-03-07T23:00:00Z'), endedAt: at('2026-03-08T01:00:00Z') });
    periods.record({ started: at('2026-03-08T05:00:00Z'), endedAt: at('2026-03-08T05:00:00Z') });
    expect(periods.between(Date.parse('2026-03-08T00:00:00Z'), Date.parse('2026-03-09T00:00:00Z'))).toEqual([
      { startedAt: Date.parse('2026-03-07T23:00:00Z'), endedAt: Date.parse('2026-03-08T01:00:00Z'), ticketId: null },
    ]);
    expect(periods.between(0, Date.parse('2026-03-09T00:00:00Z')).map((p) => p.ticketId)).toEqual(['1001', null]);
  });
});

describe('FocusPeriods upgrade', () => {
  it('keeps the periods an earlier version wrote when it starts writing open rows', async () => {
    const db = openDatabase(await tempDir());
    db.exec('CREATE TABLE focus_periods (id INTEGER PRIMARY KEY, started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL, ticket_id TEXT)');
    db.prepare('INSERT INTO migrations (id, applied_at) VALUES (?, ?)').run('focus-periods-1', 0);
    db.prepare('INSERT INTO focus_periods (started_at, ended_at, ticket_id) VALUES (?, ?, ?)').run(1000, 61_000, '7');
    const periods = new FocusPeriods(db);
    expect(periods.between(0, 100_000)).toEqual([{ startedAt: 1000, endedAt: 61_000, ticketId: '7' }]);
    expect(periods.closeDangling()).toBe(0);
    expect(periods.recordingSince()).toBe(0); // when the first version made the table
  });
});

describe('time in Focus through the services', () => {
  let services: Services;
  afterAll(() => services?.close());

  const call = <K extends CommandName>(name: K, request: CommandRequest<K>) => routeOrThrow(services, name, request);

  it('a do-not-disturb that ran out is kept, and the period running now counts up to now', async () => {
    const dir = await tempDir();
    const clock = new ManualClock('2026-03-07T09:00:00Z');
    services = await startWebServices(dir, { clock });
    await call('focus.dnd', { minutes: 30 });
    clock.advanceMinutes(45); // the DND ended by itself at 09:30
    await call('focus.dnd', { minutes: 60 });
    clock.advanceMinutes(10); // 09:45 to 09:55, still running
    const view = await call('insights.get', { from: '2026-03-07', to: '2026-03-07', timeZone: 'UTC' });
    expect(view.focus.rows).toEqual([{ day: '2026-03-07', minutes: 40 }]);
  });
});

describe('time in Focus across a restart', () => {
  let services: Services | undefined;
  afterAll(() => services?.close());

  const start = async (dir: string, clock: ManualClock) => {
    services = await startWebServices(dir, { clock });
    return services;
  };
  const call = routeOrThrow;
  const focusRows = async (s: Services, from: string, to: string) => (await call(s, 'insights.get', { from, to, timeZone: 'UTC' })).focus.rows;

  it('a focus kept on over a night the app was closed counts up to the quit, then again from the restart', async () => {
    const dir = await tempDir();
    const clock = new ManualClock('2026-03-07T16:00:00Z');
    let s = await start(dir, clock);
    await call(s, 'focus.dnd', {}); // until turned off
    clock.advanceMinutes(60);
    await s.close();
    services = undefined;
    clock.advance(15 * 60 * 60_000); // closed from 17:00 to 08:00 the next morning
    s = await start(dir, clock);
    clock.advanceMinutes(30);
    expect(await focusRows(s, '2026-03-07', '2026-03-08')).toEqual([
      { day: '2026-03-07', minutes: 60 },
      { day: '2026-03-08', minutes: 30 },
    ]);
  });

  it('a do-not-disturb that ran out while the app was closed is still counted, up to the quit', async () => {
    const dir = await tempDir();
    const clock = new ManualClock('2026-03-07T09:00:00Z');
    let s = await start(dir, clock);
    await call(s, 'focus.dnd', { minutes: 30 });
    clock.advanceMinutes(20);
    await s.close();
    services = undefined;
    clock.advanceMinutes(120);
    s = await start(dir, clock);
    expect((await call(s, 'focus.get', {})).mode).toBe('off');
    expect(await focusRows(s, '2026-03-07', '2026-03-07')).toEqual([{ day: '2026-03-07', minutes: 20 }]);
  });

  it('a crash costs at most the minute since the last beat', async () => {
    const dir = await tempDir();
    const clock = new ManualClock('2026-03-07T09:00:00Z');
    const db = openDatabase(join(dir, 'data'));
    const periods = new FocusPeriods(db);
    const id = periods.open(Date.parse('2026-03-07T09:00:00Z'), Date.parse('2026-03-07T09:44:00Z'), { ticketId: '1001', endsBy: null });
    expect(id).toBeGreaterThan(0);
    db.close(); // the app died at 09:44:40, after its beat at 09:44
    clock.advanceMinutes(120);
    const s = await start(dir, clock);
    expect(await focusRows(s, '2026-03-07', '2026-03-07')).toEqual([{ day: '2026-03-07', minutes: 44 }]);
  });
});
