import { createAutotaskAdapter } from './autotask/autotask-adapter.js';
import { createConnectWiseAdapter } from './connectwise/connectwise-adapter.js';
import { createHaloPsaAdapter } from './halopsa/halopsa-adapter.js';
import type { PsaAdapterConfig, PsaAdapterDeps } from './psa-config.js';
import type { PsaAdapter, PsaKind } from './psa.js';
import { createRtAdapter } from './rt/rt-adapter.js';

/** Every PSA adapter Focusline ships, by kind. The one place that knows them all. */
export type AdapterFactory = (config: PsaAdapterConfig, deps: PsaAdapterDeps) => PsaAdapter;

type Remote = Exclude<PsaKind, 'local'>;

/** Narrows the config to the adapter's own (the factory checks the kind first). */
function only<K extends Remote>(kind: K, create: (config: Extract<PsaAdapterConfig, { kind: K }>, deps: PsaAdapterDeps) => PsaAdapter): AdapterFactory {
  return (config, deps) => {
    if (config.kind !== kind) throw new Error(`A ${config.kind} configuration was given to the ${kind} adapter.`);
    return create(config as Extract<PsaAdapterConfig, { kind: K }>, deps);
  };
}

export const ADAPTERS: Partial<Record<Remote, AdapterFactory>> = {
  rt: only('rt', (config, deps) => createRtAdapter(config, deps)),
  connectwise: only('connectwise', (config, deps) => createConnectWiseAdapter(config, deps)),
  autotask: only('autotask', (config, deps) => createAutotaskAdapter(config, deps)),
  halopsa: only('halopsa', (config, deps) => createHaloPsaAdapter(config, deps)),
};
