import { checkValue, settingsRegistry, type SettingsRegistry, type ValueCheck, type ValuesOf } from './schema.js';
import type { SettingSpec } from './setting-spec.js';
import { unknownKeyProblem } from './flatten.js';
import { briefValue, type PolicyProblem } from './problems.js';
import type { PolicyOrigin } from './sources/policy-source.js';

export type SettingSource = 'enforced' | 'user' | 'recommended' | 'default';
export type Provenance = { source: SettingSource; origin?: string };

/** The last valid value per level + origin + key; opaque to callers, who hand it back on the next resolve. */
export type LastKnownGood = ReadonlyMap<string, unknown>;

export type EffectiveInput = {
  /** Enforced policy origins, lowest priority first. */
  enforced?: readonly PolicyOrigin[];
  /** The technician's settings file. */
  user?: PolicyOrigin;
  /** Recommended policy origins, lowest priority first. */
  recommended?: readonly PolicyOrigin[];
  /** What the previous resolve returned, so a source that breaks keeps its last good values. */
  lastGood?: LastKnownGood;
};

export type Effective<R extends SettingsRegistry> = {
  values: ValuesOf<R>;
  provenance: Record<keyof R & string, Provenance>;
  problems: PolicyProblem[];
  lastGood: LastKnownGood;
};

export type EffectiveSettings = Effective<typeof settingsRegistry>;

/**
 * The settings in effect: enforced policy > user > recommended policy >
 * default, key by key, with where each value came from. Pure.
 *
 * A bad value is rejected alone (other keys still apply). If the same origin
 * gave a good value for that key before, that value stays (last known good):
 * a manager's typo or a half-written file must never quietly drop a locked
 * setting back to its default.
 */
export function resolveEffective(input: EffectiveInput): EffectiveSettings {
  return resolveWith(settingsRegistry, input);
}

type Level = 'enforced' | 'user' | 'recommended';
type Candidate = { origin: string; value: unknown };
type Accumulator = {
  registry: SettingsRegistry;
  previous: LastKnownGood;
  lastGood: Map<string, unknown>;
  problems: PolicyProblem[];
  layers: Record<Level, Map<string, Candidate[]>>;
  /** Enforced values of recommend-only keys, applied as the strongest recommendations. */
  demoted: [string, Candidate][];
};

export function resolveWith<R extends SettingsRegistry>(registry: R, input: EffectiveInput): Effective<R> {
  const acc: Accumulator = {
    registry,
    previous: input.lastGood ?? new Map(),
    lastGood: new Map(),
    problems: [],
    layers: { enforced: new Map(), user: new Map(), recommended: new Map() },
    demoted: [],
  };
  for (const origin of input.enforced ?? []) acceptPolicyOrigin(acc, 'enforced', origin);
  for (const origin of input.recommended ?? []) acceptPolicyOrigin(acc, 'recommended', origin);
  for (const [key, candidate] of acc.demoted) push(acc.layers.recommended, key, candidate);
  if (input.user) acceptUserOrigin(acc, input.user);
  reportConflicts(acc, 'enforced');
  reportConflicts(acc, 'recommended');
  return { ...pickWinners(registry, acc.layers), problems: acc.problems, lastGood: acc.lastGood };
}

function acceptPolicyOrigin(acc: Accumulator, level: 'enforced' | 'recommended', source: PolicyOrigin): void {
  const memoryPrefix = memoryKey(level, source.origin, '');
  if (source.unreadable) {
    keepEverythingFrom(acc, level, source.origin, memoryPrefix);
    return;
  }
  for (const [key, raw] of Object.entries(source.values)) {
    const spec = acc.registry[key];
    if (!spec) {
      acc.problems.push(unknownKeyProblem(source.origin, key, acc.registry));
      continue;
    }
    if (spec.capability === 'user-only') {
      acc.problems.push({ origin: source.origin, key, message: "is the technician's own setting; policy can't set it, so this value is ignored." });
      continue;
    }
    const demote = level === 'enforced' && spec.capability === 'recommendable';
    if (demote)
      acc.problems.push({
        origin: source.origin,
        key,
        message: 'can only be recommended, not enforced; it is applied as a recommendation the technician may change.',
      });
    const value = acceptValue(acc, memoryPrefix + key, source.origin, key, raw);
    if (value === NOTHING) continue;
    if (demote) acc.demoted.push([key, { origin: source.origin, value }]);
    else push(acc.layers[level], key, { origin: source.origin, value });
  }
}

const NOTHING = Symbol('nothing');

/**
 * Checks of object and array values, by the raw object: a source that hands
 * back the same values (an unchanged file) isn't validated again, and its
 * checked values keep their identity. Primitives are cheap to check.
 */
const checked = new WeakMap<object, { spec: SettingSpec; check: ValueCheck }>();

function checkOnce(spec: SettingSpec, raw: unknown): ValueCheck {
  if (typeof raw !== 'object' || raw === null) return checkValue(spec, raw);
  const known = checked.get(raw);
  if (known?.spec === spec) return known.check;
  const check = checkValue(spec, raw);
  checked.set(raw, { spec, check });
  return check;
}

