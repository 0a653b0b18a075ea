import { flattenSettings } from '../flatten.js';
import type { PolicyProblem } from '../problems.js';
import { fromNumber, fromText, type Converted } from './native-values.js';
import type { PolicyOrigin, PolicyReadResult, PolicySource } from './policy-source.js';
import { isMissingKey, parseRegQuery, type RegKey, type RegValue } from './reg-query.js';
import type { CommandRunner } from './run-command.js';

export const POLICY_KEY = 'Software\\Policies\\Focusline';
/** Lowest priority first: machine policy (HKLM) beats user policy (HKCU), as in Chrome. */
const HIVES = ['HKCU', 'HKLM'] as const;
type Hive = (typeof HIVES)[number];

/**
 * Windows policy in the registry, Chrome's layout: values in
 * HKLM|HKCU\Software\Policies\Focusline are enforced, values in its
 * Recommended subkey recommended. Value names are the dotted setting keys
 * ("focus.redirectTarget"); subkeys also work as groups (…\Focusline\focus,
 * value "redirectTarget"). Read with reg.exe so no native module is needed.
 *
 * The registry sends no change notice we can use without a native module:
 * the policy service re-reads it on an interval.
 */
export class WindowsRegistryPolicySource implements PolicySource {
  readonly name = 'Windows registry policy';

  constructor(private readonly run: CommandRunner) {}

  async read(): Promise<PolicyReadResult> {
    const hives = await Promise.all(HIVES.map((hive) => this.readHive(hive)));
    return {
      enforced: hives.flatMap((h) => h.enforced),
      recommended: hives.flatMap((h) => h.recommended),
      problems: hives.flatMap((h) => h.problems),
    };
  }

  watch(): () => void {
    return () => {};
  }

  private async readHive(hive: Hive): Promise<PolicyReadResult> {
    const root = `${hive}\\${POLICY_KEY}`;
    try {
      const result = await this.run('reg', ['query', root, '/s']);
      if (isMissingKey(result.code, result.stderr + result.stdout)) return { enforced: [], recommended: [], problems: [] };
      if (result.code !== 0) return failedHive(root, `reg query failed (exit code ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
      return registryToPolicy(hive, parseRegQuery(result.stdout));
    } catch (err) {
      return failedHive(root, `Can't run reg query: ${(err as Error).message}`);
    }
  }
}

/** A read that failed keeps both levels' last good values: never a silent fall back to defaults. */
function failedHive(root: string, message: string): PolicyReadResult {
  return {
    enforced: [{ origin: root, values: {}, unreadable: true }],
    recommended: [{ origin: `${root}\\Recommended`, values: {}, unreadable: true }],
    problems: [{ origin: root, message }],
  };
}

/** Turns one hive's keys into its enforced and recommended origins. */
export function registryToPolicy(hive: Hive, keys: RegKey[]): PolicyReadResult {
  const root = `${hive}\\${POLICY_KEY}`;
  const levels = { enforced: {} as Record<string, unknown>, recommended: {} as Record<string, unknown> };
  const problems: PolicyProblem[] = [];
  for (const key of keys) {
    const place = placeOf(key.path);
    if (!place) continue;
    const origin = place.level === 'enforced' ? root : `${root}\\Recommended`;
    for (const value of key.values) {
      const name = place.group ? `${place.group}.${value.name}` : value.name;
      const converted = convert(name, value);
      if (converted.ok) levels[place.level][name] = converted.value;
      else problems.push({ origin, key: name, message: converted.message });
    }
  }
  const result: PolicyReadResult = { enforced: [], recommended: [], problems };
  for (const level of ['enforced', 'recommended'] as const) {
    const origin = level === 'enforced' ? root : `${root}\\Recommended`;
    const flat = flattenSettings(levels[level], origin);
    problems.push(...flat.problems);
    if (Object.keys(flat.values).length > 0) result[level].push({ origin, values: flat.values } satisfies PolicyOrigin);
  }
  return result;
}

/** Where a key printed by reg.exe sits: its level, and the dotted group its subkeys spell. */
function placeOf(path: string): { level: 'enforced' | 'recommended'; group: string } | undefined {
  const at = path.toLowerCase().indexOf(`\\${POLICY_KEY.toLowerCase()}`);
  if (at < 0) return undefined;
  const segments = path
    .slice(at + POLICY_KEY.length + 1)
    .split('\\')
    .filter((s) => s !== '');
  const recommended = segments[0]?.toLowerCase() === 'recommended';
  return { level: recommended ? 'recommended' : 'enforced', group: (recommended ? segments.slice(1) : segments).join('.') };
}

function convert(key: string, value: RegValue): Converted {
  switch (value.type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return fromText(key, value.data);
    case 'REG_DWORD':
    case 'REG_QWORD': {
      const n = Number.parseInt(value.data, 16);
      return Number.isNaN(n) ? { ok: false, message: `has an unreadable ${value.type} value "${value.data}".` } : { ok: true, value: fromNumber(key, n) };
    }
    case 'REG_MULTI_SZ':
      // reg.exe prints the strings joined by a literal \0.
      return { ok: true, value: value.data === '' ? [] : value.data.split('\\0') };
    default:
      return { ok: false, message: `is a ${value.type} value, which Focusline can't read: use REG_SZ (text or JSON) or REG_DWORD (numbers, 0/1 for off/on).` };
  }
}
