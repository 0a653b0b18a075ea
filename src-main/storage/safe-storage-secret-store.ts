import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from './json-file.js';
import type { SecretStore } from './secret-store.js';

/** The slice of Electron's safeStorage we use, injected so this runs without Electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
  getSelectedStorageBackend?(): string;
}

const CipherFileSchema = z.record(z.string(), z.string());

/**
 * Electron's secret store: values are encrypted by the OS keychain
 * (DPAPI, Keychain, libsecret/kwallet) and only ciphertext touches the disk.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'os-keychain' as const;
  readonly warning?: string;
  private readonly path: string;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    dataDir: string,
  ) {
    this.path = join(dataDir, 'secrets.json');
    // On Linux without a keyring Chromium falls back to a hardcoded key: say so.
    if (safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
      this.warning =
        'No system keyring was found (GNOME Keyring or KWallet), so secrets are protected only by a fixed key. Install and unlock a keyring to protect them.';
    }
  }

  async get(key: string): Promise<string | undefined> {
    const cipher = (await this.load())[key];
    if (cipher === undefined) return undefined;
    return this.safeStorage.decryptString(Buffer.from(cipher, 'base64'));
  }

  async set(key: string, value: string): Promise<void> {
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new Error('The OS keychain is not available, so Focusline cannot store the password safely. Unlock your keychain and try again.');
    }
    const all = await this.load();
    all[key] = this.safeStorage.encryptString(value).toString('base64');
    await writeJsonFileAtomic(this.path, all, 0o600);
  }

  async delete(key: string): Promise<void> {
    const all = await this.load();
    delete all[key];
    await writeJsonFileAtomic(this.path, all, 0o600);
  }

  private async load(): Promise<Record<string, string>> {
    const raw = await readJsonFile(this.path);
    if (raw === undefined) return {};
    const parsed = CipherFileSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${this.path} is damaged; delete it and enter your password again.`);
    return parsed.data;
  }
}
