import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LockedSettingError, PolicyService, type PolicyChangeListener } from '../../../src-main/policy/policy-service.js';
import { DirectoryPolicySource } from '../../../src-main/policy/sources/directory-source.js';
import type { PolicyReadResult, PolicySource, RemotePolicySource, RemotePolicyTarget } from '../../../src-main/policy/sources/policy-source.js';
import { SettingValueError, UserSettings } from '../../../src-main/policy/user-settings.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

const services: PolicyService[] = [];
afterEach(() => {
  for (const service of services.splice(0)) service.stop();
});

const waitFor = <T>(check: () => T) => vi.waitFor(check, { timeout: 3000, interval: 20 });

async function setup(options: { local?: PolicySource[]; remote?: RemotePolicySource; rereadMs?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'fl-policy-service-'));
  const policyDir = join(dir, 'policies');
  await mkdir(join(policyDir, 'managed'), { recursive: true });
  await mkdir(join(policyDir, 'recommended'), { recursive: true });
  const userSettings = new UserSettings(join(dir, 'settings.json'), new InMemorySecretStore());
  await userSettings.load();
  const service = new PolicyService({
    sources: { local: options.local ?? [new DirectoryPolicySource(policyDir)], ...(options.remote ? { remote: options.remote } : {}) },
    userSettings,
    debounceMs: 20,
    rereadMs: options.rereadMs ?? 500,
  });
  services.push(service);
  const changes: Parameters<PolicyChangeListener>[] = [];
  service.onChange((effective, keys) => changes.push([effective, keys]));
  const managed = (name: string) => join(policyDir, 'managed', name);
  return { dir, policyDir, userSettings, service, changes, managed };
}

describe('PolicyService hot reload from a policy folder', () => {
  it('follows a file as it is written, changed, broken mid-write, fixed and removed', async () => {
    // No periodic re-read within the test: fs.watch alone must notice.
    const { service, changes, managed } = await setup({ rereadMs: 60_000 });
    await service.start();
    expect(service.current().values['focus.action']).toBe('redirect');

    await writeFile(managed('10-focus.json'), JSON.stringify({ 'focus.action': 'busy', 'focus.busyCode': 480 }));
    await waitFor(() => expect(service.current().values['focus.action']).toBe('busy'));
    expect(service.current().provenance['focus.action']).toEqual({ source: 'enforced', origin: managed('10-focus.json') });
    expect(changes.at(-1)?.[1].sort()).toEqual(['focus.action', 'focus.busyCode']);

    await writeFile(managed('10-focus.json'), JSON.stringify({ 'focus.action': 'voicemail', 'focus.busyCode': 480 }));
    await waitFor(() => expect(service.current().values['focus.action']).toBe('voicemail'));
    expect(changes.at(-1)?.[1]).toEqual(['focus.action']);

    // Truncated mid-write: the last good values stay, and the problem shows.
    await writeFile(managed('10-focus.json'), '{"focus.action": "sil');
    await waitFor(() =>
      expect(
        service
          .current()
          .problems.map((p) => p.message)
          .join(),
      ).toMatch(/not valid JSON/),
    );
    expect(service.current().values['focus.action']).toBe('voicemail');
    expect(service.current().values['focus.busyCode']).toBe(480);
    expect(service.isLocked('focus.action')).toBe(true);
    expect(changes.at(-1)?.[1]).toEqual([]);

    await writeFile(managed('10-focus.json'), JSON.stringify({ 'focus.action': 'silent' }));
    await waitFor(() => expect(service.current().values['focus.action']).toBe('silent'));
    expect(service.current().problems).toEqual([]);
    expect(service.current().values['focus.busyCode']).toBe(486);

    await rm(managed('10-focus.json'));
    await waitFor(() => expect(service.current().values['focus.action']).toBe('redirect'));
    expect(service.isLocked('focus.action')).toBe(false);
  });

  it('keeps the last good value of a key that becomes invalid', async () => {
    const { service, managed } = await setup();
    await writeFile(managed('10-focus.json'), JSON.stringify({ 'focus.redirectTarget': 'sip:2000@pbx.example.com' }));
    await service.start();
    expect(service.current().values['focus.redirectTarget']).toBe('sip:2000@pbx.example.com');
    await writeFile(managed('10-focus.json'), JSON.stringify({ 'focus.redirectTarget': '2000' }));
    await waitFor(() => expect(service.current().problems).toHaveLength(1));
    expect(service.current().problems[0]).toMatchObject({ origin: managed('10-focus.json'), key: 'focus.redirectTarget' });
    expect(service.current().values['focus.redirectTarget']).toBe('sip:2000@pbx.example.com');
  });

  it('picks up a folder created after start, through the periodic re-read', async () => {
    const { service, policyDir } = await setup({ rereadMs: 200 });
    await rm(policyDir, { recursive: true });
    await service.start();
    await mkdir(join(policyDir, 'recommended'), { recursive: true });
    await writeFile(join(policyDir, 'recommended', 'r.json'), JSON.stringify({ 'numbers.defaultRegion': 'GB' }));
    await waitFor(() => expect(service.current().values['numbers.defaultRegion']).toBe('GB'));
  });

  it('stops every timer and watcher on stop()', async () => {
    const { service, managed } = await setup({ rereadMs: 50 });
    await service.start();
    service.stop();
    await writeFile(managed('10-focus.json'), JSON.stringify({ 'focus.action': 'busy' }));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(service.current().values['focus.action']).toBe('redirect');
  });
});

