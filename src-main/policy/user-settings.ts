import { rename } from 'node:fs/promises';
import { SIP_PASSWORD_KEY, type SecretStore } from '../storage/secret-store.js';
import {
  openConfSettingsFile,
  settingsFileFailure,
  settingsFileOptions,
  type OpenSettingsFile,
  type SettingsDocument,
  type SettingsFileStore,
} from '../storage/settings-file.js';
import { messageOf } from '../../src-shared/errors.js';
import type { Account, AudioDevices, SettingsView } from '../ipc/contract.js';
import { checkValue, defaultValues, isSettingKey, settingKeys, settingsRegistry, type SettingKey, type SettingsFile, type SettingsValues } from './schema.js';
import { flattenSettings, isPlainObject, nestSettings } from './flatten.js';
import { resolveEffective } from './effective.js';
import type { PolicyProblem } from './problems.js';
import type { PolicyOrigin } from './sources/policy-source.js';
import { PSA_REGISTRY, psaLabel } from '../tickets/psa-registry.js';
import { psaSecretKey } from '../tickets/psa-factory.js';

export type SettingsProblem = { path: string; message: string };
export type UserValues = Partial<SettingsValues>;

/** A value the technician tried to set that Focusline can't use; the message says why, for them. */
export class SettingValueError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'SettingValueError';
  }
}

/**
 * The technician's own settings, kept in one JSON file. It holds only what
 * they set (not defaults), so a recommended policy value still applies to
 * everything they haven't chosen themselves. Read key by key with the same
 * rules as policy: a bad key is reported and skipped, the rest apply.
 *
 * The file is read and written through conf's API (storage/settings-file.ts):
 * conf in web mode, electron-store in the Electron app.
 *
 * A damaged file is reported and set aside, never silently overwritten: what
 * was in it stays on disk for the user to fix.
 */
export class UserSettings {
  private values: Record<string, unknown> = {};
  /** Opened on first use; stays unopened while the file can't be read, so a later save can open it again. */
  private file: SettingsFileStore | undefined;
  private schemaRef: string | undefined;
  private brokenFileSetAside = false;
  private readonly listeners = new Set<() => void>();
  /** Everything wrong with the file, in one message (logged at start). */
  problem: SettingsProblem | undefined;
  /** The same, key by key, for the Policy view. */
  problems: PolicyProblem[] = [];

  constructor(
    readonly path: string,
    private readonly secrets: SecretStore,
    private readonly log: (message: string) => void = () => {},
    /** conf unless the Electron shell hands in electron-store. */
    private readonly openFile: OpenSettingsFile = openConfSettingsFile,
  ) {}

  async load(): Promise<void> {
    let raw: SettingsDocument;
    try {
      // A missing file reads as {}: nothing set yet.
      raw = this.settingsFile().store;
    } catch (err) {
      const failure = settingsFileFailure(this.path, err);
      if (failure.kind === 'not-an-object') this.setProblems([{ origin: this.path, message: 'must be a JSON object of settings.' }]);
      else this.setProblems([{ origin: this.path, message: failure.message }], failure.message);
      return;
    }
    const { found, rest } = takeSecrets(raw);
    this.schemaRef = typeof raw.$schema === 'string' ? raw.$schema : undefined;
    this.readValues(rest);
    if (found.length > 0) await this.moveSecretsToStore(rest, found);
  }

  /** The account, devices and ICE servers in the shape services use. */
  get settings(): SettingsFile {
    const v: SettingsValues = { ...defaultValues(), ...(this.values as UserValues) };
    return {
      ...(this.schemaRef !== undefined ? { $schema: this.schemaRef } : {}),
      account:
        v['account.wsServer'] && v['account.sipUri']
          ? { wsServer: v['account.wsServer'], sipUri: v['account.sipUri'], authUser: v['account.authUser'], displayName: v['account.displayName'] }
          : undefined,
      devices: { microphoneId: v['devices.microphoneId'], speakerId: v['devices.speakerId'], ringDeviceId: v['devices.ringDeviceId'] },
      iceServers: v['iceServers'],
    };
  }

  /** Only the keys the technician set, validated. */
  get userValues(): Readonly<UserValues> {
    return this.values as UserValues;
  }

  /** The user layer for resolveEffective. */
  layer(): PolicyOrigin {
    return { origin: this.path, values: this.values };
  }

