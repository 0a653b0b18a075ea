import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { flattenSettings } from '../../../src-main/policy/flatten.js';
import { resolveEffective } from '../../../src-main/policy/effective.js';
import { policyKeys } from '../../../src-main/policy/schema.js';
import { readManagedPlist } from '../../../src-main/policy/sources/macos-managed-preferences-source.js';
import { registryToPolicy } from '../../../src-main/policy/sources/windows-registry-source.js';
import type { RegKey } from '../../../src-main/policy/sources/reg-query.js';

const repoFile = (path: string) => new URL(`../../../${path}`, import.meta.url);
const text = async (path: string) => (await readFile(repoFile(path), 'utf8')).replace(/\r\n/g, '\n');

describe('docs/policy.example.json', () => {
  async function example() {
    return JSON.parse(await readFile(repoFile('docs/policy.example.json'), 'utf8')) as Record<string, unknown>;
  }

  it('is a policy Focusline applies in full, without a single problem', async () => {
    const flat = flattenSettings(await example(), 'docs/policy.example.json');
    const effective = resolveEffective({ enforced: [{ origin: 'docs/policy.example.json', values: flat.values }] });
    expect([...flat.problems, ...effective.problems]).toEqual([]);
    for (const key of Object.keys(flat.values)) expect(effective.provenance[key as keyof typeof effective.provenance].source).toBe('enforced');
    expect(effective.values['repeatCallers.breakThrough']).toBe(false);
    expect(effective.values['directory.coworkers'].length).toBeGreaterThan(1);
  });

  it('says the same thing as the .reg snippet in docs/policy.example.reg', async () => {
    const { $schema: _skip, ...expected } = await example();
    const read = registryToPolicy('HKLM', parseRegFile(await readFile(repoFile('docs/policy.example.reg'), 'utf8')));
    expect(read.problems).toEqual([]);
    expect(read.enforced[0]?.values).toEqual(expected);
  });

  it('says the same thing as the plist in docs/policy.example.plist', async () => {
    const { $schema: _skip, ...expected } = await example();
    const read = await readManagedPlist(fileURLToPath(repoFile('docs/policy.example.plist')));
    expect(read.problems).toEqual([]);
    expect(read.origin?.values).toEqual(expected);
  });
});

/** Just enough of regedit's .reg format for the docs snippet: keys, "name"="text" and "name"=dword:hex. */
function parseRegFile(text: string): RegKey[] {
  const keys: RegKey[] = [];
  for (const line of text.split(/\r?\n/)) {
    const key = /^\[(.+)\]$/.exec(line);
    if (key) keys.push({ path: key[1]!, values: [] });
    const sz = /^"(.+?)"="(.*)"$/.exec(line);
    if (sz) keys.at(-1)?.values.push({ name: sz[1]!, type: 'REG_SZ', data: sz[2]!.replace(/\\(["\\])/g, '$1') });
    const dword = /^"(.+?)"=dword:([0-9a-f]{8})$/i.exec(line);
    if (dword) keys.at(-1)?.values.push({ name: dword[1]!, type: 'REG_DWORD', data: `0x${dword[2]!}` });
  }
  return keys;
}

describe('docs/policy.md', () => {
  it('shows the example files as they are', async () => {
    const doc = await text('docs/policy.md');
    for (const file of ['docs/policy.example.json', 'docs/policy.example.reg', 'docs/policy.example.plist']) {
      expect(doc, `${file} differs from its copy in docs/policy.md`).toContain((await text(file)).trimEnd());
    }
  });

  it('has a row for every setting policy may set', async () => {
    const doc = await text('docs/policy.md');
    expect(policyKeys().filter((key) => !doc.includes(`| \`${key}\` |`))).toEqual([]);
  });
});
