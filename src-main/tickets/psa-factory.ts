import type { SettingsValues } from '../policy/schema.js';
import type { SecretStore } from '../storage/secret-store.js';
import { ADAPTERS } from './psa-adapters.js';
import { DEFAULT_PSA_TIMEOUT_MS, type PsaAdapterConfig, type PsaAdapterDeps, type PsaCommonConfig } from './psa-config.js';
import { PSA_LABELS, PsaError, type PsaAdapter, type PsaKind } from './psa.js';

/**
 * Builds the connected PSA's adapter from the effective settings (URL, ids:
 * policy or the tech) and the secrets (keychain only). Pure apart from the
 * secret reads, so "is it configured, and what is missing" is tested plainly.
 */

export type RemotePsaKind = Exclude<PsaKind, 'local'>;

/** The secrets each PSA needs, with the label the settings form shows. */
export const PSA_SECRET_FIELDS: Record<RemotePsaKind, readonly { field: string; label: string }[]> = {
  rt: [{ field: 'token', label: 'Auth token' }],
  connectwise: [{ field: 'privateKey', label: 'Private key' }],
  autotask: [
    { field: 'secret', label: 'API user secret' },
    { field: 'integrationCode', label: 'Integration code' },
  ],
  halopsa: [{ field: 'clientSecret', label: 'Client secret' }],
};

export type PsaSecrets = Record<string, string>;

export function psaSecretKey(kind: RemotePsaKind, field: string): string {
  return `psa.${kind}.${field}`;
}

export async function readPsaSecrets(store: SecretStore, kind: RemotePsaKind): Promise<PsaSecrets> {
  const entries = await Promise.all(PSA_SECRET_FIELDS[kind].map(async ({ field }) => [field, (await store.get(psaSecretKey(kind, field))) ?? ''] as const));
  return Object.fromEntries(entries);
}

/** The PSA's usual "being worked on" statuses when policy names none. */
function workingStatuses(kind: RemotePsaKind, configured: string[]): string[] {
  if (configured.length > 0) return configured;
  return kind === 'rt' ? ['open'] : ['In Progress'];
}

export type ConfigResult = { ok: true; config: PsaAdapterConfig } | { ok: false; missing: string[] };

/** The adapter config, or the list of settings still missing (named as the form names them). */
export function toAdapterConfig(values: SettingsValues, secrets: PsaSecrets): ConfigResult {
  const kind = values['psa.kind'];
  if (kind === 'local') return { ok: false, missing: [] };
  const common: PsaCommonConfig = {
    workingStatuses: workingStatuses(kind, values['psa.workingStatuses']),
    queue: values['psa.queue'],
    unknownCallerCompany: values['psa.unknownCallerCompany'],
    stopwatchMinSeconds: values['psa.stopwatchMinSeconds'],
    timeoutMs: DEFAULT_PSA_TIMEOUT_MS,
  };
  const url = values['psa.url'];
  const secret = (field: string) => secrets[field] ?? '';
  const missing: string[] = [];
  const need = (value: string, label: string) => {
    if (!value) missing.push(label);
    return value;
  };
  for (const { field, label } of PSA_SECRET_FIELDS[kind]) need(secret(field), label);
  let config: PsaAdapterConfig;
  switch (kind) {
    case 'rt':
      config = { ...common, kind, url: need(url, 'URL'), token: secret('token') };
      break;
    case 'connectwise':
      config = {
        ...common,
        kind,
        url: need(url, 'Site URL'),
        companyId: need(values['psa.connectwise.companyId'], 'Company id'),
        publicKey: need(values['psa.connectwise.publicKey'], 'Public key'),
        clientId: need(values['psa.connectwise.clientId'], 'Client id'),
        privateKey: secret('privateKey'),
      };
      break;
    case 'autotask':
      config = {
        ...common,
        kind,
        url: url || 'https://webservices.autotask.net/atservicesrest',
        username: need(values['psa.autotask.username'], 'API user name'),
        impersonationResourceId: values['psa.autotask.resourceId'],
        secret: secret('secret'),
        integrationCode: secret('integrationCode'),
      };
      break;
    case 'halopsa':
      config = {
        ...common,
        kind,
        url: need(url, 'Tenant URL'),
        clientId: need(values['psa.halopsa.clientId'], 'Client id'),
        tenant: values['psa.halopsa.tenant'],
        clientSecret: secret('clientSecret'),
      };
      break;
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, config };
}

export function createPsaAdapter(config: PsaAdapterConfig, deps: PsaAdapterDeps = {}): PsaAdapter {
  const factory = ADAPTERS[config.kind];
  if (!factory) throw new PsaError('config', `${PSA_LABELS[config.kind]} isn't available in this build of Focusline.`);
  return factory(config, deps);
}

/** A stable name for this PSA instance, so the caller index never mixes two PSAs' contacts. */
export function psaInstanceKey(config: PsaAdapterConfig): string {
  return `${config.kind}:${config.url.replace(/\/+$/, '').toLowerCase()}`;
}
