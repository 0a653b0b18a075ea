import { mkdir, mkdtemp, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveEffective, reviveLastGood, serializeLastGood } from '../../../src-main/policy/effective.js';
import { flattenSettings } from '../../../src-main/policy/flatten.js';
import { LastGoodFile } from '../../../src-main/policy/last-good-file.js';
import { formatBytes, LIST_LIMITS, POLICY_SOURCE_MAX_BYTES } from '../../../src-main/policy/limits.js';
import { PolicyService } from '../../../src-main/policy/policy-service.js';
import { checkValue, settingsRegistry } from '../../../src-main/policy/schema.js';
import { DirectoryPolicySource, readPolicyFile } from '../../../src-main/policy/sources/directory-source.js';
import { UserSettings } from '../../../src-main/policy/user-settings.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-bounded-policy-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('the size of one policy source', () => {
  it('a file over 5 MB is refused unread, named, and keeps its last good settings', async () => {
    const dir = await tempDir();
    const path = join(dir, 'focusline.json');
    // Valid JSON, padded past the limit: only its size is wrong.
    await writeFile(path, `{"focus.action": "busy"}${' '.repeat(POLICY_SOURCE_MAX_BYTES)}`);
    const read = await readPolicyFile(path);
    expect(read.origin).toEqual({ origin: path, values: {}, unreadable: true });
    expect(read.problems).toEqual([
      {
        origin: path,
        message:
          'This policy file is 5,242,904 bytes; the most Focusline reads from one policy source is 5 MB. It was not read; its last good settings stay in effect. Split it, or shorten its lists.',
      },
    ]);
  });

  it('a file at the limit is read', async () => {
    const dir = await tempDir();
    const path = join(dir, 'focusline.json');
    const body = '{"focus.action": "busy"}';
    await writeFile(path, body + ' '.repeat(POLICY_SOURCE_MAX_BYTES - body.length));
    expect((await readPolicyFile(path)).origin).toEqual({ origin: path, values: { 'focus.action': 'busy' } });
  });

  it('a file far over the limit is named in MB', async () => {
    const dir = await tempDir();
    const path = join(dir, 'focusline.json');
    await writeFile(path, Buffer.alloc(50 * 1024 * 1024 + 100_000, 0x20));
    expect((await readPolicyFile(path)).problems[0]?.message).toMatch(
      /^This policy file is 50\.1 MB; the most Focusline reads from one policy source is 5 MB\./,
    );
  });

  it('sizes read as file managers show them', () => {
    expect(formatBytes(52_428_800 + 1_000_000)).toBe('51.0 MB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5 MB');
    expect(formatBytes(2048)).toBe('2 KB');
    expect(formatBytes(10)).toBe('10 bytes');
  });
});

describe('re-reading an unchanged file', () => {
  it('reuses the last read (same values object: not parsed or validated again); a changed file is read again', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'managed'));
    const path = join(dir, 'managed', 'focusline.json');
    await writeFile(path, JSON.stringify({ 'directory.blocked': ['+15550100999'] }));
    const source = new DirectoryPolicySource(dir);
    // Just written: its stamp isn't trusted yet (the file system's clock may not have moved since), so it is read again.
    const fresh = (await source.read()).enforced[0]!.values;
    expect((await source.read()).enforced[0]!.values).not.toBe(fresh);
    // Written a minute ago: read once, then reused.
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(path, aMinuteAgo, aMinuteAgo);
    const first = (await source.read()).enforced[0]!.values;
    expect((await source.read()).enforced[0]!.values).toBe(first);
    // Same size, new content.
    await writeFile(path, JSON.stringify({ 'directory.blocked': ['+15550100998'] }));
    const second = (await source.read()).enforced[0]!.values;
    expect(second).not.toBe(first);
    expect(second).toEqual({ 'directory.blocked': ['+15550100998'] });
    const a = resolveEffective({ enforced: [{ origin: path, values: second }] });
    const b = resolveEffective({ enforced: [{ origin: path, values: second }], lastGood: a.lastGood });
    expect(b.values['directory.blocked']).toBe(a.values['directory.blocked']);
  });
});

