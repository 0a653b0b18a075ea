import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { resolveEffective } from '../../../src-main/policy/effective.js';
import { parseRegQuery } from '../../../src-main/policy/sources/reg-query.js';
import type { CommandResult, CommandRunner } from '../../../src-main/policy/sources/run-command.js';
import { WindowsRegistryPolicySource } from '../../../src-main/policy/sources/windows-registry-source.js';

const fixture = (name: string) => readFile(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const MISSING: CommandResult = { code: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' };

const HKLM = 'HKLM\\Software\\Policies\\Focusline';
const HKCU = 'HKCU\\Software\\Policies\\Focusline';

/** Answers `reg query <key> /s` from captured output, per key. */
function runner(answers: Record<string, CommandResult | Error>): CommandRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (file: string, args: readonly string[]) => {
    calls.push([file, ...args]);
    const answer = answers[args[1] ?? ''] ?? MISSING;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return Object.assign(run, { calls });
}

describe('reg query output', () => {
  it('parses keys, values, empty strings and CRLF line ends', async () => {
    const keys = parseRegQuery(await fixture('reg-query-hkcu.txt'));
    expect(keys.map((k) => k.path)).toEqual([
      'HKEY_CURRENT_USER\\Software\\Policies\\Focusline',
      'HKEY_CURRENT_USER\\Software\\Policies\\Focusline\\Recommended',
    ]);
    expect(keys[0]?.values).toContainEqual({ name: 'hours.afterHoursTarget', type: 'REG_SZ', data: '' });
    expect(keys[0]?.values).toContainEqual({ name: 'Focus Notes', type: 'REG_BINARY', data: '0102' });
  });
});

describe('the Windows registry source', () => {
  it('reads HKLM and HKCU, enforced and Recommended, with DWORDs, JSON strings, MULTI_SZ and subkey groups', async () => {
    const run = runner({ [HKLM]: { code: 0, stdout: await fixture('reg-query-hklm.txt'), stderr: '' }, [HKCU]: MISSING });
    const read = await new WindowsRegistryPolicySource(run).read();
    expect(run.calls).toEqual([
      ['reg', 'query', HKCU, '/s'],
      ['reg', 'query', HKLM, '/s'],
    ]);
    expect(read.problems).toEqual([]);
    expect(read.enforced).toEqual([
      {
        origin: HKLM,
        values: {
          'focus.action': 'redirect',
          'focus.redirectTarget': 'sip:2000@pbx.example.com',
          'focus.busyCode': 480,
          'numbers.trustAssertedIdentity': true,
          'repeatCallers.threshold': 5,
          'directory.blocked': ['+1 900 555 0123', 'sip:robocaller@spam.example'],
          'directory.vips': [{ name: 'Contoso Hospital IT', numbers: ['+1 312 555 0142'] }],
          'policy.url': 'https://policy.example.com/focusline.json',
          'hours.timeZone': 'America/Chicago',
          'hours.weekly': { mon: [{ start: '08:00', end: '17:00' }] },
        },
      },
    ]);
    expect(read.recommended).toEqual([{ origin: `${HKLM}\\Recommended`, values: { 'numbers.defaultRegion': 'GB', 'repeatCallers.breakThrough': false } }]);
  });

  it('lets HKLM win over HKCU at each level, reports the clash and bad values', async () => {
    const run = runner({
      [HKLM]: { code: 0, stdout: await fixture('reg-query-hklm.txt'), stderr: '' },
      [HKCU]: { code: 0, stdout: await fixture('reg-query-hkcu.txt'), stderr: '' },
    });
    const read = await new WindowsRegistryPolicySource(run).read();
    expect(read.enforced.map((o) => o.origin)).toEqual([HKCU, HKLM]);
    expect(read.problems).toEqual([
      { origin: HKCU, key: 'iceServers', message: expect.stringContaining('not valid JSON') },
      { origin: HKCU, key: 'Focus Notes', message: expect.stringContaining('REG_BINARY') },
    ]);
    const effective = resolveEffective({ enforced: read.enforced, recommended: read.recommended });
    expect(effective.provenance['focus.action']).toEqual({ source: 'enforced', origin: HKLM });
    expect(effective.values['focus.voicemailTarget']).toBe('local');
    expect(effective.values['focus.busyCode']).toBe(480);
    expect(effective.provenance['focus.busyCode']).toEqual({ source: 'enforced', origin: HKLM });
    expect(effective.problems).toEqual([
      { origin: HKCU, key: 'account.sipUri', message: expect.stringContaining("technician's own setting") },
      { origin: HKLM, key: 'focus.action', message: expect.stringContaining(`${HKCU}, ${HKLM}`) },
    ]);
  });

  it('takes a missing key as no policy, not an error', async () => {
    expect(await new WindowsRegistryPolicySource(runner({})).read()).toEqual({ enforced: [], recommended: [], problems: [] });
  });

  it('keeps the last good values when reg query fails or cannot run', async () => {
    const good = resolveEffective({
      enforced: (await new WindowsRegistryPolicySource(runner({ [HKLM]: { code: 0, stdout: await fixture('reg-query-hklm.txt'), stderr: '' } })).read())
        .enforced,
    });
    const failing = runner({ [HKLM]: { code: 5, stdout: '', stderr: 'ERROR: Access is denied.' }, [HKCU]: new Error('spawn reg ENOENT') });
    const read = await new WindowsRegistryPolicySource(failing).read();
    expect(read.problems).toEqual([
      { origin: HKCU, message: expect.stringContaining('spawn reg ENOENT') },
      { origin: HKLM, message: expect.stringContaining('Access is denied') },
    ]);
    const effective = resolveEffective({ enforced: read.enforced, recommended: read.recommended, lastGood: good.lastGood });
    expect(effective.values['focus.busyCode']).toBe(480);
    expect(effective.provenance['focus.busyCode']).toEqual({ source: 'enforced', origin: HKLM });
  });
});
