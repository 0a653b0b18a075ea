import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from '../storage/json-file.js';
import { PRIVATE_FILE_MODE } from '../storage/private-files.js';
import { serializeLastGood, type LastGoodEntries } from './effective.js';
import type { LastKnownGood } from './effective.js';

export const LAST_GOOD_FILE = 'policy-last-good.json';

/** Where the last good policy values are kept between runs; the PolicyService's port. */
export interface LastGoodStore {
  /** The entries saved last time; none when there is no file or it can't be used (the problem is logged). */
  load(): Promise<LastGoodEntries>;
  save(lastGood: LastKnownGood): Promise<void>;
}

const FileSchema = z.object({ version: z.literal(1), entries: z.array(z.tuple([z.string(), z.unknown()])) });

/**
 * The last good values of every policy source, on disk (0600 in the data
 * folder), so a file or registry key that is broken at start still applies
 * what it last said: without this a restart with a manager's half-written
 * file would quietly unlock everything it enforced. The values are checked
 * against the settings registry again when read back (effective.ts).
 * Writes are skipped when nothing changed: the sources are re-read every
 * minute.
 */
export class LastGoodFile implements LastGoodStore {
  private written: string | undefined;
  private saved: LastKnownGood | undefined;

  constructor(
    private readonly path: string,
    private readonly log: (message: string) => void = () => {},
  ) {}

  async load(): Promise<LastGoodEntries> {
    try {
      const parsed = FileSchema.safeParse(await readJsonFile(this.path));
      if (parsed.success) {
        this.written = JSON.stringify(parsed.data.entries);
        return parsed.data.entries;
      }
      if (parsed.error) this.log(`Ignoring ${this.path}: it is not a last-good policy file Focusline wrote.`);
    } catch (err) {
      this.log(`Ignoring the last good policy: ${(err as Error).message}`);
    }
    return [];
  }

  async save(lastGood: LastKnownGood): Promise<void> {
    // The minute's re-read hands back the same value objects when nothing changed: compare those before serialising megabytes.
    if (this.saved && sameEntries(this.saved, lastGood)) return;
    const entries = serializeLastGood(lastGood);
    const text = JSON.stringify(entries);
    if (text === this.written) return;
    await writeJsonFileAtomic(this.path, { version: 1, entries }, PRIVATE_FILE_MODE);
    this.written = text;
    this.saved = lastGood;
  }
}

function sameEntries(a: LastKnownGood, b: LastKnownGood): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of b) if (!a.has(key) || a.get(key) !== value) return false;
  return true;
}
