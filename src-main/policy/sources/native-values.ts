import { settingsRegistry, type SettingsRegistry } from '../schema.js';

export type Converted = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * The registry and plist can't always hold a setting's JSON type: a string
 * holds a string setting as it is, and JSON for everything else (a list, an
 * object, a number). What it must hold is decided by the key's default.
 */
export function fromText(key: string, text: string, registry: SettingsRegistry = settingsRegistry): Converted {
  const spec = registry[key];
  if (!spec || typeof spec.default === 'string') return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return {
      ok: false,
      message: `needs a JSON value here (for example ${JSON.stringify(spec.default)}), but "${text.slice(0, 40)}" is not valid JSON. This value is ignored.`,
    };
  }
}

/** REG_DWORD 0/1 for a true/false setting is a boolean; any other number stays a number. */
export function fromNumber(key: string, n: number, registry: SettingsRegistry = settingsRegistry): unknown {
  const spec = registry[key];
  if (spec && typeof spec.default === 'boolean' && (n === 0 || n === 1)) return n === 1;
  return n;
}
