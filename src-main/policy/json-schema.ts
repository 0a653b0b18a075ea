import { z } from 'zod';
import { policyKeys, settingsRegistry, type SettingsRegistry } from './schema.js';

export const POLICY_SCHEMA_FILE = 'docs/policy.schema.json';

const CAPABILITY_NOTE = {
  lockable: 'May be enforced or recommended.',
  recommendable: 'May be recommended only.',
  'policy-only': 'Policy only.',
  'user-only': '',
} as const;

/**
 * The JSON Schema of a policy file, for managers' editors: every key policy
 * may set, with its description and default, and nothing else (a typo is an
 * editor warning, not a silently ignored setting). Generated from the
 * registry, so it can't drift from what Focusline accepts.
 */
export function policyJsonSchema(registry: SettingsRegistry = settingsRegistry): Record<string, unknown> {
  const shape: Record<string, z.ZodType> = {
    $schema: z.string().optional().meta({ description: 'The schema this file follows, for editor validation.' }),
  };
  for (const key of policyKeys(registry)) {
    const spec = registry[key]!;
    shape[key] = spec.schema.optional().meta({ description: `${spec.description} ${CAPABILITY_NOTE[spec.capability]}`.trim(), default: spec.default });
  }
  const file = z.object(shape).strict().meta({
    title: 'Focusline policy',
    description: 'A Focusline policy file: flat dotted setting keys. See docs/policy.md.',
  });
  return z.toJSONSchema(file, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
}

/** The committed file's exact text. */
export function policyJsonSchemaText(registry: SettingsRegistry = settingsRegistry): string {
  return `${JSON.stringify(policyJsonSchema(registry), null, 2)}\n`;
}
