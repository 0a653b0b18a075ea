import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from './json-file.js';
import type { SecretStore } from './secret-store.js';

const SecretsFileSchema = z.record(z.string(), z.string());

export const OWNER_ONLY_WARNING =
  'Web mode keeps secrets in a file only your user account can read (mode 0600). It is not the OS keychain: anyone with your account or a copy of the disk can read it.';

/** Web mode's secret store: a 0600 JSON file in the data folder. */
export class OwnerOnlyFileSecretStore implements SecretStore {
  readonly kind = 'owner-only-file' as const;
  readonly warning = OWNER_ONLY_WARNING;
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'secrets.web.json');
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.load())[key];
  }

  async set(key: string, value: string): Promise<void> {
    const all = await this.load();
    all[key] = value;
    await this.save(all);
  }

  async delete(key: string): Promise<void> {
    const all = await this.load();
    delete all[key];
    await this.save(all);
  }

  private async load(): Promise<Record<string, string>> {
    const raw = await readJsonFile(this.path);
    if (raw === undefined) return {};
    await this.tightenMode();
    const parsed = SecretsFileSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${this.path} is damaged; delete it and enter your password again.`);
    return parsed.data;
  }

  private async save(all: Record<string, string>): Promise<void> {
    await writeJsonFileAtomic(this.path, all, 0o600);
    await chmod(this.path, 0o600);
  }

  /** A file copied in by hand may carry looser permissions; fix them before trusting it. */
  private async tightenMode(): Promise<void> {
    if (process.platform === 'win32') return;
    const { mode } = await stat(this.path);
    if ((mode & 0o077) !== 0) await chmod(this.path, 0o600);
  }
}
