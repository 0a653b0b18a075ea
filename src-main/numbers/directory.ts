import type { CallerIdentity } from './caller-identity.js';
import { NumberIndex, strengthRank, type IndexHit, type MatchStrength } from './number-index.js';
import { parsePhoneText } from './phone-number.js';
import { parseAddress, sipKey } from './sip-uri.js';

/**
 * The manager's lists (coworkers, VIPs, the block list), compiled once per
 * change so that a lookup costs a few Map reads, not a scan.
 *
 * Which entry wins when a caller matches several:
 * 1. the strongest match (exact E.164 / extension / SIP URI, then the last
 *    10 digits, then the last 7: see number-index.ts). The more specific
 *    evidence names the caller: a coworker whose full number matches beats a
 *    7-digit block entry that happens to end it;
 * 2. at equal strength, blocked, then coworker, then VIP: an explicit block
 *    is the manager's strongest word about a number;
 * 3. at equal strength and list, the first entry in the list.
 * A blocked entry counts only on a conclusive hit (exact, 10 digits, or all
 * of a 7-digit entry); on weaker evidence the caller is not rejected.
 *
 * Where the caller may be (caller-host.ts): a coworker or VIP entry's
 * extensions and numbers match only a caller whose host is trusted (the
 * account's own SIP domain or policy's numbers.trustedHosts); its SIP URIs
 * match exactly that URI from any host. The block list matches from any
 * host. A caller refused for the host is a stranger; `foreignClaim` names
 * whom they claimed to be, for the call log.
 */
export type DirectoryList = 'blocked' | 'coworker' | 'vip';

/**
 * The shape of one listed person or place. focus/types.ts's DirectoryEntry is
 * one; numbers/ stays below focus/ and doesn't import it.
 */
export type ListedContact = {
  name: string;
  extensions?: readonly string[];
  numbers?: readonly string[];
  sipUris?: readonly string[];
};

export type DirectoryLists<E extends ListedContact = ListedContact> = {
  coworkers: readonly E[];
  vips: readonly E[];
  blocked: readonly E[];
};

/** What of the entry matched: one of its extensions, numbers or SIP URIs. */
export type ListedBy = 'extension' | 'number' | 'sip-uri';

export type DirectoryMatch<E extends ListedContact = ListedContact> = { list: DirectoryList; entry: E; via: MatchStrength; by: ListedBy };

/** A stored value that can never match, so the manager can fix it. */
export type UnusableDirectoryValue = { list: DirectoryList; name: string; value: string; why: string };

export type CompiledDirectory<E extends ListedContact = ListedContact> = {
  /** The entry the caller is, by the rules above; undefined for a stranger. */
  lookup(caller: CallerIdentity): DirectoryMatch<E> | undefined;
  /**
   * The coworker or VIP the caller would be by extension or number, had they
   * called from a trusted host; undefined when the host is trusted or nobody
   * is claimed.
   */
  foreignClaim(caller: CallerIdentity): DirectoryMatch<E> | undefined;
  /** Entries compiled, over all lists. */
  readonly size: number;
  readonly unusable: readonly UnusableDirectoryValue[];
};

type Listed<E> = { list: DirectoryList; entry: E; by: ListedBy };

const listRank: Record<DirectoryList, number> = { blocked: 3, coworker: 2, vip: 1 };

