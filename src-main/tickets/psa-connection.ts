import type { Clock } from '../../src-shared/time/clock.js';
import type { ConnectionReportSchema, PsaStatusView } from '../ipc/contract.js';
import { checkValue, isSettingKey, settingsRegistry, type SettingsValues } from '../policy/schema.js';
import type { SecretStore } from '../storage/secret-store.js';
import type { PsaAdapterDeps } from './psa-config.js';
import {
  createPsaAdapter,
  psaSecretFields,
  psaInstanceKey,
  psaSecretKey,
  readPsaSecrets,
  toAdapterConfig,
  type PsaSecrets,
  type RemotePsaKind,
} from './psa-factory.js';
import type { PsaAdapter, PsaKind } from './psa.js';
import { psaLabel } from './psa-registry.js';
import type { z } from 'zod';
import { messageOf } from '../../src-shared/errors.js';

type ConnectionReport = z.infer<typeof ConnectionReportSchema>;

export type PsaForm = { kind: PsaKind; values: Record<string, unknown>; secrets: Record<string, string> };

type Built =
  | { kind: 'local' }
  | { kind: RemotePsaKind; state: 'connected'; adapter: PsaAdapter; instanceKey: string }
  | { kind: RemotePsaKind; state: 'incomplete'; missing: string[] }
  | { kind: RemotePsaKind; state: 'error'; problem: string };

export type PsaConnectionOptions = {
  secrets: SecretStore;
  clock: Clock;
  log: (message: string) => void;
  /** Tests inject fetch; the app uses Node's. */
  deps?: PsaAdapterDeps;
  /** Builds the adapter for a config; the shipped adapters by default (tests pass an in-memory PSA). */
  createAdapter?: typeof createPsaAdapter;
};

/**
 * Which PSA is connected, built from the effective settings and the
 * keychain. Rebuilds the adapter only when its configuration really changed,
 * and tells listeners (the watcher, the sync, the outbox) when it did.
 */
export class PsaConnection {
  private built: Built = { kind: 'local' };
  /** Which secrets the keychain holds, as of the last apply (read there; status is asked after every poll). */
  private secretsStored: Record<string, boolean> = {};
  private fingerprint = 'local';
  private applying: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(adapter: PsaAdapter | null, instanceKey: string | null) => void>();

  constructor(private readonly options: PsaConnectionOptions) {}

  get kind(): PsaKind {
    return this.built.kind;
  }

  adapter(): PsaAdapter | null {
    return this.built.kind !== 'local' && this.built.state === 'connected' ? this.built.adapter : null;
  }

  instanceKey(): string | null {
    return this.built.kind !== 'local' && this.built.state === 'connected' ? this.built.instanceKey : null;
  }

