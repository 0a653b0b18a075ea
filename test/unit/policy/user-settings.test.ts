import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserSettings } from '../../../src-main/policy/user-settings.js';
import { SIP_PASSWORD_KEY } from '../../../src-main/storage/secret-store.js';
import { openConfSettingsFile, type OpenSettingsFile, type SettingsFileOptions } from '../../../src-main/storage/settings-file.js';
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

describe('user settings beyond the account', () => {
  it('reads a file written by earlier versions as before', async () => {
    const path = join(await dir(), 'settings.json');
    const legacy = { account, devices: { microphoneId: 'mic', speakerId: 'default', ringDeviceId: 'ring' }, iceServers: [{ urls: 'stun:stun.example.com' }] };
    await writeFile(path, JSON.stringify(legacy));
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.load();
    expect(settings.problem).toBeUndefined();
    expect(settings.settings).toEqual(legacy);
  });

  it('keeps other settings the technician sets, nested by group, and only what they set', async () => {
    const path = join(await dir(), 'settings.json');
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.saveAccount(account, undefined);
    await settings.setValue('focus.action', 'voicemail');
    await settings.setValue('hours.weekly', { mon: [{ start: '09:00', end: '17:00' }] });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      account,
      focus: { action: 'voicemail' },
      hours: { weekly: { mon: [{ start: '09:00', end: '17:00' }] } },
    });
    const again = new UserSettings(path, new InMemorySecretStore());
    await again.load();
    expect(again.userValues).toEqual({
      ...prefixed('account.', account),
      'focus.action': 'voicemail',
      'hours.weekly': { mon: [{ start: '09:00', end: '17:00' }] },
    });
    await again.clearValue('focus.action');
    expect(JSON.parse(await readFile(path, 'utf8')).focus).toBeUndefined();
  });

  it('skips a bad or policy-only key, naming it, and applies the rest', async () => {
    const path = join(await dir(), 'settings.json');
    await writeFile(path, JSON.stringify({ account, focus: { busyCode: 404, action: 'busy' }, policy: { url: 'https://x.example/p.json' } }));
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.load();
    expect(settings.userValues['focus.action']).toBe('busy');
    expect(settings.userValues['focus.busyCode']).toBeUndefined();
    expect(settings.userValues['policy.url']).toBeUndefined();
    expect(settings.settings.account).toEqual(account);
    expect(settings.problems.map((p) => p.key)).toEqual(['focus.busyCode', 'policy.url']);
    expect(settings.problem?.message).toMatch(/focus\.busyCode: .*policy\.url: can only be set by your organization's policy/);
  });

  it('refuses a bad value, a policy-only key and an unknown key when setting one', async () => {
    const settings = new UserSettings(join(await dir(), 's.json'), new InMemorySecretStore());
    await expect(settings.setValue('focus.busyCode', 404)).rejects.toThrow(/focus\.busyCode/);
    await expect(settings.setValue('policy.pollSeconds', 60)).rejects.toThrow(/organization's policy/);
    await expect(settings.setValue('focus.nope', 1)).rejects.toThrow(/not a Focusline setting/);
  });

  it('moves PSA secrets found in the settings file into the secret store and out of the file, flat or nested', async () => {
    const path = join(await dir(), 'settings.json');
    const secrets = new InMemorySecretStore();
    const logs: string[] = [];
    await writeFile(
      path,
      JSON.stringify({
        psa: { kind: 'rt', url: 'https://rt.example.com', rt: { token: '1-14-rt-secret-token' } },
        'psa.connectwise.privateKey': 'cw-private-key',
        focus: { action: 'busy' },
      }),
    );
    const settings = new UserSettings(path, secrets, (m) => logs.push(m));
    await settings.load();
    expect(secrets.values.get('psa.rt.token')).toBe('1-14-rt-secret-token');
    expect(secrets.values.get('psa.connectwise.privateKey')).toBe('cw-private-key');
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('rt-secret-token');
    expect(text).not.toContain('cw-private-key');
    expect(JSON.parse(text)).toEqual({ psa: { kind: 'rt', url: 'https://rt.example.com' }, focus: { action: 'busy' } });
    // The rest of the file still applies, and the secrets are neither reported as unknown settings nor logged.
    expect(settings.userValues).toMatchObject({ 'psa.kind': 'rt', 'psa.url': 'https://rt.example.com', 'focus.action': 'busy' });
    expect(settings.problems).toEqual([]);
    expect(logs).toEqual([`Moved the ConnectWise PSA private key and the Request Tracker auth token from ${path} to the OS keychain.`]);
  });

  it('moves the password out without touching the rest of the file', async () => {
    const path = join(await dir(), 'settings.json');
    const secrets = new InMemorySecretStore();
    await writeFile(path, JSON.stringify({ 'account.password': 'flat-secret', account, focus: { busyCode: 404 } }));
    await new UserSettings(path, secrets).load();
    expect(secrets.values.get(SIP_PASSWORD_KEY)).toBe('flat-secret');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ account, focus: { busyCode: 404 } });
  });
});

