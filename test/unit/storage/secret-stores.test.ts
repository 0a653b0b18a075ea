import { describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnerOnlyFileSecretStore } from '../../../src-main/storage/owner-only-file-secret-store.js';
import { SafeStorageSecretStore, type SafeStorageLike } from '../../../src-main/storage/safe-storage-secret-store.js';
import { resolveDataDir } from '../../../src-main/storage/data-dir.js';

const dir = () => mkdtemp(join(tmpdir(), 'fl-secrets-'));

describe('owner-only file secret store (web mode)', () => {
  it('writes the file readable by its owner only', async () => {
    const d = await dir();
    const store = new OwnerOnlyFileSecretStore(d);
    await store.set('sip.password', 's3cret');
    const { mode } = await stat(join(d, 'secrets.web.json'));
    expect(mode & 0o777).toBe(0o600);
    expect(await store.get('sip.password')).toBe('s3cret');
    expect(store.warning).toMatch(/not the OS keychain/);
  });

  it('tightens a file whose mode was loosened', async () => {
    const d = await dir();
    const store = new OwnerOnlyFileSecretStore(d);
    await store.set('k', 'v');
    await chmod(join(d, 'secrets.web.json'), 0o644);
    await store.get('k');
    expect((await stat(join(d, 'secrets.web.json'))).mode & 0o777).toBe(0o600);
  });
});

/** A reversible stand-in for the OS keychain, so the test can see ciphertext is what lands on disk. */
const fakeSafeStorage = (backend = 'gnome_libsecret'): SafeStorageLike => ({
  isEncryptionAvailable: () => true,
  encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
  getSelectedStorageBackend: () => backend,
});

describe('safeStorage secret store (Electron)', () => {
  it('keeps only ciphertext on disk', async () => {
    const d = await dir();
    const store = new SafeStorageSecretStore(fakeSafeStorage(), d);
    await store.set('sip.password', 'plain-password');
    expect(await readFile(join(d, 'secrets.json'), 'utf8')).not.toContain('plain-password');
    expect(await store.get('sip.password')).toBe('plain-password');
    expect(store.warning).toBeUndefined();
  });

  it('warns when Linux has no keyring (basic_text)', () => {
    expect(new SafeStorageSecretStore(fakeSafeStorage('basic_text'), '/tmp').warning).toMatch(/keyring/);
  });

  it('refuses to store when encryption is unavailable', async () => {
    const store = new SafeStorageSecretStore({ ...fakeSafeStorage(), isEncryptionAvailable: () => false }, await dir());
    await expect(store.set('k', 'v')).rejects.toThrow(/keychain is not available/);
  });
});

describe('data folder', () => {
  it('honours FOCUSLINE_DATA_DIR', () => {
    expect(resolveDataDir({ FOCUSLINE_DATA_DIR: '/srv/fl' }, 'linux')).toBe('/srv/fl');
  });
  it('uses each OS per-user app-data folder', () => {
    expect(resolveDataDir({ HOME: '/home/j' }, 'linux')).toBe('/home/j/.config/Focusline');
    expect(resolveDataDir({ HOME: '/home/j', XDG_CONFIG_HOME: '/x' }, 'linux')).toBe('/x/Focusline');
    expect(resolveDataDir({ HOME: '/Users/j' }, 'darwin')).toBe('/Users/j/Library/Application Support/Focusline');
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\j\\AppData\\Roaming', HOME: 'C:\\Users\\j' }, 'win32')).toMatch(/Roaming.Focusline$/);
  });
});