  onAdapterChange(listener: (adapter: PsaAdapter | null, instanceKey: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the settings and secrets; rebuilds and announces when anything that matters changed. One at a time, in call order. */
  apply(values: SettingsValues): Promise<void> {
    const run = this.applying.then(() => this.applyNow(values));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async applyNow(values: SettingsValues): Promise<void> {
    const kind = values['psa.kind'];
    let secrets: PsaSecrets;
    try {
      secrets = kind === 'local' ? {} : await readPsaSecrets(this.options.secrets, kind);
      this.secretsStored = Object.fromEntries(Object.entries(secrets).map(([field, value]) => [field, value !== '']));
    } catch (error) {
      this.secretsStored = kind === 'local' ? {} : Object.fromEntries(psaSecretFields(kind).map(({ field }) => [field, false]));
      // A damaged keychain entry must not stop the app: the phone works, the PSA says why it doesn't.
      const problem = `Focusline can't read the ${psaLabel(kind)} secret from the keychain (${messageOf(error)}). Enter it again in Settings → PSA.`;
      this.setBuilt(`unreadable:${kind}:${problem}`, kind === 'local' ? { kind } : { kind, state: 'error', problem });
      return;
    }
    // Only what goes into the adapter counts: a change to, say, psa.logAttempts must not reconnect (and restart sync).
    const config = toAdapterConfig(values, secrets);
    const fingerprint = JSON.stringify({ kind, config, region: values['numbers.defaultRegion'] });
    if (fingerprint === this.fingerprint) return;
    this.setBuilt(fingerprint, this.build(values, secrets));
  }

  private setBuilt(fingerprint: string, built: Built): void {
    if (fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    this.built = built;
    if (this.built.kind !== 'local' && this.built.state !== 'connected') this.options.log(`PSA not connected: ${describe(this.built)}`);
    for (const listener of this.listeners) listener(this.adapter(), this.instanceKey());
  }

  /** "Test connection" on the form's values, before they are saved. Locked settings keep their enforced values. */
  async test(current: SettingsValues, form: PsaForm, isLocked: (key: string) => boolean = () => false): Promise<ConnectionReport> {
    if (form.kind === 'local')
      return {
        ok: true,
        who: psaLabel('local'),
        checks: [{ name: 'Built-in ticket store', ok: true, detail: 'Always available; tickets stay on this computer.' }],
        warnings: [],
      };
    if (isLocked('psa.kind') && form.kind !== current['psa.kind']) {
      return {
        ok: false,
        checks: [{ name: 'Settings', ok: false, detail: `Your organization has set the PSA to ${psaLabel(current['psa.kind'])}.` }],
        warnings: [],
      };
    }
    const values = overlay(current, form, isLocked);
    let stored: PsaSecrets;
    try {
      stored = await readPsaSecrets(this.options.secrets, form.kind);
    } catch {
      stored = {};
    }
    const secrets: PsaSecrets = { ...stored, ...nonBlank(form.secrets) };
    const config = toAdapterConfig(values, secrets);
    if (!config.ok) return { ok: false, checks: [{ name: 'Settings', ok: false, detail: `Fill in: ${config.missing.join(', ')}.` }], warnings: [] };
    try {
      return await this.create(config.config, this.deps(values)).testConnection();
    } catch (error) {
      return { ok: false, checks: [{ name: 'Connect', ok: false, detail: messageOf(error) }], warnings: [] };
    }
  }

  /** Stores the form's secrets in the keychain (blank: keep what is stored). Values are saved by the caller through policy. */
  async saveSecrets(form: PsaForm): Promise<void> {
    if (form.kind === 'local') return;
    const allowed = new Set(psaSecretFields(form.kind).map((f) => f.field));
    for (const [field, value] of Object.entries(nonBlank(form.secrets))) {
      if (!allowed.has(field)) throw new Error(`${psaLabel(form.kind)} has no secret called "${field}".`);
      await this.options.secrets.set(psaSecretKey(form.kind, field), value);
    }
  }

  async status(extra: Pick<PsaStatusView, 'lastPollAt' | 'pollError' | 'sync'>): Promise<PsaStatusView> {
    const b = this.built;
    const label = b.kind === 'local' ? psaLabel('local') : b.state === 'connected' ? b.adapter.label : psaLabel(b.kind);
    return {
      kind: b.kind,
      label,
      state: b.kind === 'local' ? 'local' : b.state,
      missing: b.kind !== 'local' && b.state === 'incomplete' ? b.missing : [],
      problem: b.kind !== 'local' && b.state === 'error' ? b.problem : null,
      secretsStored: this.secretsStored,
      ...extra,
    };
  }

  private build(values: SettingsValues, secrets: PsaSecrets): Built {
    const kind = values['psa.kind'];
    if (kind === 'local') return { kind };
    const config = toAdapterConfig(values, secrets);
    if (!config.ok) return { kind, state: 'incomplete', missing: config.missing };
    try {
      return { kind, state: 'connected', adapter: this.create(config.config, this.deps(values)), instanceKey: psaInstanceKey(config.config) };
    } catch (error) {
      return { kind, state: 'error', problem: messageOf(error) };
    }
  }

  private get create(): typeof createPsaAdapter {
    return this.options.createAdapter ?? createPsaAdapter;
  }

  private deps(values: SettingsValues): PsaAdapterDeps {
    return { now: () => this.options.clock.now(), log: this.options.log, defaultRegion: values['numbers.defaultRegion'], ...this.options.deps };
  }
}

/** The form's values over the effective ones, each checked against its setting's schema; locked ones stay as enforced. */
function overlay(current: SettingsValues, form: PsaForm, isLocked: (key: string) => boolean): SettingsValues {
  const next: Record<string, unknown> = { ...current, 'psa.kind': form.kind };
  for (const [key, value] of Object.entries(form.values)) {
    if (!isSettingKey(key)) throw new Error(`Unknown PSA setting "${key}".`);
    if (isLocked(key)) continue;
    const checked = checkValue(settingsRegistry[key], value);
    if (!checked.ok) throw new Error(`${key}: ${checked.message}`);
    next[key] = checked.value;
  }
  return next as SettingsValues;
}

function nonBlank(secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(secrets)
      .filter(([, v]) => v.trim() !== '')
      .map(([k, v]) => [k, v.trim()]),
  );
}

function describe(b: Built): string {
  if (b.kind === 'local') return 'built-in store';
  if (b.state === 'incomplete') return `${psaLabel(b.kind)} settings are incomplete (missing: ${b.missing.join(', ')}).`;
  if (b.state === 'error') return b.problem;
  return b.adapter.label;
}
