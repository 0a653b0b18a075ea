import type { z } from 'zod';

/**
 * How one setting is declared: its schema, default, who may set it and the
 * line managers read. The settings registry (schema.ts) is made of these,
 * and so are the PSA folders' own settings (tickets/<psa>/…-descriptor.ts),
 * which is why this lives apart from the registry: a PSA folder declares its
 * keys without importing the registry that gathers them.
 */

/**
 * Who may set a setting:
 * - lockable: policy may enforce it (the technician can't change it) or recommend it;
 * - recommendable: policy may only recommend it; an enforced value is treated as recommended;
 * - user-only: only the technician sets it (their account, their audio devices);
 * - policy-only: only policy sets it (where the policy itself comes from).
 */
export type Capability = 'lockable' | 'recommendable' | 'user-only' | 'policy-only';

export type SettingSpec<S extends z.ZodType = z.ZodType> = {
  readonly schema: S;
  readonly default: z.output<S>;
  /** One line for service managers: shown in the JSON Schema and the Policy view. */
  readonly description: string;
  readonly capability: Capability;
};

export function setting<S extends z.ZodType>(capability: Capability, schema: S, defaultValue: z.output<S>, description: string): SettingSpec<S> {
  return { schema, default: defaultValue, description, capability };
}

export type SettingsRegistry = Readonly<Record<string, SettingSpec>>;
export type ValuesOf<R extends SettingsRegistry> = { -readonly [K in keyof R]: z.output<R[K]['schema']> };
