import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { flattenSettings, isPlainObject } from '../flatten.js';
import type { PolicyProblem } from '../problems.js';
import type { PolicyOrigin, PolicyReadResult, PolicySource } from './policy-source.js';

/** Linux's policy folder; FOCUSLINE_POLICY_DIR replaces it on every OS. */
export const LINUX_POLICY_DIR = '/etc/focusline/policies';

/**
 * Policy as JSON files: `<dir>/managed/*.json` (enforced) and
 * `<dir>/recommended/*.json`, each folder applied in file-name order, the
 * later file winning a key both set (and the clash reported). The same layout
 * as Chrome's /etc/opt/chrome/policies.
 */
export class DirectoryPolicySource implements PolicySource {
  readonly name: string;
  private readonly watchers = new Map<string, FSWatcher>();
  private onChange: (() => void) | undefined;

  constructor(readonly dir: string) {
    this.name = `policy folder ${dir}`;
  }

  async read(): Promise<PolicyReadResult> {
    // Re-arm here: each periodic re-read repairs a watcher lost to a deleted and re-created folder.
    if (this.onChange) this.arm();
    const [enforced, recommended] = await Promise.all([readLevel(join(this.dir, 'managed')), readLevel(join(this.dir, 'recommended'))]);
    return { enforced: enforced.origins, recommended: recommended.origins, problems: [...enforced.problems, ...recommended.problems] };
  }

  watch(onChange: () => void): () => void {
    this.onChange = onChange;
    this.arm();
    return () => {
      this.onChange = undefined;
      for (const watcher of this.watchers.values()) watcher.close();
      this.watchers.clear();
    };
  }

  /** Watches the folder and both level folders, those that exist; fs.watch can't watch what isn't there yet. */
  private arm(): void {
    for (const dir of [this.dir, join(this.dir, 'managed'), join(this.dir, 'recommended')]) {
      if (this.watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, () => this.onChange?.());
        watcher.on('error', () => {
          watcher.close();
          this.watchers.delete(dir);
          this.onChange?.();
        });
        this.watchers.set(dir, watcher);
      } catch {
        // Not there (yet): the periodic re-read notices when it appears.
      }
    }
  }
}

type LevelRead = { origins: PolicyOrigin[]; problems: PolicyProblem[] };

async function readLevel(dir: string): Promise<LevelRead> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { origins: [], problems: [] };
    return { origins: [], problems: [{ origin: dir, message: `Can't list the policy folder: ${(err as Error).message}` }] };
  }
  // Code-unit order, not locale order: the same on every machine, as managers expect from 10-, 20-, 30- prefixes.
  const files = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reads = await Promise.all(files.map((name) => readPolicyFile(join(dir, name))));
  return { origins: reads.flatMap((r) => (r.origin ? [r.origin] : [])), problems: reads.flatMap((r) => r.problems) };
}

type FileRead = { origin?: PolicyOrigin; problems: PolicyProblem[] };

/** One file; a file that exists but can't be parsed is `unreadable`, so its last good values stay. */
export async function readPolicyFile(path: string): Promise<FileRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { problems: [] }; // deleted between listing and reading
    return unreadable(path, `Can't read this policy file: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return unreadable(path, `This policy file is not valid JSON (${(err as Error).message}). Fix it; until then its last good settings stay in effect.`);
  }
  if (!isPlainObject(raw)) return unreadable(path, 'A policy file must be a JSON object of settings, like {"focus.action": "redirect"}.');
  const flat = flattenSettings(raw, path);
  return { origin: { origin: path, values: flat.values }, problems: flat.problems };
}

function unreadable(path: string, message: string): FileRead {
  return { origin: { origin: path, values: {}, unreadable: true }, problems: [{ origin: path, message }] };
}
