// Each PSA folder's descriptor is the only place its keys, labels and form
// fields are named; these checks keep the pieces consistent with the policy
// registry that gathers them and the form main sends the renderer.
import { describe, expect, it } from 'vitest';
import { PSA_KINDS } from '../../../src-shared/vocabulary.js';
import { isSettingKey, settingsRegistry } from '../../../src-main/policy/schema.js';
import { PSA_REGISTRY, psaForms, psaLabel } from '../../../src-main/tickets/psa-registry.js';
import { writeOnce } from '../../../src-main/tickets/psa.js';

describe('the PSA registry', () => {
  it('has one descriptor for every PSA kind of the wire but the built-in store', () => {
    expect(Object.keys(PSA_REGISTRY).sort()).toEqual(PSA_KINDS.filter((k) => k !== 'local').sort());
    for (const [kind, d] of Object.entries(PSA_REGISTRY)) expect(d.kind).toBe(kind);
  });

  it('names each PSA’s own settings psa.<kind>.*, and the policy registry holds them with the same specs', () => {
    for (const d of Object.values(PSA_REGISTRY)) {
      for (const [key, spec] of Object.entries(d.settings)) {
        expect(key.startsWith(`psa.${d.kind}.`)).toBe(true);
        expect(settingsRegistry[key as keyof typeof settingsRegistry]).toBe(spec);
      }
    }
  });

  it('asks in each form only for settings that exist, and for each secret once', () => {
    for (const d of Object.values(PSA_REGISTRY)) {
      for (const field of d.form.fields) expect(isSettingKey(field.key), `${d.kind}: ${field.key}`).toBe(true);
      expect(new Set(d.secrets.map((s) => s.field)).size).toBe(d.secrets.length);
    }
  });

  it('offers the built-in store first, then every PSA with its form, as Settings → PSA lists them', () => {
    const forms = psaForms();
    expect(forms.map((f) => f.kind)).toEqual(['local', 'connectwise', 'autotask', 'halopsa', 'rt']);
    expect(forms[0]).toMatchObject({ label: 'Built-in ticket store (no PSA)', fields: [], secrets: [] });
    expect(forms.find((f) => f.kind === 'rt')).toMatchObject({
      label: 'Request Tracker',
      fields: [{ key: 'psa.url', label: 'RT URL' }, { key: 'psa.queue' }],
      secrets: [{ field: 'token', label: 'Auth token' }],
    });
    expect(psaLabel('local')).toBe('Built-in ticket store');
    expect(psaLabel('halopsa')).toBe('HaloPSA');
  });
});

describe('writeOnce', () => {
  const calls: string[] = [];
  const search = (found: string | null) => async () => {
    calls.push('search');
    return found;
  };
  const write = async () => {
    calls.push('write');
    return 'written';
  };

  it('skips the search on the ref’s first try', async () => {
    calls.length = 0;
    expect(await writeOnce({ ref: 'r', firstTry: true }, search('earlier'), write)).toBe('written');
    expect(calls).toEqual(['write']);
  });

  it('returns what an earlier try wrote instead of writing again', async () => {
    calls.length = 0;
    expect(await writeOnce({ ref: 'r' }, search('earlier'), write)).toBe('earlier');
    expect(calls).toEqual(['search']);
  });

  it('writes when the search finds nothing', async () => {
    calls.length = 0;
    expect(await writeOnce({ ref: 'r', firstTry: false }, search(null), write)).toBe('written');
    expect(calls).toEqual(['search', 'write']);
  });
});