describe('a policy folder that fails for a moment', () => {
  it("a level folder that can't be listed keeps the files it listed last time, as unreadable", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'managed'));
    const path = join(dir, 'managed', 'focusline.json');
    await writeFile(path, JSON.stringify({ 'focus.action': 'busy' }));
    const source = new DirectoryPolicySource(dir);
    expect((await source.read()).enforced).toEqual([{ origin: path, values: { 'focus.action': 'busy' } }]);
    // A listing error other than "not there" (ELOOP here; EACCES or EIO on a share): chmod can't make one for root.
    await rm(join(dir, 'managed'), { recursive: true });
    await symlink(join(dir, 'managed'), join(dir, 'managed'));
    const read = await source.read();
    expect(read.enforced).toEqual([{ origin: path, values: {}, unreadable: true }]);
    expect(read.problems[0]?.message).toMatch(/^Can't list the policy folder: .*ELOOP.*The settings its files last gave stay in effect\.$/);
  });
});

describe('list limits', () => {
  const blocked = settingsRegistry['directory.blocked'];
  it.each([
    ['directory.blocked', LIST_LIMITS.blocked, (i: number) => `+1312${String(i).padStart(7, '0')}`],
    ['directory.vips', LIST_LIMITS.vips, (i: number) => ({ name: `V${i}`, numbers: [`+1312${String(i).padStart(7, '0')}`] })],
    ['directory.coworkers', LIST_LIMITS.coworkers, (i: number) => ({ name: `C${i}`, extensions: [String(1000 + i)] })],
  ] as const)('%s takes %i entries and refuses one more, saying how many it had', (key, limit, entry) => {
    const spec = settingsRegistry[key];
    expect(
      checkValue(
        spec,
        Array.from({ length: limit }, (_, i) => entry(i)),
      ).ok,
    ).toBe(true);
    const over = checkValue(
      spec,
      Array.from({ length: limit + 1 }, (_, i) => entry(i)),
    );
    expect(over).toEqual({
      ok: false,
      message: `has ${(limit + 1).toLocaleString('en-US')} entries; the most Focusline takes is ${limit.toLocaleString('en-US')}`,
    });
  });

  it('one listed person has at most 10 numbers', () => {
    const numbers = Array.from({ length: 11 }, (_, i) => `+1312555${String(i).padStart(4, '0')}`);
    const check = checkValue(settingsRegistry['directory.vips'], [{ name: 'Big', numbers }]);
    expect(check).toEqual({ ok: false, message: '[0].numbers: has 11 entries; the most Focusline takes is 10' });
  });

  it('a list of thousands of bad entries names five and counts the rest', () => {
    const check = checkValue(
      blocked,
      Array.from({ length: 1000 }, () => 'not a number'),
    );
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message.split('; ').length).toBe(6);
    expect(!check.ok && check.message).toMatch(/; and 995 more$/);
  });

  it('the refusal is a problem naming the file and the key, and the last good list stays', () => {
    const first = resolveEffective({ enforced: [{ origin: '/p/a.json', values: { 'directory.blocked': ['+15550100999'] } }] });
    const over = Array.from({ length: LIST_LIMITS.blocked + 1 }, (_, i) => `+1312${String(i).padStart(7, '0')}`);
    const second = resolveEffective({ enforced: [{ origin: '/p/a.json', values: { 'directory.blocked': over } }], lastGood: first.lastGood });
    expect(second.values['directory.blocked']).toEqual(['+15550100999']);
    expect(second.problems).toContainEqual({
      origin: '/p/a.json',
      key: 'directory.blocked',
      message: 'has 10,001 entries; the most Focusline takes is 10,000. Keeping the last good value, ["+15550100999"], until this is fixed.',
    });
  });
});

describe('unknown keys', () => {
  it('a runaway export of 100,000 stray keys names 20 and counts the rest', () => {
    const raw = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`stray${i}`, i]));
    const flat = flattenSettings({ ...raw, 'focus.action': 'busy' }, '/p/a.json');
    expect(flat.values).toEqual({ 'focus.action': 'busy' });
    expect(flat.problems).toHaveLength(21);
    expect(flat.problems.at(-1)).toEqual({ origin: '/p/a.json', message: 'has 99980 more keys that are not Focusline settings; they are ignored too.' });
  });

  it('a key too long to be a typo gets no suggestion and is cut in the message', () => {
    const key = 'focus.action'.repeat(1000);
    const [problem] = flattenSettings({ [key]: 1 }, '/p/a.json').problems;
    expect(problem?.key).toHaveLength(100);
    expect(problem?.message).toBe('is not a Focusline setting, so it is ignored.');
  });

  it('a short typo still gets its suggestion', () => {
    expect(flattenSettings({ 'focus.acton': 'busy' }, '/p/a.json').problems[0]?.message).toMatch(/Did you mean focus\.action\?/);
  });
});