/** The valid value, else the last good one from this origin, else nothing; a rejected value is always a problem. */
function acceptValue(acc: Accumulator, memory: string, origin: string, key: string, raw: unknown): unknown {
  const check = checkOnce(acc.registry[key]!, raw);
  if (check.ok) {
    acc.lastGood.set(memory, check.value);
    return check.value;
  }
  if (acc.previous.has(memory)) {
    const kept = acc.previous.get(memory);
    acc.lastGood.set(memory, kept);
    acc.problems.push({ origin, key, message: `${check.message}. Keeping the last good value, ${briefValue(kept)}, until this is fixed.` });
    return kept;
  }
  acc.problems.push({ origin, key, message: `${check.message}. This value is ignored.` });
  return NOTHING;
}

function keepEverythingFrom(acc: Accumulator, level: 'enforced' | 'recommended', origin: string, memoryPrefix: string): void {
  let kept = 0;
  for (const [memory, value] of acc.previous) {
    if (!memory.startsWith(memoryPrefix)) continue;
    const key = memory.slice(memoryPrefix.length);
    acc.lastGood.set(memory, value);
    const demote = level === 'enforced' && acc.registry[key]?.capability === 'recommendable';
    if (demote) acc.demoted.push([key, { origin, value }]);
    else push(acc.layers[level], key, { origin, value });
    kept++;
  }
  if (kept > 0) acc.problems.push({ origin, message: `Keeping the ${kept} setting(s) last read from here until it can be read again.` });
}

function acceptUserOrigin(acc: Accumulator, source: PolicyOrigin): void {
  for (const [key, raw] of Object.entries(source.values)) {
    const spec = acc.registry[key];
    if (!spec) {
      acc.problems.push(unknownKeyProblem(source.origin, key, acc.registry));
      continue;
    }
    if (spec.capability === 'policy-only') {
      acc.problems.push({ origin: source.origin, key, message: "can only be set by your organization's policy, so the value in your settings is ignored." });
      continue;
    }
    const check = checkValue(spec, raw);
    if (check.ok) push(acc.layers.user, key, { origin: source.origin, value: check.value });
    else acc.problems.push({ origin: source.origin, key, message: `${check.message}. This value is ignored.` });
  }
}

/** Like Chrome: two places at one level setting one key is a mistake worth showing, even when the later one wins. */
function reportConflicts(acc: Accumulator, level: 'enforced' | 'recommended'): void {
  for (const [key, candidates] of acc.layers[level]) {
    const origins = [...new Set(candidates.map((c) => c.origin))];
    if (origins.length < 2) continue;
    const winner = candidates[candidates.length - 1]!;
    const same = candidates.every((c) => JSON.stringify(c.value) === JSON.stringify(winner.value));
    acc.problems.push({
      origin: winner.origin,
      key,
      message: `is ${level === 'enforced' ? 'enforced' : 'recommended'} by more than one source: ${origins.join(', ')}. ${same ? 'They agree.' : `The value from ${winner.origin} applies.`}`,
    });
  }
}

function pickWinners<R extends SettingsRegistry>(registry: R, layers: Record<Level, Map<string, Candidate[]>>): Pick<Effective<R>, 'values' | 'provenance'> {
  const values: Record<string, unknown> = {};
  const provenance: Record<string, Provenance> = {};
  for (const key of Object.keys(registry)) {
    const level = (['enforced', 'user', 'recommended'] as const).find((l) => layers[l].has(key));
    const winner = level && layers[level].get(key)?.at(-1);
    if (level && winner) {
      values[key] = winner.value;
      provenance[key] = { source: level, origin: winner.origin };
    } else {
      values[key] = structuredClone(registry[key]!.default);
      provenance[key] = { source: 'default' };
    }
  }
  return { values: values as ValuesOf<R>, provenance: provenance as Record<keyof R & string, Provenance> };
}

function push(layer: Map<string, Candidate[]>, key: string, candidate: Candidate): void {
  const list = layer.get(key);
  if (list) list.push(candidate);
  else layer.set(key, [candidate]);
}

function memoryKey(level: string, origin: string, key: string): string {
  return `${level}\u0000${origin}\u0000${key}`;
}

/** LastKnownGood as plain JSON-able pairs, for keeping it on disk between runs. */
export type LastGoodEntries = readonly (readonly [string, unknown])[];

export function serializeLastGood(lastGood: LastKnownGood): LastGoodEntries {
  return [...lastGood.entries()];
}

/**
 * LastKnownGood read back from disk. Each value is checked again: a file
 * from an older version, or one edited by hand, can only bring back values
 * that are valid for a policy level and key that exist today.
 */
export function reviveLastGood(entries: LastGoodEntries, registry: SettingsRegistry = settingsRegistry): LastKnownGood {
  const revived = new Map<string, unknown>();
  for (const [memory, raw] of entries) {
    const [level, origin, key, ...rest] = memory.split('\u0000');
    if (rest.length > 0 || (level !== 'enforced' && level !== 'recommended') || !origin || !key) continue;
    const spec = registry[key];
    if (!spec || spec.capability === 'user-only') continue;
    const check = checkValue(spec, raw);
    if (check.ok) revived.set(memory, check.value);
  }
  return revived;
}

/** Keys whose value or provenance differs between two resolves. */
export function changedKeys<R extends SettingsRegistry>(before: Effective<R>, after: Effective<R>): (keyof R & string)[] {
  return (Object.keys(after.values) as (keyof R & string)[]).filter(
    (key) =>
      // Same object, same value (checked values keep their identity): no need to serialise a 10,000-entry list.
      (before.values[key] !== after.values[key] && JSON.stringify(before.values[key]) !== JSON.stringify(after.values[key])) ||
      before.provenance[key]?.source !== after.provenance[key]?.source ||
      before.provenance[key]?.origin !== after.provenance[key]?.origin,
  );
}
