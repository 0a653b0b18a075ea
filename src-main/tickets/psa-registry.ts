import type { PsaFormView } from '../ipc/contract.js';
import { autotaskPsa } from './autotask/autotask-descriptor.js';
import { connectWisePsa } from './connectwise/connectwise-descriptor.js';
import { haloPsa } from './halopsa/halopsa-descriptor.js';
import type { PsaDescriptor, RemotePsaKind } from './psa-descriptor.js';
import { rtPsa } from './rt/rt-descriptor.js';

/**
 * Every PSA Focusline ships, one line each. A new PSA is a folder that
 * exports a descriptor (see psa-descriptor.ts) and a line here; its kind's
 * name is a word of the wire (src-shared/vocabulary.ts PSA_KINDS), and the
 * `satisfies` below makes the compiler ask for the line once the word exists.
 * The order is the settings' order in the policy registry and its docs.
 */
export const PSA_REGISTRY = {
  connectwise: connectWisePsa,
  autotask: autotaskPsa,
  halopsa: haloPsa,
  rt: rtPsa,
} as const satisfies Record<RemotePsaKind, PsaDescriptor>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type OwnSettings = UnionToIntersection<(typeof PSA_REGISTRY)[RemotePsaKind]['settings']>;

/** Every PSA's own settings, in registry order, for the policy registry (policy/schema.ts). */
export const PSA_OWN_SETTINGS = Object.assign({}, ...Object.values(PSA_REGISTRY).map((d) => d.settings)) as OwnSettings;

export function psaDescriptor(kind: RemotePsaKind): PsaDescriptor {
  return PSA_REGISTRY[kind];
}

/** Settings → PSA's choices and their forms, the built-in store first. */
export function psaForms(): PsaFormView[] {
  return [
    {
      kind: 'local',
      label: 'Built-in ticket store (no PSA)',
      hint: 'Tickets stay on this computer. Connect a PSA to create tickets where your team works.',
      fields: [],
      secrets: [],
    },
    ...Object.values(PSA_REGISTRY).map((d: PsaDescriptor) => ({
      kind: d.kind,
      label: d.label,
      hint: d.form.hint,
      fields: d.form.fields.map((f) => ({ key: f.key, label: f.label, ...(f.placeholder !== undefined ? { placeholder: f.placeholder } : {}) })),
      secrets: d.secrets.map((s) => ({ field: s.field, label: s.label })),
    })),
  ];
}

/** What the tray, status and errors call a PSA. */
export function psaLabel(kind: RemotePsaKind | 'local'): string {
  return kind === 'local' ? 'Built-in ticket store' : PSA_REGISTRY[kind].label;
}
