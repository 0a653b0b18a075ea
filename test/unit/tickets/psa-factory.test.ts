import { describe, expect, it } from 'vitest';
import { defaultValues, type SettingsValues } from '../../../src-main/policy/schema.js';
import { psaInstanceKey, toAdapterConfig } from '../../../src-main/tickets/psa-factory.js';

const values = (patch: Partial<SettingsValues>): SettingsValues => ({ ...defaultValues(), ...patch });

describe('toAdapterConfig', () => {
  it('the built-in store needs no adapter', () => {
    expect(toAdapterConfig(values({}), {})).toEqual({ ok: false, missing: [] });
  });

  it('names every missing setting and secret the way the form does', () => {
    expect(toAdapterConfig(values({ 'psa.kind': 'connectwise', 'psa.url': 'https://na.myconnectwise.net' }), {})).toEqual({
      ok: false,
      missing: ['Private key', 'Company id', 'Public key', 'Client id'],
    });
    expect(toAdapterConfig(values({ 'psa.kind': 'rt' }), { token: 't' })).toEqual({ ok: false, missing: ['URL'] });
  });

  it("fills in the PSA's usual working status when policy names none", () => {
    const rt = toAdapterConfig(values({ 'psa.kind': 'rt', 'psa.url': 'https://rt.example.com' }), { token: '1-2-abc' });
    expect(rt).toMatchObject({ ok: true, config: { kind: 'rt', url: 'https://rt.example.com', token: '1-2-abc', workingStatuses: ['open'] } });
    const halo = toAdapterConfig(
      values({ 'psa.kind': 'halopsa', 'psa.url': 'https://acme.halopsa.com', 'psa.halopsa.clientId': 'c', 'psa.workingStatuses': ['Working'] }),
      { clientSecret: 's' },
    );
    expect(halo).toMatchObject({ ok: true, config: { workingStatuses: ['Working'], clientSecret: 's' } });
  });

  it('Autotask starts zone discovery at the public address unless told otherwise', () => {
    const at = toAdapterConfig(values({ 'psa.kind': 'autotask', 'psa.autotask.username': 'api@msp.example' }), { secret: 's', integrationCode: 'i' });
    expect(at).toMatchObject({ ok: true, config: { url: 'https://webservices.autotask.net/atservicesrest', impersonationResourceId: '' } });
  });

  it('keys the caller index by PSA and address, so two PSAs never share contacts', () => {
    const a = toAdapterConfig(values({ 'psa.kind': 'rt', 'psa.url': 'https://RT.example.com/' }), { token: 't' });
    const b = toAdapterConfig(values({ 'psa.kind': 'rt', 'psa.url': 'https://rt2.example.com' }), { token: 't' });
    if (!a.ok || !b.ok) throw new Error('expected configs');
    expect(psaInstanceKey(a.config)).toBe('rt:https://rt.example.com');
    expect(psaInstanceKey(a.config)).not.toBe(psaInstanceKey(b.config));
  });
});
