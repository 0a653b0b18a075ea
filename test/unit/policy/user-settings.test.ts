import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserSettings } from '../../../src-main/policy/user-settings.js';
import { SIP_PASSWORD_KEY } from '../../../src-main/storage/secret-store.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

const account = { wsServer: 'wss://pbx.example.com/ws', sipUri: 'sip:1001@pbx.example.com', authUser: '1001', displayName: 'Jane' };

async function dir() {
  return mkdtemp(join(tmpdir(), 'fl-settings-'));
}

describe('user settings', () => {
  it('moves a password found in the settings file into the secret store and out of the file', async () => {
    const d = await dir();
    const path = join(d, 'config.json');
    await writeFile(path, JSON.stringify({ account: { ...account, password: 'hunter2' } }));
    const secrets = new InMemorySecretStore();
    const settings = new UserSettings(path, secrets);
    await settings.load();
    expect(secrets.values.get(SIP_PASSWORD_KEY)).toBe('hunter2');
    expect(await readFile(path, 'utf8')).not.toContain('hunter2');
    expect((await settings.view()).hasPassword).toBe(true);
    expect(JSON.stringify(await settings.view())).not.toContain('hunter2');
  });

  it('starts empty without a file', async () => {
    const settings = new UserSettings(join(await dir(), 'none.json'), new InMemorySecretStore());
    await settings.load();
    expect((await settings.view()).account).toBeNull();
    expect(settings.settings.iceServers).toEqual([]);
  });

  it('reports a broken file by name and sets it aside instead of overwriting it', async () => {
    const d = await dir();
    const path = join(d, 'settings.json');
    await writeFile(path, '{ "account": { "wsServer": ');
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.load();
    expect(settings.problem?.message).toContain(path);
    expect(settings.problem?.message).toMatch(/not valid JSON/);
    await settings.saveAccount(account, 'pw');
    const files = await readdir(d);
    expect(files.some((f) => f.startsWith('settings.json.broken-'))).toBe(true);
    expect(JSON.parse(await readFile(path, 'utf8')).account.sipUri).toBe(account.sipUri);
  });

  it('names the bad key in a file with a wrong value', async () => {
    const d = await dir();
    const path = join(d, 'settings.json');
    await writeFile(path, JSON.stringify({ account: { ...account, wsServer: 'http://pbx' } }));
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.load();
    expect(settings.problem?.message).toMatch(/account\.wsServer/);
  });

  it('keeps the saved password when the form leaves it blank', async () => {
    const secrets = new InMemorySecretStore();
    const settings = new UserSettings(join(await dir(), 's.json'), secrets);
    await settings.saveAccount(account, 'first');
    await settings.saveAccount({ ...account, displayName: 'J' }, '');
    expect(await settings.password()).toBe('first');
    expect(settings.settings.account?.displayName).toBe('J');
  });
});
