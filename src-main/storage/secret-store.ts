/**
 * The secrets port. SIP passwords and PSA keys go through it and nowhere else.
 * Async from day one: Electron 45 deprecates the sync safeStorage calls.
 */
export interface SecretStore {
  readonly kind: 'os-keychain' | 'owner-only-file';
  /** Shown to the user when the store is weaker than the OS keychain. */
  readonly warning?: string;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export const SIP_PASSWORD_KEY = 'sip.password';
