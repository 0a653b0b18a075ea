import { settingsRegistry, type SettingsRegistry } from './schema.js';
import type { PolicyProblem } from './problems.js';

export type Flattened = { values: Record<string, unknown>; problems: PolicyProblem[] };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Unknown keys named one by one, each with its "did you mean": past this a
 * count stands for the rest. A runaway export can hold 100,000 stray keys,
 * and suggesting a name for each would stall the app for minutes.
 */
const UNKNOWN_KEYS_NAMED = 20;
/** Longer names are nobody's typo of a setting: no suggestion, and the name is cut in the message. */
const KEY_SHOWN_MAX = 100;

/**
 * Turns a settings object into flat dotted keys. Managers may write either
 * `"focus.redirectTarget": "sip:…"` or `{"focus": {"redirectTarget": "sip:…"}}`
 * (or mix them); the registry decides where a key ends, so object-valued
 * settings such as hours.weekly stay whole. `$schema` (the editor-validation
 * line) is skipped. Unknown keys are problems, with a suggestion when the
 * name is close to a real one — a typo must not silently do nothing.
 */
export function flattenSettings(raw: Record<string, unknown>, origin: string, registry: SettingsRegistry = settingsRegistry): Flattened {
  const out: Flattened = { values: {}, problems: [] };
  const prefixes = groupPrefixes(registry);
  let unknown = 0;
  const walk = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(obj)) {
      if (prefix === '' && name === '$schema') continue;
      const key = prefix === '' ? name : `${prefix}.${name}`;
      if (Object.hasOwn(registry, key)) {
        if (Object.hasOwn(out.values, key))
          out.problems.push({ origin, key, message: 'is set twice in this source (flat and nested); the later one applies.' });
        out.values[key] = value;
      } else if (prefixes.has(key) && isPlainObject(value)) {
        walk(value, key);
      } else if (++unknown <= UNKNOWN_KEYS_NAMED) {
        out.problems.push(unknownKeyProblem(origin, key, registry));
      }
    }
  };
  walk(raw, '');
  if (unknown > UNKNOWN_KEYS_NAMED)
    out.problems.push({ origin, message: `has ${unknown - UNKNOWN_KEYS_NAMED} more keys that are not Focusline settings; they are ignored too.` });
  return out;
}

/** The inverse, for writing: `{"focus.action": "busy"}` → `{"focus": {"action": "busy"}}`. */
export function nestSettings(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const parts = key.split('.');
    const leaf = parts.pop() as string;
    let node = root;
    for (const part of parts) {
      const next = node[part];
      node = isPlainObject(next) ? next : (node[part] = {});
    }
    node[leaf] = value;
  }
  return root;
}

export function unknownKeyProblem(origin: string, key: string, registry: SettingsRegistry = settingsRegistry): PolicyProblem {
  if (key.length > KEY_SHOWN_MAX) return { origin, key: `${key.slice(0, KEY_SHOWN_MAX - 1)}…`, message: 'is not a Focusline setting, so it is ignored.' };
  const suggestion = closestKey(key, Object.keys(registry));
  const hint = suggestion ? ` Did you mean ${suggestion}?` : '';
  return { origin, key, message: `is not a Focusline setting, so it is ignored.${hint}` };
}

const prefixCache = new WeakMap<SettingsRegistry, Set<string>>();

/** "focus", "repeatCallers", …: the group names that nested objects may use. */
function groupPrefixes(registry: SettingsRegistry): Set<string> {
  let prefixes = prefixCache.get(registry);
  if (!prefixes) {
    prefixes = new Set();
    for (const key of Object.keys(registry)) {
      const parts = key.split('.');
      for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
    }
    prefixCache.set(registry, prefixes);
  }
  return prefixes;
}

function closestKey(key: string, keys: string[]): string | undefined {
  const lower = key.toLowerCase();
  const byCase = keys.find((k) => k.toLowerCase() === lower);
  if (byCase) return byCase;
  const bySuffix = keys.filter((k) => k.toLowerCase().endsWith(`.${lower}`));
  if (bySuffix.length === 1) return bySuffix[0];
  let best: { key: string; distance: number } | undefined;
  for (const k of keys) {
    const distance = editDistance(lower, k.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: k, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