export function compileDirectory<E extends ListedContact>(lists: DirectoryLists<E>, defaultRegion: string): CompiledDirectory<E> {
  const steps = compileSteps(lists, defaultRegion);
  // Bounded by the lists' length: one step per entry.
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export type SlicedCompile<E extends ListedContact> =
  { done: true; directory: CompiledDirectory<E> } | { done: false; directory: Promise<CompiledDirectory<E>> };

export type SliceOptions = {
  /** How long one slice may hold the event loop; calls are answered between slices. */
  sliceMs?: number;
  /** Waits for the next turn of the event loop (setImmediate: I/O, such as a SIP message, runs first). */
  nextTurn?: () => Promise<void>;
  now?: () => number;
  /** A newer compile took over: stop, and reject with the signal's reason. */
  signal?: AbortSignal;
};

/**
 * compileDirectory spread over turns of the event loop, so a manager's
 * 10,000-entry lists (a second or so of libphonenumber) never hold an
 * incoming call's answer. The first slice runs now: a small directory is
 * `done` at once, and a big one finishes later while the caller keeps its
 * last good directory.
 */
export function compileDirectorySliced<E extends ListedContact>(lists: DirectoryLists<E>, defaultRegion: string, options: SliceOptions = {}): SlicedCompile<E> {
  const sliceMs = options.sliceMs ?? 8;
  const now = options.now ?? (() => performance.now());
  const nextTurn = options.nextTurn ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
  const steps = compileSteps(lists, defaultRegion);
  const slice = (): CompiledDirectory<E> | undefined => {
    const start = now();
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      if (now() - start >= sliceMs) return undefined;
    }
  };
  const first = slice();
  if (first) return { done: true, directory: first };
  const rest = async (): Promise<CompiledDirectory<E>> => {
    for (;;) {
      await nextTurn();
      options.signal?.throwIfAborted();
      const directory = slice();
      if (directory) return directory;
    }
  };
  return { done: false, directory: rest() };
}

/** The compile, one entry per step. */
function* compileSteps<E extends ListedContact>(lists: DirectoryLists<E>, defaultRegion: string): Generator<void, CompiledDirectory<E>> {
  const index = new NumberIndex<Listed<E>>();
  const unusable: UnusableDirectoryValue[] = [];
  const groups: [DirectoryList, readonly E[]][] = [
    ['blocked', lists.blocked],
    ['coworker', lists.coworkers],
    ['vip', lists.vips],
  ];
  for (const [list, entries] of groups) {
    for (const entry of entries) {
      unusable.push(...indexEntry(index, list, entry, defaultRegion));
      yield;
    }
  }
  return {
    lookup: (caller) => (caller.anonymous ? undefined : bestMatch(index.hits(caller).filter((hit) => admits(hit.value, caller)))),
    foreignClaim: (caller) => (caller.anonymous || caller.hostTrusted ? undefined : bestMatch(index.hits(caller).filter((hit) => !admits(hit.value, caller)))),
    size: lists.blocked.length + lists.coworkers.length + lists.vips.length,
    unusable,
  };
}

/** Blocked entries and SIP URIs match from any host; a coworker's or VIP's extension or number only from a trusted one. */
function admits<E>(listed: Listed<E>, caller: CallerIdentity): boolean {
  return listed.list === 'blocked' || listed.by === 'sip-uri' || caller.hostTrusted;
}

function indexEntry<E extends ListedContact>(index: NumberIndex<Listed<E>>, list: DirectoryList, entry: E, region: string): UnusableDirectoryValue[] {
  const problems: UnusableDirectoryValue[] = [];
  const problem = (value: string, why: string) => problems.push({ list, name: entry.name, value, why });
  for (const ext of entry.extensions ?? []) {
    const trimmed = ext.trim();
    if (trimmed === '') problem(ext, 'is empty');
    else index.addExact(`ext:${trimmed}`, { list, entry, by: 'extension' });
  }
  for (const number of entry.numbers ?? []) {
    const parsed = parsePhoneText(number, region);
    if (parsed.kind === 'none') problem(number, parsed.why);
    else index.addNumber(parsed, { list, entry, by: parsed.kind === 'extension' ? 'extension' : 'number' });
  }
  for (const uri of entry.sipUris ?? []) {
    const address = parseAddress(uri);
    const key = address && sipKey(address);
    if (key === undefined) problem(uri, 'is not a SIP URI like sip:jane@pbx.example.com');
    else index.addExact(key, { list, entry, by: 'sip-uri' });
  }
  return problems;
}

function bestMatch<E extends ListedContact>(hits: IndexHit<Listed<E>>[]): DirectoryMatch<E> | undefined {
  let best: IndexHit<Listed<E>> | undefined;
  let bestScore = 0;
  for (const hit of hits) {
    if (hit.value.list === 'blocked' && !hit.conclusive) continue;
    const score = strengthRank[hit.via] * 10 + listRank[hit.value.list];
    if (score > bestScore) {
      best = hit;
      bestScore = score;
    }
  }
  return best && { list: best.value.list, entry: best.value.entry, via: best.via, by: best.value.by };
}
