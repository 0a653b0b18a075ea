import { describe, expect, it } from 'vitest';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBinary } from 'plist';
import { resolveEffective } from '../../../src-main/policy/effective.js';
import { MacManagedPreferencesSource } from '../../../src-main/policy/sources/macos-managed-preferences-source.js';
import type { CommandRunner } from '../../../src-main/policy/sources/run-command.js';

const fixture = (name: string) => new URL(`fixtures/${name}`, import.meta.url);

async function managedPreferences(files: { computer?: string | Uint8Array; user?: string | Uint8Array }) {
  const dir = await mkdtemp(join(tmpdir(), 'fl-managed-prefs-'));
  await mkdir(join(dir, 'jane'));
  const computer = join(dir, 'com.focusline.app.plist');
  const user = join(dir, 'jane', 'com.focusline.app.plist');
  if (files.computer !== undefined) await writeFile(computer, files.computer);
  if (files.user !== undefined) await writeFile(user, files.user);
  return { dir, computer, user };
}

describe('macOS managed preferences', () => {
  it('reads the computer and user plists as enforced, user over computer, nested dicts and JSON strings included', async () => {
    const paths = await managedPreferences({});
    await copyFile(fixture('managed-computer.plist'), paths.computer);
    await copyFile(fixture('managed-user.plist'), paths.user);
    const read = await new MacManagedPreferencesSource({ userName: 'jane', dir: paths.dir }).read();
    expect(read.recommended).toEqual([]);
    expect(read.enforced.map((o) => o.origin)).toEqual([paths.computer, paths.user]);
    expect(read.enforced[0]?.values).toEqual({
      'focus.action': 'redirect',
      'focus.redirectTarget': 'sip:2000@pbx.example.com',
      'focus.busyCode': 480,
      'numbers.trustAssertedIdentity': true,
      'directory.coworkers': [{ name: 'Dana Reyes', extensions: ['2000'] }],
      'hours.timeZone': 'America/Chicago',
      'hours.weekly': { mon: [{ start: '08:00', end: '17:00' }] },
      'directory.blocked': ['+1 900 555 0123'],
    });
    expect(read.problems).toEqual([{ origin: paths.user, key: 'repeatCallers.threshold', message: expect.stringContaining('not valid JSON') }]);

    const effective = resolveEffective({ enforced: read.enforced });
    expect(effective.provenance['focus.action']).toEqual({ source: 'enforced', origin: paths.user });
    expect(effective.values['focus.busyCode']).toBe(480);
    expect(effective.problems).toEqual([
      { origin: paths.user, key: 'repeatCallers.windowMinutes', message: expect.stringContaining('whole number') },
      { origin: paths.user, key: 'focus.action', message: expect.stringContaining('more than one source') },
    ]);
  });

  it('reads a binary plist', async () => {
    const paths = await managedPreferences({ computer: buildBinary({ 'focus.action': 'busy', 'focus.busyCode': 486 }) });
    const read = await new MacManagedPreferencesSource({ userName: 'jane', dir: paths.dir }).read();
    expect(read.enforced).toEqual([{ origin: paths.computer, values: { 'focus.action': 'busy', 'focus.busyCode': 486 } }]);
  });

  it('falls back to plutil for a binary plist it cannot parse itself', async () => {
    const paths = await managedPreferences({ computer: 'bplist00 not really' });
    const calls: string[][] = [];
    const runCommand: CommandRunner = async (file, args) => {
      calls.push([file, ...args]);
      return { code: 0, stdout: await readFile(fixture('managed-user.plist'), 'utf8'), stderr: '' };
    };
    const read = await new MacManagedPreferencesSource({ userName: 'jane', dir: paths.dir, runCommand }).read();
    expect(calls).toEqual([['plutil', '-convert', 'xml1', '-o', '-', paths.computer]]);
    expect(read.enforced[0]?.values['focus.action']).toBe('voicemail');
  });

  it('marks a damaged plist unreadable, naming it, and has no policy without files', async () => {
    const paths = await managedPreferences({ computer: '<?xml version="1.0"?><plist><dict><key>focus.action</key>' });
    const read = await new MacManagedPreferencesSource({ userName: 'jane', dir: paths.dir }).read();
    expect(read.enforced).toEqual([{ origin: paths.computer, values: {}, unreadable: true }]);
    expect(read.problems).toEqual([{ origin: paths.computer, message: expect.stringContaining("can't be read as a plist") }]);
    const none = await managedPreferences({});
    expect(await new MacManagedPreferencesSource({ userName: 'jane', dir: none.dir }).read()).toEqual({ enforced: [], recommended: [], problems: [] });
  });
});