describe('last known good on disk', () => {
  it('revives only valid policy-level values for keys that exist', () => {
    const entries = [
      ['enforced\u0000/p/a.json\u0000focus.action', 'busy'],
      ['enforced\u0000/p/a.json\u0000focus.action\u0000extra', 'busy'],
      ['recommended\u0000/p/a.json\u0000focus.busyCode', 999],
      ['enforced\u0000/p/a.json\u0000no.such.key', 1],
      ['enforced\u0000/p/a.json\u0000account.password', 'x'],
      ['user\u0000/p/a.json\u0000focus.action', 'busy'],
      ['enforced\u0000\u0000focus.action', 'busy'],
    ] as const;
    expect([...reviveLastGood(entries)]).toEqual([['enforced\u0000/p/a.json\u0000focus.action', 'busy']]);
  });

  it('round-trips through the file, written only when it changed, private to the user', async () => {
    const dir = await tempDir();
    const path = join(dir, 'policy-last-good.json');
    const file = new LastGoodFile(path);
    expect(await file.load()).toEqual([]);
    const lastGood = resolveEffective({ enforced: [{ origin: '/p/a.json', values: { 'focus.action': 'busy' } }] }).lastGood;
    await file.save(lastGood);
    const { mode, mtimeMs } = await import('node:fs/promises').then((fs) => fs.stat(path));
    expect(mode & 0o777).toBe(0o600);
    await file.save(new Map(lastGood));
    expect((await import('node:fs/promises').then((fs) => fs.stat(path))).mtimeMs).toBe(mtimeMs);
    expect(await new LastGoodFile(path).load()).toEqual(serializeLastGood(lastGood));
  });

  it('a file Focusline did not write is ignored, and said so', async () => {
    const dir = await tempDir();
    const path = join(dir, 'policy-last-good.json');
    await writeFile(path, '{"entries": "nope"}');
    const logged: string[] = [];
    expect(await new LastGoodFile(path, (m) => logged.push(m)).load()).toEqual([]);
    expect(logged.join('\n')).toMatch(/not a last-good policy file Focusline wrote/);
  });

  it('a restart with a broken policy file still enforces what the file last said', async () => {
    const dir = await tempDir();
    const policyDir = join(dir, 'policies');
    await mkdir(join(policyDir, 'managed'), { recursive: true });
    const managed = join(policyDir, 'managed', 'focusline.json');
    const lastGoodPath = join(dir, 'policy-last-good.json');
    const run = async () => {
      const userSettings = new UserSettings(join(dir, 'settings.json'), new InMemorySecretStore());
      await userSettings.load();
      const service = new PolicyService({
        sources: { local: [new DirectoryPolicySource(policyDir)] },
        userSettings,
        lastGood: new LastGoodFile(lastGoodPath),
        rereadMs: 60_000,
      });
      cleanups.push(() => service.stop());
      await service.start();
      service.stop();
      return service.current();
    };
    await writeFile(managed, JSON.stringify({ 'focus.action': 'busy', 'directory.blocked': ['+15550100999'] }));
    expect((await run()).values['focus.action']).toBe('busy');

    await writeFile(managed, '{"focus.action": "bu');
    const after = await run();
    expect(after.values['focus.action']).toBe('busy');
    expect(after.values['directory.blocked']).toEqual(['+15550100999']);
    expect(after.provenance['focus.action']).toEqual({ source: 'enforced', origin: managed });
    expect(after.problems.map((p) => p.message)).toContain('Keeping the 2 setting(s) last read from here until it can be read again.');

    // A file the manager removed is no longer in effect, on disk either.
    await rm(managed);
    expect((await run()).values['focus.action']).toBe('redirect');
    await writeFile(managed, '{"focus.action": "bu');
    expect((await run()).values['focus.action']).toBe('redirect');
  });
});