describe('the settings file on disk', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('leaves a broken file exactly as it was and works with defaults until the technician saves', async () => {
    const path = join(await dir(), 'settings.json');
    const broken = '{ "account": { "wsServer": "wss://pbx.example.com/ws", ';
    await writeFile(path, broken);
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.load();
    expect(settings.problems).toEqual([{ origin: path, message: settings.problem?.message }]);
    expect((await settings.view()).account).toBeNull();
    expect(settings.settings.iceServers).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe(broken);
  });

  it('reports a file that is JSON but not an object of settings, and keeps it beside the saved one', async () => {
    const d = await dir();
    const path = join(d, 'settings.json');
    await writeFile(path, '["wss://pbx.example.com/ws"]');
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.load();
    expect(settings.problems).toEqual([{ origin: path, message: 'must be a JSON object of settings.' }]);
    expect(settings.problem?.message).toBe(`${path} has settings Focusline can't use: must be a JSON object of settings.`);
    await settings.saveAccount(account, undefined);
    const aside = (await readdir(d)).find((f) => f.startsWith('settings.json.broken-')) ?? '';
    expect(await readFile(join(d, aside), 'utf8')).toBe('["wss://pbx.example.com/ws"]');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ account });
  });

  it('reports a file it cannot read by name, works with defaults, and saves once it is set aside', async () => {
    const d = await dir();
    const path = join(d, 'settings.json');
    // A folder where the file should be: unreadable as a file, even for root.
    await mkdir(path);
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.load();
    expect(settings.problem?.message.startsWith(`Can't read ${path}: EISDIR`)).toBe(true);
    expect((await settings.view()).account).toBeNull();
    await settings.saveAccount(account, undefined);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ account });
    const aside = (await readdir(d)).find((f) => f.startsWith('settings.json.broken-')) ?? '';
    expect((await stat(join(d, aside))).isDirectory()).toBe(true);
  });

  it('saves nothing over a broken file it cannot set aside, and says which file and what to do', async () => {
    const d = await dir();
    const path = join(d, 'settings.json');
    await writeFile(path, '{ not json');
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    // The name it would be kept under is taken by a folder, so the rename fails.
    await mkdir(join(d, 'settings.json.broken-1700000000000', 'taken'), { recursive: true });
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.load();
    await expect(settings.saveAccount(account, undefined)).rejects.toThrow(
      /didn't save: .*settings\.json has problems and could not be kept as .*Move or fix that file/,
    );
    expect(await readFile(path, 'utf8')).toBe('{ not json');
  });

  it('keeps the $schema line first and writes pretty JSON with a final newline', async () => {
    const path = join(await dir(), 'settings.json');
    await writeFile(path, JSON.stringify({ $schema: './settings.schema.json', account }));
    const settings = new UserSettings(path, new InMemorySecretStore());
    await settings.load();
    await settings.setValue('focus.action', 'voicemail');
    const text = await readFile(path, 'utf8');
    expect(text).toBe(JSON.stringify({ $schema: './settings.schema.json', account, focus: { action: 'voicemail' } }, null, 2) + '\n');
  });

  it("reads and writes through the store it is handed, opened with conf's options for that file", async () => {
    const d = await dir();
    const path = join(d, 'managed.json');
    const opened: SettingsFileOptions[] = [];
    const openSettingsFile: OpenSettingsFile = (options) => {
      opened.push(options);
      return openConfSettingsFile(options);
    };
    const settings = new UserSettings(path, new InMemorySecretStore(), () => {}, openSettingsFile);
    await settings.load();
    await settings.setValue('focus.action', 'busy');
    expect(opened).toEqual([expect.objectContaining({ cwd: d, configName: 'managed', fileExtension: 'json', clearInvalidConfig: false })]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ focus: { action: 'busy' } });
  });

  it("keeps the password safe and says so when the file can't be rewritten without it", async () => {
    const path = join(await dir(), 'settings.json');
    await writeFile(path, JSON.stringify({ account: { ...account, password: 'hunter2' } }));
    const secrets = new InMemorySecretStore();
    const logs: string[] = [];
    const readOnly: OpenSettingsFile = (options) => {
      const file = openConfSettingsFile(options);
      return {
        path: file.path,
        get store() {
          return file.store;
        },
        set store(_document) {
          throw new Error(`EACCES: permission denied, open '${file.path}'`);
        },
      };
    };
    await new UserSettings(path, secrets, (m) => logs.push(m), readOnly).load();
    expect(secrets.values.get(SIP_PASSWORD_KEY)).toBe('hunter2');
    expect(logs).toEqual([
      `The SIP password was stored safely, but ${path} could not be rewritten without it: EACCES: permission denied, open '${path}'. Remove the password from that file by hand.`,
    ]);
  });
});

function prefixed(prefix: string, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}${k}`, v]));
}
