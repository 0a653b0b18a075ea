import type { PolicyView, SettingsView } from '../ipc/contract.js';
import { consistencyProblems } from './consistency.js';
import { changedKeys, resolveEffective, reviveLastGood, type EffectiveSettings } from './effective.js';
import type { LastGoodStore } from './last-good-file.js';
import { toAccount } from './focus-rules.js';
import { toPolicyView } from './policy-view.js';
import { problemsEqual } from './problems.js';
import { isSettingKey, settingKeys, type SettingKey } from './schema.js';
import { emptyRead, type PolicyReadResult, type PolicySource, type PolicySources } from './sources/policy-source.js';
import { systemTimers, type Cancel, type Timers } from './timers.js';
import type { UserSettings } from './user-settings.js';

/** The technician tried to change a setting their organization enforces. */
export class LockedSettingError extends Error {
  constructor(
    readonly key: SettingKey,
    readonly origin: string | undefined,
  ) {
    super(`${key} is managed by your organization, so it can't be changed here. Ask your service manager if it should be different.`);
    this.name = 'LockedSettingError';
  }
}

export type PolicyChangeListener = (effective: EffectiveSettings, changedKeys: SettingKey[]) => void;

export type PolicyServiceOptions = {
  sources: PolicySources;
  /** Loaded already: its values are the user layer. */
  userSettings: UserSettings;
  timers?: Timers;
  log?: (message: string) => void;
  /** Every source is re-read this often: fs.watch misses events on some file systems, and the registry sends none. */
  rereadMs?: number;
  /** Change notices closer together than this become one re-read (an editor's save is several events). */
  debounceMs?: number;
  /** Keeps every source's last good values across restarts (last-good-file.ts); in memory only without it. */
  lastGood?: LastGoodStore;
};

/**
 * The effective settings, kept current: reads every source, resolves them
 * with the technician's settings, re-reads on change notices and on an
 * interval, and tells listeners what changed. A source that fails keeps its
 * last good values; nothing here throws into a timer.
 */
export class PolicyService {
  private effective: EffectiveSettings;
  private readonly reads = new Map<PolicySource, PolicyReadResult>();
  private remoteRead: PolicyReadResult = emptyRead();
  private readonly listeners = new Set<PolicyChangeListener>();
  private stops: Cancel[] = [];
  private chain: Promise<void> = Promise.resolve();
  private pendingReload: Promise<void> | undefined;
  private cancelDebounce: Cancel | undefined;
  private running = false;
  private readonly timers: Timers;
  private readonly log: (message: string) => void;

  constructor(private readonly options: PolicyServiceOptions) {
    this.timers = options.timers ?? systemTimers;
    this.log = options.log ?? (() => {});
    this.effective = this.resolveFromReads();
  }

  /** Reads every source once (so current() is complete when this resolves), then keeps watching. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // Watch before the first read, so a change during it is not lost.
    for (const source of this.allSources()) this.stops.push(source.watch(() => this.soon()));
    this.stops.push(this.timers.every(this.options.rereadMs ?? 60_000, () => void this.reload()));
    // saveAccount/saveDevices reach UserSettings directly; follow them too.
    this.stops.push(this.options.userSettings.onChange(() => void this.recompute()));
    // What each source said last run, so one that is broken now still applies it (effective.ts keeps it per origin).
    const saved = await this.options.lastGood?.load();
    if (saved && saved.length > 0) this.effective = { ...this.effective, lastGood: reviveLastGood(saved) };
    await this.reload();
  }

  stop(): void {
    this.running = false;
    this.cancelDebounce?.();
    for (const stop of this.stops.splice(0)) stop();
  }

  current(): EffectiveSettings {
    return this.effective;
  }

  onChange(listener: PolicyChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isLocked(key: string): boolean {
    return isSettingKey(key) && this.effective.provenance[key].source === 'enforced';
  }

  lockedKeys(): SettingKey[] {
    return settingKeys.filter((key) => this.isLocked(key));
  }

  /**
   * The technician sets one setting. Throws LockedSettingError when policy
   * enforces it, and SettingValueError for an unknown or policy-only key or a
   * bad value; both messages are written for the technician.
   */
  async setUserValue(key: string, value: unknown): Promise<void> {
    this.refuseIfLocked(key);
    await this.options.userSettings.setValue(key, value);
    await this.recompute();
  }

  /** Several settings at once, all or nothing: any locked key or bad value refuses the lot before anything is written. */
  async setUserValues(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    for (const [key] of entries) this.refuseIfLocked(key);
    await this.options.userSettings.setValues(entries);
    await this.recompute();
  }

  /** Back to the organization's recommendation, or the default. */
  async clearUserValue(key: SettingKey): Promise<void> {
    this.refuseIfLocked(key);
    await this.options.userSettings.clearValue(key);
    await this.recompute();
  }

