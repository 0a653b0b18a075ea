import type { PolicyProblem } from '../problems.js';

/**
 * The settings one place (a file, a registry key, a URL) sets at one level,
 * as raw values under flat dotted keys: validation is effective.ts's job, so
 * every source is judged by the same rules.
 *
 * `unreadable` means the place exists but couldn't be read this time (a file
 * cut short mid-write, bad JSON): the values it last gave stay in effect.
 * A place that is gone (file deleted) is simply not listed.
 */
export type PolicyOrigin = { origin: string; values: Readonly<Record<string, unknown>>; unreadable?: boolean };

/** Origins in priority order, lowest first: when two set a key, the later one wins. */
export type PolicyReadResult = { enforced: PolicyOrigin[]; recommended: PolicyOrigin[]; problems: PolicyProblem[] };

export const emptyRead = (): PolicyReadResult => ({ enforced: [], recommended: [], problems: [] });

/** Where policy comes from: a folder of JSON files, the Windows registry, macOS managed preferences, a URL. */
export interface PolicySource {
  /** For logs and for problems when the source itself fails. */
  readonly name: string;
  read(): Promise<PolicyReadResult>;
  /** Calls `onChange` when the source may have changed (it is then read again). Returns a function that stops watching. */
  watch(onChange: () => void): () => void;
}

export type RemotePolicyTarget = { url: string; pollSeconds: number };

/** A source whose location comes from the other sources' policy (policy.url). */
export interface RemotePolicySource extends PolicySource {
  /** Points the source at a URL (or at nothing), loading any cached copy first; fetching happens in the background. */
  configure(target: RemotePolicyTarget | undefined): Promise<void>;
}

/** The sources a PolicyService reads: the machine's own (in priority order, lowest first) and the URL they may name. */
export type PolicySources = { local: PolicySource[]; remote?: RemotePolicySource };