  /** Called after every save, so the effective settings follow. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async view(locked: readonly string[] = []): Promise<SettingsView> {
    const account = this.settings.account ?? null;
    return {
      account,
      hasPassword: (await this.secrets.get(SIP_PASSWORD_KEY)) !== undefined,
      devices: this.settings.devices,
      iceServers: this.settings.iceServers,
      secretStorage: { kind: this.secrets.kind, ...(this.secrets.warning ? { warning: this.secrets.warning } : {}) },
      locked: [...locked],
    };
  }

  async saveAccount(account: Account, password: string | undefined): Promise<void> {
    if (password !== undefined && password !== '') await this.secrets.set(SIP_PASSWORD_KEY, password);
    await this.write({
      ...this.values,
      'account.wsServer': account.wsServer,
      'account.sipUri': account.sipUri,
      'account.authUser': account.authUser,
      'account.displayName': account.displayName,
    });
  }

  async saveDevices(devices: AudioDevices): Promise<void> {
    await this.write({
      ...this.values,
      'devices.microphoneId': devices.microphoneId,
      'devices.speakerId': devices.speakerId,
      'devices.ringDeviceId': devices.ringDeviceId,
    });
  }

  /** Sets one key; throws SettingValueError for an unknown key, a policy-only key or a bad value. Locks are PolicyService's business. */
  async setValue(key: string, value: unknown): Promise<void> {
    if (!isSettingKey(key)) throw new SettingValueError(key, `${key} is not a Focusline setting.`);
    if (settingsRegistry[key].capability === 'policy-only') {
      throw new SettingValueError(key, `${key} can only be set by your organization's policy.`);
    }
    const check = checkValue(settingsRegistry[key], value);
    if (!check.ok) throw new SettingValueError(key, `${key} ${check.message}`);
    await this.write({ ...this.values, [key]: check.value });
  }

  /**
   * Sets several keys in one write: every value is checked first, so a bad
   * one leaves the file as it was (a half-saved PSA form could pair one
   * PSA's secret with another's address).
   */
  async setValues(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    const next: Record<string, unknown> = { ...this.values };
    for (const [key, value] of entries) {
      if (!isSettingKey(key)) throw new SettingValueError(key, `${key} is not a Focusline setting.`);
      if (settingsRegistry[key].capability === 'policy-only') throw new SettingValueError(key, `${key} can only be set by your organization's policy.`);
      const check = checkValue(settingsRegistry[key], value);
      if (!check.ok) throw new SettingValueError(key, `${key} ${check.message}`);
      next[key] = check.value;
    }
    await this.write(next);
  }

  /** Forgets the technician's own value, so policy's recommendation or the default applies again. */
  async clearValue(key: SettingKey): Promise<void> {
    const { [key]: _drop, ...rest } = this.values;
    await this.write(rest);
  }

  async password(): Promise<string | undefined> {
    return this.secrets.get(SIP_PASSWORD_KEY);
  }

  private readValues(raw: Record<string, unknown>): void {
    const flat = flattenSettings(raw, this.path);
    // The same rules as policy layers (policy-only keys refused, values checked key by key).
    const effective = resolveEffective({ user: { origin: this.path, values: flat.values } });
    this.values = Object.fromEntries(settingKeys.filter((k) => effective.provenance[k].source === 'user').map((k) => [k, effective.values[k]]));
    const problems = [...flat.problems, ...effective.problems];
    if (problems.length > 0) this.setProblems(problems);
  }

  private setProblems(problems: PolicyProblem[], message?: string): void {
    this.problems = problems;
    const detail = problems.map((p) => (p.key ? `${p.key}: ${p.message}` : p.message)).join('; ');
    this.problem = { path: this.path, message: message ?? `${this.path} has settings Focusline can't use: ${detail}` };
  }

  /**
   * Stores each secret found in the file safely, then rewrites the file
   * without them and changes nothing else there. The values are never logged.
   */
  private async moveSecretsToStore(rest: Record<string, unknown>, found: readonly FoundSecret[]): Promise<void> {
    for (const { secret, value } of found) await this.secrets.set(secret.key, value);
    const names = listOf(found.map(({ secret }) => `the ${secret.label}`));
    const one = found.length === 1;
    try {
      this.settingsFile().store = rest;
      this.log(`Moved ${names} from ${this.path} to the ${this.secrets.kind === 'os-keychain' ? 'OS keychain' : 'owner-only secrets file'}.`);
    } catch (err) {
      const them = one && found[0] ? `the ${found[0].secret.short}` : 'them';
      this.log(
        `${capitalized(names)} ${one ? 'was' : 'were'} stored safely, but ${this.path} could not be rewritten without ${one ? 'it' : 'them'}: ${messageOf(err)}. Remove ${them} from that file by hand.`,
      );
    }
  }

