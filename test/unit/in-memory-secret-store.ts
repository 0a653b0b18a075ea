import type { SecretStore } from '../../src-main/storage/secret-store.js';

/** A SecretStore for tests that must not touch a keychain. */
export class InMemorySecretStore implements SecretStore {
  readonly kind = 'os-keychain' as const;
  readonly values = new Map<string, string>();
  async get(key: string) {
    return this.values.get(key);
  }
  async set(key: string, value: string) {
    this.values.set(key, value);
  }
  async delete(key: string) {
    this.values.delete(key);
  }
}
