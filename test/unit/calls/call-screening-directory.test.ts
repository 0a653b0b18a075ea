// The caller directory is compiled off the hot path: a policy change with
// big lists compiles between calls, calls meanwhile are decided with the
// last good directory, and the new one takes over when it is done.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CallLog } from '../../../src-main/calls/call-log.js';
import { CallScreening } from '../../../src-main/calls/call-screening.js';
import { defaultValues, type SettingsValues } from '../../../src-main/policy/schema.js';
import { openDatabase } from '../../../src-main/storage/database.js';

const BLOCKED = '+16300009999';
const incoming = (n: number, user: string) => ({
  callId: `c${n}`,
  fromUri: `sip:${user}@pbx.example.com`,
  fromUser: user,
  displayName: '',
  assertedIdentity: null,
  toUri: 'sip:tech1@pbx.example.com',
});

describe('CallScreening and a big directory', () => {
  it('decides with the last good directory while the new one compiles, then with the new one', async () => {
    const callLog = new CallLog(openDatabase(await mkdtemp(join(tmpdir(), 'fl-screening-'))));
    const base: SettingsValues = {
      ...defaultValues(),
      'account.sipUri': 'sip:tech1@pbx.example.com',
      'focus.action': 'redirect',
      'focus.redirectTarget': 'sip:manager@pbx.example.com',
    };
    let values = base;
    const screening = new CallScreening({
      callLog,
      focusState: () => ({ mode: 'dnd', until: null, since: new Date() }),
      settings: () => values,
      now: () => new Date(),
    });
    screening.warm();
    expect(screening.screen(incoming(1, BLOCKED)).decision.action).toBe('redirect');

    // 10,000 blocked numbers and 10,000 VIPs: far more than one 8 ms slice.
    const blocked = Array.from({ length: 10_000 }, (_, i) => `+1630${String(i).padStart(7, '0')}`);
    const vips = Array.from({ length: 10_000 }, (_, i) => ({ name: `VIP ${i}`, numbers: [`+1847${String(i).padStart(7, '0')}`] }));
    values = { ...base, 'directory.blocked': blocked, 'directory.vips': vips };
    screening.warm();
    // Still compiling: the last good directory (no block list) decides.
    expect(screening.screen(incoming(2, BLOCKED)).decision.action).toBe('redirect');
    // The focus rules are never stale: a new redirect target applies at once.
    values = { ...values, 'focus.redirectTarget': 'sip:desk@pbx.example.com' };
    expect(screening.screen(incoming(3, '+15550000001')).decision.target).toBe('sip:desk@pbx.example.com');
    await vi.waitFor(() => expect(screening.screen(incoming(4, BLOCKED)).decision.action).toBe('reject'), { timeout: 20_000, interval: 5 });
    expect(screening.screen(incoming(5, '+18470000042')).decision.action).toBe('ring');
  });

  it('lists that go back to what is in place while a compile runs (a region switched and back) cancel it: the compile of the in-between lists never takes over', async () => {
    const callLog = new CallLog(openDatabase(await mkdtemp(join(tmpdir(), 'fl-screening-'))));
    const logged: string[] = [];
    const base: SettingsValues = {
      ...defaultValues(),
      'account.sipUri': 'sip:tech1@pbx.example.com',
      'focus.action': 'redirect',
      'focus.redirectTarget': 'sip:manager@pbx.example.com',
      // A national number: what it blocks depends on the region.
      'directory.blocked': ['(312) 555-0199', ...Array.from({ length: 10_000 }, (_, i) => `+1630${String(i).padStart(7, '0')}`)],
    };
    let values = base;
    const screening = new CallScreening({
      callLog,
      focusState: () => ({ mode: 'dnd', until: null, since: new Date() }),
      settings: () => values,
      now: () => new Date(),
      log: (m) => logged.push(m),
    });
    await screening.firstDirectory();
    expect(screening.screen(incoming(1, '+13125550199')).decision.action).toBe('reject');
    values = { ...base, 'numbers.defaultRegion': 'GB' };
    void screening.warm();
    values = { ...base };
    await screening.warm();
    // Give a stray compile every chance to finish and take over.
    for (let turn = 0; turn < 2_000; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(screening.screen(incoming(2, '+13125550199')).decision.action).toBe('reject');
    expect(logged).toEqual([]);
  });
});
