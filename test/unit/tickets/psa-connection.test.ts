import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/focus/system-clock.js';
import { defaultValues, type SettingsValues } from '../../../src-main/policy/schema.js';
import type { PsaAdapterConfig } from '../../../src-main/tickets/psa-config.js';
import { PsaConnection } from '../../../src-main/tickets/psa-connection.js';
import type { SecretStore } from '../../../src-main/storage/secret-store.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';
import { FakePsaAdapter } from './fake-psa-adapter.js';

const RT: Partial<SettingsValues> = { 'psa.kind': 'rt', 'psa.url': 'https://rt.example.com' };
const values = (patch: Partial<SettingsValues>): SettingsValues => ({ ...defaultValues(), ...patch });

function connection(secrets: SecretStore = new InMemorySecretStore()) {
  const built: PsaAdapterConfig[] = [];
  const changes: (string | null)[] = [];
  const psa = new PsaConnection({
    secrets,
    clock: systemClock,
    log: () => {},
    createAdapter: (config) => {
      built.push(config);
      return new FakePsaAdapter({ kind: config.kind, label: `Fake ${config.kind}` });
    },
  });
  psa.onAdapterChange((_adapter, key) => changes.push(key));
  return { psa, built, changes, secrets };
}

describe('PsaConnection', () => {
  it('connects once the secret is there, and says what is missing before', async () => {
    const c = connection();
    await c.psa.apply(values(RT));
    expect(await c.psa.status({ lastPollAt: null, pollError: null, sync: [] })).toMatchObject({
      state: 'incomplete',
      missing: ['Auth token'],
      secretsStored: { token: false },
    });
    await c.psa.saveSecrets({ kind: 'rt', values: {}, secrets: { token: ' 1-2-abc ' } });
    await c.psa.apply(values(RT));
    expect(c.built).toEqual([expect.objectContaining({ kind: 'rt', token: '1-2-abc' })]);
    expect(c.changes).toEqual([null, 'rt:https://rt.example.com']);
  });

  it('does not reconnect for settings the adapter does not use (a manual Stop must hold, the sync must not restart)', async () => {
    const c = connection();
    await c.psa.saveSecrets({ kind: 'rt', values: {}, secrets: { token: 't' } });
    await c.psa.apply(values(RT));
    await c.psa.apply(values({ ...RT, 'psa.logAttempts': 'all', 'psa.coworkersFromPsa': true, 'psa.pollSeconds': 60 }));
    expect(c.built).toHaveLength(1);
    await c.psa.apply(values({ ...RT, 'psa.url': 'https://rt2.example.com' }));
    expect(c.built).toHaveLength(2);
  });

  it('a keychain that fails to read leaves the PSA in error, saying so, and never throws', async () => {
    const broken: SecretStore = {
      kind: 'os-keychain',
      get: async () => {
        throw new Error('The encrypted value could not be decrypted');
      },
      set: async () => {},
      delete: async () => {},
    };
    const c = connection(broken);
    await expect(c.psa.apply(values(RT))).resolves.toBeUndefined();
    const status = await c.psa.status({ lastPollAt: null, pollError: null, sync: [] });
    expect(status).toMatchObject({ state: 'error', secretsStored: { token: false } });
    expect(status.problem).toMatch(/can't read the Request Tracker secret from the keychain .*decrypted.*Enter it again/);
  });

  it('refuses a secret field another PSA has (a token typed before switching PSA)', async () => {
    const c = connection();
    await expect(c.psa.saveSecrets({ kind: 'connectwise', values: {}, secrets: { token: 'x' } })).rejects.toThrow(
      /ConnectWise PSA has no secret called "token"/,
    );
  });

  it('Test connection keeps locked settings as enforced, whatever the form says', async () => {
    const c = connection();
    await c.secrets.set('psa.rt.token', 'stored');
    const locked = new Set(['psa.url']);
    await c.psa.test(values(RT), { kind: 'rt', values: { 'psa.url': 'https://attacker.example' }, secrets: {} }, (k) => locked.has(k));
    expect(c.built).toEqual([expect.objectContaining({ url: 'https://rt.example.com', token: 'stored' })]);
    const refused = await c.psa.test(values(RT), { kind: 'halopsa', values: {}, secrets: {} }, (k) => k === 'psa.kind');
    expect(refused.ok).toBe(false);
    expect(refused.checks[0]?.detail).toMatch(/organization has set the PSA to Request Tracker/);
  });
});
