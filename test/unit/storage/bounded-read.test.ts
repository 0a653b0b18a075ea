import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFileUpTo } from '../../../src-main/storage/bounded-read.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function fileOf(bytes: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-bounded-'));
  dirs.push(dir);
  const path = join(dir, 'f.json');
  await writeFile(path, Buffer.alloc(bytes, 0x20));
  return path;
}

describe('readFileUpTo', () => {
  it('reads a file at the limit whole', async () => {
    const read = await readFileUpTo(await fileOf(1000), 1000);
    expect(read.kind).toBe('read');
    expect(read.kind === 'read' && read.bytes.length).toBe(1000);
  });

  it('refuses a file one byte over the limit, with its size', async () => {
    expect(await readFileUpTo(await fileOf(1001), 1000)).toEqual({ kind: 'too-large', bytes: 1001 });
  });

  it('reads an empty file', async () => {
    const read = await readFileUpTo(await fileOf(0), 1000);
    expect(read.kind === 'read' && read.bytes.length).toBe(0);
  });

  it('throws ENOENT for a missing file, as readFile does', async () => {
    await expect(readFileUpTo(join(tmpdir(), 'fl-no-such-file.json'), 1000)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
