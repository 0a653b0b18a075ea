import type { PsaKind } from '../../src-shared/vocabulary.js';
import type { SettingsRegistry, ValuesOf } from '../policy/setting-spec.js';
import type { PsaAdapterConfig, PsaAdapterDeps, PsaCommonConfig } from './psa-config.js';
import type { PsaCommonKey, PsaCommonValues } from './psa-settings.js';
import type { PsaAdapter } from './psa.js';

/**
 * Everything Focusline knows about one PSA, exported by its folder
 * (tickets/<psa>/<psa>-descriptor.ts) and listed once in psa-registry.ts:
 * its settings (policy keys with their schemas), its secrets (OS keychain),
 * the form Settings → PSA shows, how its adapter config is made from the
 * effective values, and how the adapter is built. Nothing outside the folder
 * names a PSA's keys, labels or fields.
 */

export type RemotePsaKind = Exclude<PsaKind, 'local'>;

export type PsaSecretField = { readonly field: string; readonly label: string };
export type PsaFormField<K extends string = string> = { readonly key: K; readonly label: string; readonly placeholder?: string };

/** Called by configFrom for a value the adapter can't work without: records the form's label as missing when empty. */
export type Need = (value: string, label: string) => string;

export type PsaDescriptorSpec<K extends RemotePsaKind, S extends SettingsRegistry, C extends PsaAdapterConfig & { kind: K }> = {
  readonly kind: K;
  readonly label: string;
  /** This PSA's own settings (keys psa.<kind>.*); the common ones are in psa-settings.ts. */
  readonly settings: S;
  readonly secrets: readonly PsaSecretField[];
  /** The PSA's usual "being worked on" statuses, when policy names none. */
  readonly defaultWorkingStatuses: readonly string[];
  readonly form: { readonly hint: string; readonly fields: readonly PsaFormField<(keyof S & string) | PsaCommonKey>[] };
  configFrom(values: PsaCommonValues & ValuesOf<S>, common: PsaCommonConfig, secret: (field: string) => string, need: Need): C;
  create(config: C, deps: PsaAdapterDeps): PsaAdapter;
};

/** A descriptor as the registry holds it: the same, with the config type erased (create checks the kind). */
export type PsaDescriptor<S extends SettingsRegistry = SettingsRegistry> = {
  readonly kind: RemotePsaKind;
  readonly label: string;
  readonly settings: S;
  readonly secrets: readonly PsaSecretField[];
  readonly defaultWorkingStatuses: readonly string[];
  readonly form: { readonly hint: string; readonly fields: readonly PsaFormField[] };
  configFrom(values: Readonly<Record<string, unknown>>, common: PsaCommonConfig, secret: (field: string) => string, need: Need): PsaAdapterConfig;
  create(config: PsaAdapterConfig, deps: PsaAdapterDeps): PsaAdapter;
};

export function describePsa<K extends RemotePsaKind, S extends SettingsRegistry, C extends PsaAdapterConfig & { kind: K }>(
  spec: PsaDescriptorSpec<K, S, C>,
): PsaDescriptor<S> {
  return {
    ...spec,
    // The registry hands in the effective values of every setting; this PSA reads its own and the common ones.
    configFrom: (values, common, secret, need) => spec.configFrom(values as PsaCommonValues & ValuesOf<S>, common, secret, need),
    create: (config, deps) => {
      if (config.kind !== spec.kind) throw new Error(`A ${config.kind} configuration was given to the ${spec.kind} adapter.`);
      return spec.create(config as C, deps);
    },
  };
}
