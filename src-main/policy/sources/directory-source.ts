import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileUpTo } from '../../storage/bounded-read.js';
import { flattenSettings, isPlainObject } from '../flatten.js';
import { POLICY_SOURCE_MAX_BYTES, tooLargeMessage } from '../limits.js';
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
  /** Each file's last read, by its stamp: the minute's re-read of an unchanged 4 MB file is a stat, not a parse. */
  private readonly reads = new Map<string, { stamp: string; read: FileRead }>();
  /** Each level folder's files at its last listing. */
  private readonly listed = new Map<string, string[]>();

  constructor(readonly dir: string) {
    this.name = `policy folder ${dir}`;
  }

  async read(): Promise<PolicyReadResult> {
    // Re-arm here: each periodic re-read repairs a watcher lost to a deleted and re-created folder.
    if (this.onChange) this.arm();
    const seen = new Set<string>();
    const readFile = async (path: string) => {
      seen.add(path);
      return this.readUnlessUnchanged(path);
    };
    const level = async (dir: string): Promise<LevelRead> => {
      const read = await readLevel(dir, readFile);
      if (!read.unlisted) {
        this.listed.set(
          dir,
          read.origins.map((o) => o.origin),
        );
        return read;
      }
      // The files it listed last time stay, as unreadable: their last good values stay in effect.
      const origins = (this.listed.get(dir) ?? []).map((origin) => ({ origin, values: {}, unreadable: true }));
      return { origins, problems: read.problems };
    };
    const [enforced, recommended] = await Promise.all([level(join(this.dir, 'managed')), level(join(this.dir, 'recommended'))]);
    for (const path of this.reads.keys()) if (!seen.has(path)) this.reads.delete(path);
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

  /**
   * The file's read from last time when its inode, size, mtime and ctime are
   * all the same, so its values keep their identity and aren't validated
   * again; otherwise a fresh read.
   */
  private async readUnlessUnchanged(path: string): Promise<FileRead> {
    let stamp: string;
    let settled: boolean;
    try {
      const s = await stat(path, { bigint: true });
      stamp = `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
      // git's "racy clean" rule: a file changed within the file system's timestamp step of
      // being read could change again with the same stamp, so it is trusted only once it is older.
      settled = Date.now() - Number(s.mtimeMs) > RACY_MS;
    } catch {
      this.reads.delete(path);
      return readPolicyFile(path); // gone or unreadable: readPolicyFile says which
    }
    const cached = this.reads.get(path);
    if (cached?.stamp === stamp) return cached.read;
    const read = await readPolicyFile(path);
    // A read that failed on I/O (a virus scanner's lock, EMFILE) is tried again next time, never remembered.
    if (settled && !read.ioError) this.reads.set(path, { stamp, read });
    else this.reads.delete(path);
    return read;
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

/** How old a file's timestamps must be before its stamp is trusted (timestamps step 1-4 ms on older Linux, 100 ns to 2 s elsewhere). */
const RACY_MS = 2_000;

/** `unlisted`: the folder exists but couldn't be listed this time (EACCES, EIO). */
type LevelRead = { origins: PolicyOrigin[]; problems: PolicyProblem[]; unlisted?: boolean };

async function readLevel(dir: string, readFile: (path: string) => Promise<FileRead>): Promise<LevelRead> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { origins: [], problems: [] };
    return {
      origins: [],
      unlisted: true,
      problems: [{ origin: dir, message: `Can't list the policy folder: ${(err as Error).message}. The settings its files last gave stay in effect.` }],
    };
  }
  // Code-unit order, not locale order: the same on every machine, as managers expect from 10-, 20-, 30- prefixes.
  const files = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reads = await Promise.all(files.map((name) => readFile(join(dir, name))));
  return { origins: reads.flatMap((r) => (r.origin ? [r.origin] : [])), problems: reads.flatMap((r) => r.problems) };
}

/** `ioError`: the file exists but reading it failed (not its content): worth trying again. */
type FileRead = { origin?: PolicyOrigin; problems: PolicyProblem[]; ioError?: boolean };

/** One file; a file that exists but can't be parsed is `unreadable`, so its last good values stay. */
export async function readPolicyFile(path: string): Promise<FileRead> {
  let text: string;
  try {
    const read = await readFileUpTo(path, POLICY_SOURCE_MAX_BYTES);
    if (read.kind === 'too-large') return unreadable(path, `This policy file ${tooLargeMessage(read.bytes)}`);
    text = read.bytes.toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { problems: [] }; // deleted between listing and reading
    return { ...unreadable(path, `Can't read this policy file: ${(err as Error).message}`), ioError: true };
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
