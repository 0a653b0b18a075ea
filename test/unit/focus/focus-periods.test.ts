// Focus periods are kept when they end, so Insights can say how much time Focus protected.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, type Services } from '../../../src-main/app/services.js';
import { FocusPeriods } from '../../../src-main/focus/focus-periods.js';
import type { CommandName, CommandRequest, CommandResponse } from '../../../src-main/ipc/contract.js';
import { openDatabase } from '../../../src-main/storage/database.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';
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

describe('time in Focus through the services', () => {
  let services: Services;
  afterAll(() => services?.close());

  async function call<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
    const result = await services.route(name, request);
    if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
    return result.value as CommandResponse<K>;
  }

  it('a do-not-disturb that ran out is kept, and the period running now counts up to now', async () => {
    const dir = await tempDir();
    const clock = new ManualClock('2026-03-07T09:00:00Z');
    services = await createServices({
      mode: 'web',
      version: '1.0.0',
      dataDir: join(dir, 'data'),
      secrets: new InMemorySecretStore(),
      log: () => {},
      env: { FOCUSLINE_POLICY_DIR: join(dir, 'policy') },
      clock,
    });
    await call('focus.dnd', { minutes: 30 });
    clock.advanceMinutes(45); // the DND ended by itself at 09:30
    await call('focus.dnd', { minutes: 60 });
    clock.advanceMinutes(10); // 09:45 to 09:55, still running
    const view = await call('insights.get', { from: '2026-03-07', to: '2026-03-07', timeZone: 'UTC' });
    expect(view.focus.rows).toEqual([{ day: '2026-03-07', minutes: 40 }]);
  });
});
