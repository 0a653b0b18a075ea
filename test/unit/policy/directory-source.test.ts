import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryPolicySource } from '../../../src-main/policy/sources/directory-source.js';
import { resolveEffective } from '../../../src-main/policy/effective.js';

async function policyDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-policy-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

describe('the policy folder', () => {
  it('reads managed as enforced and recommended as recommended, each in file-name order', async () => {
    const dir = await policyDir({
      'managed/20-b.json': JSON.stringify({ 'focus.busyCode': 480 }),
      'managed/10-a.json': JSON.stringify({ focus: { action: 'busy', busyCode: 486 } }),
      'managed/README.txt': 'not policy',
      'managed/.10-a.json.swp': '{',
      'recommended/10-r.json': JSON.stringify({ 'numbers.defaultRegion': 'GB' }),
    });
    const read = await new DirectoryPolicySource(dir).read();
    expect(read.enforced.map((o) => o.origin)).toEqual([join(dir, 'managed/10-a.json'), join(dir, 'managed/20-b.json')]);
    expect(read.enforced[0]?.values).toEqual({ 'focus.action': 'busy', 'focus.busyCode': 486 });
    expect(read.recommended).toEqual([{ origin: join(dir, 'recommended/10-r.json'), values: { 'numbers.defaultRegion': 'GB' } }]);
    expect(read.problems).toEqual([]);
  });

  it('reports a key set by two files of one level, naming both; the later file wins', async () => {
    const dir = await policyDir({
      'managed/10-a.json': JSON.stringify({ 'focus.busyCode': 486 }),
      'managed/20-b.json': JSON.stringify({ 'focus.busyCode': 480 }),
    });
    const effective = resolveEffective({ enforced: (await new DirectoryPolicySource(dir).read()).enforced });
    expect(effective.values['focus.busyCode']).toBe(480);
    expect(effective.problems).toHaveLength(1);
    expect(effective.problems[0]).toMatchObject({ key: 'focus.busyCode', origin: join(dir, 'managed/20-b.json') });
    expect(effective.problems[0]?.message).toContain(join(dir, 'managed/10-a.json'));
  });

  it('marks a file that is not JSON (or not an object) unreadable, naming it', async () => {
    const dir = await policyDir({ 'managed/10-a.json': '{"focus.action": "bu', 'managed/20-b.json': '[1, 2]', 'managed/30-c.json': '' });
    const read = await new DirectoryPolicySource(dir).read();
    expect(read.enforced.map((o) => o.unreadable)).toEqual([true, true, true]);
    expect(read.problems.map((p) => p.origin)).toEqual(['10-a', '20-b', '30-c'].map((f) => join(dir, `managed/${f}.json`)));
    expect(read.problems[0]?.message).toMatch(/not valid JSON/);
    expect(read.problems[1]?.message).toMatch(/JSON object/);
  });

  it('reports unknown keys by file and key', async () => {
    const dir = await policyDir({ 'recommended/10-r.json': JSON.stringify({ focus: { actoin: 'busy' } }) });
    const read = await new DirectoryPolicySource(dir).read();
    expect(read.problems).toEqual([
      { origin: join(dir, 'recommended/10-r.json'), key: 'focus.actoin', message: expect.stringContaining('Did you mean focus.action?') },
    ]);
  });

  it('is empty, without problems, when the folder does not exist', async () => {
    expect(await new DirectoryPolicySource(join(tmpdir(), 'fl-no-such-policy-dir')).read()).toEqual({ enforced: [], recommended: [], problems: [] });
  });
});
