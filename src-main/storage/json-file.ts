import { mkdir, readFile, rename, writeFile, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.js';

export class JsonFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'JsonFileError';
  }
}

/** Reads a JSON file; a missing file is `undefined`, a broken one is a clear error naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new JsonFileError(path, `Can't read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new JsonFileError(path, `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Writes through a temp file, fsync and rename, so a crash mid-write leaves
 * either the old file or the new one — never half of each.
 */
export async function writeJsonFileAtomic(path: string, value: unknown, mode = 0o644): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await open(tmp, 'w', mode);
  try {
    await handle.writeFile(JSON.stringify(value, null, 2) + '\n', 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, path);
}

/** Appends one line to a private file (0600 when it is created: the lines are the user's data, e.g. the call history). */
export async function appendLine(path: string, line: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  await writeFile(path, line.endsWith('\n') ? line : line + '\n', { flag: 'a', encoding: 'utf8', mode: PRIVATE_FILE_MODE });
}
