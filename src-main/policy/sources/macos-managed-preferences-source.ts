import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { parse, type PlistValue } from 'plist';
import { readFileUpTo } from '../../storage/bounded-read.js';
import { flattenSettings, isPlainObject } from '../flatten.js';
import { POLICY_SOURCE_MAX_BYTES, tooLargeMessage } from '../limits.js';
import type { PolicyProblem } from '../problems.js';
import { fromText } from './native-values.js';
import type { PolicyOrigin, PolicyReadResult, PolicySource } from './policy-source.js';
import type { CommandRunner } from './run-command.js';

export const MAC_MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';
export const MAC_PREFERENCES_DOMAIN = 'com.focusline.app';

export type MacManagedPreferencesOptions = {
  /** The logged-in user's short name, for the per-user managed preferences folder. */
  userName: string;
  dir?: string;
  domain?: string;
  /** For plutil, only when plist can't parse a binary file itself. */
  runCommand?: CommandRunner;
};

/**
 * macOS policy: the managed preferences an MDM profile installs, for the
 * computer (/Library/Managed Preferences/com.focusline.app.plist) and for the
 * user (…/<user>/com.focusline.app.plist). All of it is enforced: macOS has
 * no recommended layer here. When both set a key the user's wins, as in
 * CFPreferences' own search order (and the clash is reported).
 */
export class MacManagedPreferencesSource implements PolicySource {
  readonly name = 'macOS managed preferences';
  private readonly dir: string;
  private readonly domain: string;
  private readonly watchers: FSWatcher[] = [];

  constructor(private readonly options: MacManagedPreferencesOptions) {
    this.dir = options.dir ?? MAC_MANAGED_PREFERENCES_DIR;
    this.domain = options.domain ?? MAC_PREFERENCES_DOMAIN;
  }

  /** Lowest priority first. */
  get files(): string[] {
    return [join(this.dir, `${this.domain}.plist`), join(this.dir, this.options.userName, `${this.domain}.plist`)];
  }

  async read(): Promise<PolicyReadResult> {
    const reads = await Promise.all(this.files.map((file) => readManagedPlist(file, this.options.runCommand)));
    return { enforced: reads.flatMap((r) => (r.origin ? [r.origin] : [])), recommended: [], problems: reads.flatMap((r) => r.problems) };
  }

  /** FSEvents is dependable on macOS; the service's periodic re-read covers folders created later. */
  watch(onChange: () => void): () => void {
    for (const dir of [this.dir, join(this.dir, this.options.userName)]) {
      try {
        this.watchers.push(watch(dir, { persistent: false }, () => onChange()).on('error', () => {}));
      } catch {
        // Not there: no managed preferences yet.
      }
    }
    return () => {
      for (const watcher of this.watchers.splice(0)) watcher.close();
    };
  }
}

type FileRead = { origin?: PolicyOrigin; problems: PolicyProblem[] };

export async function readManagedPlist(path: string, run?: CommandRunner): Promise<FileRead> {
  let bytes: Buffer;
  try {
    const read = await readFileUpTo(path, POLICY_SOURCE_MAX_BYTES);
    if (read.kind === 'too-large') return unreadable(path, `The managed preferences file ${tooLargeMessage(read.bytes)}`);
    bytes = read.bytes;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { problems: [] };
    return unreadable(path, `Can't read the managed preferences: ${(err as Error).message}`);
  }
  let value: PlistValue;
  try {
    value = await parsePlist(bytes, path, run);
  } catch (err) {
    return unreadable(path, `This managed preferences file can't be read as a plist (${(err as Error).message}). Its last good settings stay in effect.`);
  }
  if (!isPlainObject(value)) return unreadable(path, 'The managed preferences must be a dictionary of settings.');
  const flat = flattenSettings(value, path);
  const converted = textAsJson(flat.values, path);
  return { origin: { origin: path, values: converted.values }, problems: [...flat.problems, ...converted.problems] };
}

/**
 * plist reads XML and binary plists itself; plutil (macOS only) is the
 * fallback for a binary variant it doesn't know.
 */
async function parsePlist(bytes: Buffer, path: string, run: CommandRunner | undefined): Promise<PlistValue> {
  const binary = bytes.subarray(0, 6).equals(Buffer.from('bplist'));
  // plist takes bytes as binary and text as XML (or OpenStep).
  if (!binary) return parse(bytes.toString('utf8'));
  try {
    return parse(bytes);
  } catch (err) {
    if (!run) throw err;
    const xml = await run('plutil', ['-convert', 'xml1', '-o', '-', path]);
    if (xml.code !== 0) throw new Error(`plutil failed: ${xml.stderr.trim() || `exit code ${xml.code}`}`, { cause: err });
    return parse(xml.stdout);
  }
}

/** A profile editor may only offer strings: a string for a list or number setting is read as JSON. */
function textAsJson(flat: Record<string, unknown>, path: string): { values: Record<string, unknown>; problems: PolicyProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: PolicyProblem[] = [];
  for (const [key, value] of Object.entries(flat)) {
    const converted = typeof value === 'string' ? fromText(key, value) : { ok: true as const, value };
    if (converted.ok) values[key] = converted.value;
    else problems.push({ origin: path, key, message: converted.message });
  }
  return { values, problems };
}

function unreadable(path: string, message: string): FileRead {
  return { origin: { origin: path, values: {}, unreadable: true }, problems: [{ origin: path, message }] };
}