  /** Reads every source now; calls close together share one read. */
  reload(): Promise<void> {
    this.pendingReload ??= this.serial(async () => {
      this.pendingReload = undefined;
      await this.readAll();
    });
    return this.pendingReload;
  }

  policyView(): PolicyView {
    return toPolicyView(this.effective);
  }

  /** The Settings screen's view, from the effective settings (a locked server shows the organization's value). */
  async settingsView(): Promise<SettingsView> {
    const values = this.effective.values;
    const base = await this.options.userSettings.view(this.lockedKeys());
    return {
      ...base,
      account: toAccount(values),
      devices: { microphoneId: values['devices.microphoneId'], speakerId: values['devices.speakerId'], ringDeviceId: values['devices.ringDeviceId'] },
      iceServers: values.iceServers,
    };
  }

  /** Resolves again from the last reads, without reading the sources (a user edit). */
  private recompute(): Promise<void> {
    return this.serial(async () => this.commit(this.resolveFromReads()));
  }

  private refuseIfLocked(key: string): void {
    if (isSettingKey(key) && this.isLocked(key)) throw new LockedSettingError(key, this.effective.provenance[key].origin);
  }

  private allSources(): PolicySource[] {
    const { local, remote } = this.options.sources;
    return remote ? [...local, remote] : [...local];
  }

  private soon(): void {
    this.cancelDebounce?.();
    this.cancelDebounce = this.timers.after(this.options.debounceMs ?? 200, () => void this.reload());
  }

  /** One change at a time, in order: a reload and a user edit never interleave. */
  private serial(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work).catch((err: unknown) => this.log(`Policy update failed: ${(err as Error).stack ?? String(err)}`));
    this.chain = run;
    return run;
  }

  private async readAll(): Promise<void> {
    await Promise.all(this.options.sources.local.map(async (source) => this.reads.set(source, await this.readSource(source))));
    const remote = this.options.sources.remote;
    if (remote && this.running) {
      // policy.url comes from the machine's own policy; the URL document can't set it.
      const values = this.resolveFromReads().values;
      await remote.configure({ url: values['policy.url'], pollSeconds: values['policy.pollSeconds'] });
      this.remoteRead = await this.readSource(remote);
    }
    this.commit(this.resolveFromReads());
    await this.options.lastGood
      ?.save(this.effective.lastGood)
      .catch((err: unknown) => this.log(`Couldn't keep the last good policy on disk: ${(err as Error).message}`));
  }

  /** A source that throws keeps what it gave last time, marked unreadable so its last good values stay. */
  private async readSource(source: PolicySource): Promise<PolicyReadResult> {
    try {
      return await source.read();
    } catch (err) {
      const previous = source === this.options.sources.remote ? this.remoteRead : (this.reads.get(source) ?? emptyRead());
      const unreadable = (o: PolicyReadResult['enforced'][number]) => ({ ...o, unreadable: true });
      return {
        enforced: previous.enforced.map(unreadable),
        recommended: previous.recommended.map(unreadable),
        problems: [{ origin: source.name, message: `Couldn't read policy: ${(err as Error).message}` }],
      };
    }
  }

  private resolveFromReads(): EffectiveSettings {
    // Lowest priority first: the URL document, then the machine's own policy.
    const reads = [this.remoteRead, ...this.options.sources.local.map((s) => this.reads.get(s) ?? emptyRead())];
    const user = this.options.userSettings;
    const resolved = resolveEffective({
      enforced: reads.flatMap((r) => r.enforced),
      recommended: reads.flatMap((r) => r.recommended),
      user: user.layer(),
      lastGood: this.effective?.lastGood,
    });
    return { ...resolved, problems: [...reads.flatMap((r) => r.problems), ...resolved.problems, ...user.problems, ...consistencyProblems(resolved)] };
  }

  private commit(next: EffectiveSettings): void {
    const before = this.effective;
    const changed = changedKeys(before, next) as SettingKey[];
    // Unchanged values keep their identity, the whole values object when
    // nothing changed and each setting's value otherwise, so consumers that
    // cache work per value (the compiled caller directory) redo it only when
    // their own setting changed, not after every re-read or unrelated edit.
    this.effective = { ...next, values: changed.length === 0 ? before.values : keepUnchanged(before.values, next.values, changed) };
    if (changed.length === 0 && problemsEqual(before.problems, next.problems)) return;
    for (const listener of this.listeners) {
      try {
        listener(this.effective, changed);
      } catch (err) {
        this.log(`A policy change listener failed: ${(err as Error).message}`);
      }
    }
  }
}

function keepUnchanged(before: EffectiveSettings['values'], next: EffectiveSettings['values'], changed: readonly SettingKey[]): EffectiveSettings['values'] {
  const values = { ...before };
  const writable = values as Record<SettingKey, unknown>;
  for (const key of changed) writable[key] = next[key];
  return values;
}
