import type { SettingsValues } from '../policy/schema.js';
import type { SecretStore } from '../storage/secret-store.js';
import { DEFAULT_PSA_TIMEOUT_MS, type PsaAdapterConfig, type PsaAdapterDeps, type PsaCommonConfig } from './psa-config.js';
import type { PsaSecretField, RemotePsaKind } from './psa-descriptor.js';
import { psaDescriptor } from './psa-registry.js';
import type { PsaAdapter } from './psa.js';

/**
 * Builds the connected PSA's adapter from the effective settings (URL, ids:
 * policy or the tech) and the secrets (keychain only). Pure apart from the
 * secret reads, so "is it configured, and what is missing" is tested plainly.
 */

export type { RemotePsaKind } from './psa-descriptor.js';

/** The secrets each PSA needs, with the label the settings form shows. */
export function psaSecretFields(kind: RemotePsaKind): readonly PsaSecretField[] {
  return psaDescriptor(kind).secrets;
}

export type PsaSecrets = Record<string, string>;

export function psaSecretKey(kind: RemotePsaKind, field: string): string {
  return `psa.${kind}.${field}`;
}

export async function readPsaSecrets(store: SecretStore, kind: RemotePsaKind): Promise<PsaSecrets> {
  const entries = await Promise.all(psaSecretFields(kind).map(async ({ field }) => [field, (await store.get(psaSecretKey(kind, field))) ?? ''] as const));
  return Object.fromEntries(entries);
}

export type ConfigResult = { ok: true; config: PsaAdapterConfig } | { ok: false; missing: string[] };

/** The adapter config, or the list of settings still missing (named as the form names them). */
export function toAdapterConfig(values: SettingsValues, secrets: PsaSecrets): ConfigResult {
  const kind = values['psa.kind'];
  if (kind === 'local') return { ok: false, missing: [] };
  const psa = psaDescriptor(kind);
  const common: PsaCommonConfig = {
    workingStatuses: values['psa.workingStatuses'].length > 0 ? values['psa.workingStatuses'] : [...psa.defaultWorkingStatuses],
    queue: values['psa.queue'],
    unknownCallerCompany: values['psa.unknownCallerCompany'],
    stopwatchMinSeconds: values['psa.stopwatchMinSeconds'],
    timeoutMs: DEFAULT_PSA_TIMEOUT_MS,
  };
  const secret = (field: string) => secrets[field] ?? '';
  const missing: string[] = [];
  const need = (value: string, label: string) => {
    if (!value) missing.push(label);
    return value;
  };
  for (const { field, label } of psa.secrets) need(secret(field), label);
  const config = psa.configFrom(values, common, secret, need);
  return missing.length > 0 ? { ok: false, missing } : { ok: true, config };
}

export function createPsaAdapter(config: PsaAdapterConfig, deps: PsaAdapterDeps = {}): PsaAdapter {
  return psaDescriptor(config.kind).create(config, deps);
}

/** A stable name for this PSA instance, so the caller index never mixes two PSAs' contacts. */
export function psaInstanceKey(config: PsaAdapterConfig): string {
  return `${config.kind}:${config.url.replace(/\/+$/, '').toLowerCase()}`;
}