/** A source without change notices whose content the test sets: like the registry, or a share where fs.watch stays silent. */
class SilentSource implements PolicySource {
  readonly name = 'silent source';
  result: PolicyReadResult = { enforced: [], recommended: [], problems: [] };
  fail = false;
  async read() {
    if (this.fail) throw new Error('registry unavailable');
    return this.result;
  }
  watch() {
    return () => {};
  }
}

describe('PolicyService re-reading and failing sources', () => {
  it('re-reads a source that sends no change notice', async () => {
    const source = new SilentSource();
    const { service } = await setup({ local: [source], rereadMs: 100 });
    await service.start();
    source.result = { enforced: [{ origin: 'HKLM\\Software\\Policies\\Focusline', values: { 'focus.busyCode': 480 } }], recommended: [], problems: [] };
    await waitFor(() => expect(service.current().values['focus.busyCode']).toBe(480));
  });

  it('keeps what a source gave when reading it throws, and says so', async () => {
    const source = new SilentSource();
    source.result = { enforced: [{ origin: 'HKLM', values: { 'focus.busyCode': 480 } }], recommended: [], problems: [] };
    const { service } = await setup({ local: [source] });
    await service.start();
    source.fail = true;
    await service.reload();
    expect(service.current().values['focus.busyCode']).toBe(480);
    expect(service.current().problems).toEqual(
      expect.arrayContaining([
        { origin: 'silent source', message: expect.stringContaining('registry unavailable') },
        expect.objectContaining({ origin: 'HKLM' }),
      ]),
    );
  });

  it('points the URL source at policy.url from the machine policy, and ranks the URL document below it', async () => {
    const local = new SilentSource();
    local.result = {
      enforced: [{ origin: 'machine', values: { 'policy.url': 'https://policy.example.com/p.json', 'policy.pollSeconds': 60, 'focus.busyCode': 480 } }],
      recommended: [],
      problems: [],
    };
    const targets: (RemotePolicyTarget | undefined)[] = [];
    const remote: RemotePolicySource = {
      name: 'fake URL',
      async configure(target) {
        targets.push(target);
      },
      async read() {
        return {
          enforced: [{ origin: 'https://policy.example.com/p.json', values: { 'focus.busyCode': 486, 'focus.action': 'busy' } }],
          recommended: [],
          problems: [],
        };
      },
      watch: () => () => {},
    };
    const { service } = await setup({ local: [local], remote });
    await service.start();
    expect(targets).toEqual([{ url: 'https://policy.example.com/p.json', pollSeconds: 60 }]);
    expect(service.current().values['focus.busyCode']).toBe(480);
    expect(service.current().values['focus.action']).toBe('busy');
    expect(service.current().provenance['focus.action']).toEqual({ source: 'enforced', origin: 'https://policy.example.com/p.json' });
  });
});