  private async write(next: Record<string, unknown>): Promise<void> {
    if (this.problem && !this.brokenFileSetAside) await this.setBrokenFileAside();
    this.values = inRegistryOrder(next);
    this.settingsFile().store = { ...(this.schemaRef !== undefined ? { $schema: this.schemaRef } : {}), ...nestSettings(this.values) };
    for (const listener of this.listeners) listener();
  }

  /**
   * Before the first save over a file with problems: what the technician
   * wrote stays on disk beside it. If it can't be moved, nothing is saved
   * over it either.
   */
  private async setBrokenFileAside(): Promise<void> {
    const aside = `${this.path}.broken-${Date.now()}`;
    try {
      await rename(this.path, aside);
      this.log(`Set the unreadable settings file aside as ${aside}.`);
    } catch (err) {
      // Gone already (moved or deleted by hand): nothing left to keep.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(
          `Focusline didn't save: ${this.path} has problems and could not be kept as ${aside} (${messageOf(err)}). Move or fix that file, then save again.`,
          { cause: err },
        );
      }
    }
    this.brokenFileSetAside = true;
    this.problem = undefined;
    this.problems = [];
  }

  /** conf reads the file as it opens, so this throws (a SettingsFileError or fs error) while the file can't be read. */
  private settingsFile(): SettingsFileStore {
    this.file ??= this.openFile(settingsFileOptions(this.path));
    return this.file;
  }
}

function inRegistryOrder(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(settingKeys.filter((k) => Object.hasOwn(values, k)).map((k) => [k, values[k]]));
}

/** A secret someone may type into the settings file: where it is in the file, and its key in the secret store. */
type FileSecret = { path: string; key: string; label: string; short: string };
type FoundSecret = { secret: FileSecret; value: string };

/**
 * Secrets are input only in the settings file: the SIP password
 * (`account.password`) and every PSA's secrets under their own key
 * (`psa.rt.token`, `psa.connectwise.privateKey`, …; the names Settings → PSA
 * stores them by). Found flat or nested, each goes to the secret store and
 * out of the file; before, only the SIP password did, and a PSA key typed
 * into the file stayed there in plaintext (security review, issue #15).
 */
const FILE_SECRETS: readonly FileSecret[] = [
  { path: 'account.password', key: SIP_PASSWORD_KEY, label: 'SIP password', short: 'password' },
  ...Object.values(PSA_REGISTRY).flatMap((psa) =>
    psa.secrets.map(({ field, label }) => {
      const name = `${psaLabel(psa.kind)} ${label.toLowerCase()}`;
      return { path: psaSecretKey(psa.kind, field), key: psaSecretKey(psa.kind, field), label: name, short: name };
    }),
  ),
];

/** The file without any secret (empty ones too), and the non-empty secrets found. The nested form wins over a flat one, as it always did for the password. */
function takeSecrets(raw: Record<string, unknown>): { found: FoundSecret[]; rest: Record<string, unknown> } {
  let rest = raw;
  const found: FoundSecret[] = [];
  for (const secret of FILE_SECRETS) {
    const taken = takePath(rest, secret.path.split('.'));
    rest = taken.rest;
    const value = taken.values.findLast((v): v is string => typeof v === 'string' && v !== '');
    if (value !== undefined) found.push({ secret, value });
  }
  return { found, rest };
}

/**
 * Removes a dotted key however it is written (`"a.b.c"`, `{"a": {"b": {"c"}}}`
 * or a mix), returning every value it had, flat forms first and the most nested last. A group left
 * empty by the removal is dropped; everything else stays exactly as it was.
 */
function takePath(obj: Record<string, unknown>, segments: readonly string[]): { rest: Record<string, unknown>; values: unknown[] } {
  const values: unknown[] = [];
  let rest = obj;
  for (let i = segments.length; i >= 1; i--) {
    const name = segments.slice(0, i).join('.');
    if (!Object.hasOwn(rest, name)) continue;
    if (i === segments.length) {
      const { [name]: value, ...others } = rest;
      values.push(value);
      rest = others;
      continue;
    }
    const child = rest[name];
    if (!isPlainObject(child)) continue;
    const inner = takePath(child, segments.slice(i));
    if (inner.values.length === 0) continue;
    values.push(...inner.values);
    const { [name]: _old, ...others } = rest;
    rest = Object.keys(inner.rest).length > 0 ? { ...others, [name]: inner.rest } : others;
    // Keep the group where it was in the file, not moved to the end.
    rest = Object.fromEntries(
      Object.keys(obj)
        .filter((k) => Object.hasOwn(rest, k))
        .map((k) => [k, rest[k]]),
    );
  }
  return { rest, values };
}

function listOf(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
