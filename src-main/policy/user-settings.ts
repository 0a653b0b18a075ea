import { rename } from 'node:fs/promises';
import { readJsonFile, writeJsonFileAtomic } from '../storage/json-file.js';
import { SIP_PASSWORD_KEY, type SecretStore } from '../storage/secret-store.js';
import type { Account, AudioDevices, SettingsView } from '../ipc/contract.js';
import { defaultSettings, SettingsFileSchema, type SettingsFile } from './schema.js';

export type SettingsProblem = { path: string; message: string };

/**
 * The technician's own settings, kept in one JSON file. A damaged file is
 * reported and set aside, never silently overwritten: what was in it stays
 * on disk for the user to fix.
 */
export class UserSettings {
  private current: SettingsFile = defaultSettings();
  private brokenFileSetAside = false;
  problem: SettingsProblem | undefined;

  constructor(
    readonly path: string,
    private readonly secrets: SecretStore,
    private readonly log: (message: string) => void = () => {},
  ) {}

  async load(): Promise<void> {
    let raw: unknown;
    try {
      raw = await readJsonFile(this.path);
    } catch (err) {
      this.problem = { path: this.path, message: (err as Error).message };
      return;
    }
    if (raw === undefined) return;
    const parsed = SettingsFileSchema.safeParse(raw);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
      this.problem = { path: this.path, message: `${this.path} has settings Focusline can't use: ${detail}` };
      return;
    }
    this.current = parsed.data;
    await this.movePasswordToSecrets();
  }

  get settings(): SettingsFile {
    return this.current;
  }

  async view(): Promise<SettingsView> {
    const account = this.current.account ? stripPassword(this.current.account) : null;
    return {
      account,
      hasPassword: (await this.secrets.get(SIP_PASSWORD_KEY)) !== undefined,
      devices: this.current.devices,
      iceServers: this.current.iceServers,
      secretStorage: { kind: this.secrets.kind, ...(this.secrets.warning ? { warning: this.secrets.warning } : {}) },
    };
  }

  async saveAccount(account: Account, password: string | undefined): Promise<void> {
    if (password !== undefined && password !== '') await this.secrets.set(SIP_PASSWORD_KEY, password);
    await this.write({ ...this.current, account });
  }

  async saveDevices(devices: AudioDevices): Promise<void> {
    await this.write({ ...this.current, devices });
  }

  async password(): Promise<string | undefined> {
    return this.secrets.get(SIP_PASSWORD_KEY);
  }

  private async movePasswordToSecrets(): Promise<void> {
    const password = this.current.account?.password;
    if (password === undefined || !this.current.account) return;
    await this.secrets.set(SIP_PASSWORD_KEY, password);
    this.current = { ...this.current, account: stripPassword(this.current.account) };
    try {
      await writeJsonFileAtomic(this.path, this.current);
      this.log(`Moved the SIP password from ${this.path} to the ${this.secrets.kind === 'os-keychain' ? 'OS keychain' : 'owner-only secrets file'}.`);
    } catch (err) {
      this.log(`The SIP password was stored safely, but ${this.path} could not be rewritten without it: ${(err as Error).message}. Remove the password from that file by hand.`);
    }
  }

  private async write(next: SettingsFile): Promise<void> {
    if (this.problem && !this.brokenFileSetAside) {
      const aside = `${this.path}.broken-${Date.now()}`;
      await rename(this.path, aside).catch(() => {});
      this.log(`Set the unreadable settings file aside as ${aside}.`);
      this.brokenFileSetAside = true;
      this.problem = undefined;
    }
    this.current = next;
    await writeJsonFileAtomic(this.path, next);
  }
}

function stripPassword<T extends { password?: string }>(account: T): Omit<T, 'password'> {
  const { password: _drop, ...rest } = account;
  return rest;
}