describe('PolicyService and the technician’s own settings', () => {
  it('refuses to change a locked setting, with a message for the technician', async () => {
    const { service, managed } = await setup();
    await writeFile(managed('10-focus.json'), JSON.stringify({ 'focus.action': 'redirect', 'focus.redirectTarget': 'sip:2000@pbx.example.com' }));
    await service.start();
    await expect(service.setUserValue('focus.action', 'silent')).rejects.toThrow(LockedSettingError);
    await expect(service.setUserValue('focus.action', 'silent')).rejects.toThrow(/focus\.action is managed by your organization/);
    expect(service.lockedKeys()).toEqual(['focus.action', 'focus.redirectTarget']);
  });

  it('refuses a policy-only key, an unknown key and a bad value', async () => {
    const { service } = await setup();
    await service.start();
    await expect(service.setUserValue('policy.url', 'https://x.example/p.json')).rejects.toThrow(/can only be set by your organization's policy/);
    await expect(service.setUserValue('focus.bogus', 1)).rejects.toThrow(SettingValueError);
    await expect(service.setUserValue('focus.busyCode', 404)).rejects.toThrow(/focus\.busyCode/);
    expect(service.current().values['policy.url']).toBe('');
  });

  it('only policy may trust links from other apps: the technician cannot waive the question', async () => {
    const { service } = await setup();
    await service.start();
    await expect(service.setUserValue('links.trusted', true)).rejects.toThrow(/can only be set by your organization's policy/);
    expect(service.current().values['links.trusted']).toBe(false);
  });

  it('saves a setting the technician may change, over the recommendation, and clearing it brings the recommendation back', async () => {
    const { service, policyDir, userSettings, changes } = await setup();
    await writeFile(join(policyDir, 'recommended', 'r.json'), JSON.stringify({ 'focus.action': 'voicemail' }));
    await userSettings.saveAccount({ wsServer: 'wss://pbx.example.com/ws', sipUri: 'sip:1001@pbx.example.com', authUser: '', displayName: 'Jane' }, 'pw');
    await service.start();
    expect(service.current().provenance['focus.action'].source).toBe('recommended');

    await service.setUserValue('focus.action', 'busy');
    expect(service.current().values['focus.action']).toBe('busy');
    expect(service.current().provenance['focus.action']).toEqual({ source: 'user', origin: userSettings.path });
    expect(changes.at(-1)?.[1]).toEqual(['focus.action']);
    const file = JSON.parse(await readFile(userSettings.path, 'utf8'));
    expect(file).toEqual({
      account: { wsServer: 'wss://pbx.example.com/ws', sipUri: 'sip:1001@pbx.example.com', authUser: '', displayName: 'Jane' },
      focus: { action: 'busy' },
    });

    await service.clearUserValue('focus.action');
    expect(service.current().values['focus.action']).toBe('voicemail');
  });

  it('follows saves made straight through UserSettings', async () => {
    const { service, userSettings, changes } = await setup();
    await service.start();
    await userSettings.saveDevices({ microphoneId: 'mic-1', speakerId: 'default', ringDeviceId: 'default' });
    await waitFor(() => expect(service.current().values['devices.microphoneId']).toBe('mic-1'));
    expect(changes.at(-1)?.[1]).toEqual(['devices.microphoneId', 'devices.speakerId', 'devices.ringDeviceId']);
  });

  it('shows the organization’s server in the settings view, locked', async () => {
    const { service, managed, userSettings } = await setup();
    await writeFile(managed('10-pbx.json'), JSON.stringify({ account: { wsServer: 'wss://pbx.corp.example/ws' } }));
    await userSettings.saveAccount({ wsServer: 'wss://old.example/ws', sipUri: 'sip:1001@pbx.corp.example', authUser: '', displayName: '' }, undefined);
    await service.start();
    const view = await service.settingsView();
    expect(view.account?.wsServer).toBe('wss://pbx.corp.example/ws');
    expect(view.locked).toEqual(['account.wsServer']);
    expect(service.policyView().entries.find((e) => e.key === 'account.wsServer')).toMatchObject({
      source: 'enforced',
      locked: true,
      value: '"wss://pbx.corp.example/ws"',
    });
  });

  it('warns when a redirect has nowhere to go', async () => {
    const { service, managed } = await setup();
    await writeFile(managed('10.json'), JSON.stringify({ 'hours.afterHoursAction': 'redirect' }));
    await service.start();
    expect(service.current().problems).toEqual([
      { origin: managed('10.json'), key: 'hours.afterHoursAction', message: expect.stringContaining('hours.afterHoursTarget is empty') },
    ]);
  });
});
