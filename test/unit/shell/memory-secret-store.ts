import type { SecretStore } from '../../../src-main/storage/secret-store.js';

/** Secrets kept in a Map, for tests that need real services but no keychain. */
export class MemorySecretStore implements SecretStore {
  readonly kind = 'os-keychain' as const;
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}
