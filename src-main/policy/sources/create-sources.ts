import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { Clock, Timers } from '../timers.js';
import { DirectoryPolicySource, LINUX_POLICY_DIR } from './directory-source.js';
import { MacManagedPreferencesSource } from './macos-managed-preferences-source.js';
import type { PolicySource, PolicySources } from './policy-source.js';
import { execFileRunner, type CommandRunner } from './run-command.js';
import { UrlPolicySource } from './url-source.js';
import { WindowsRegistryPolicySource } from './windows-registry-source.js';

export type PolicySourcesOptions = {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The data folder: the URL policy's offline copy is kept there. */
  dataDir: string;
  runCommand?: CommandRunner;
  /** The macOS user whose managed preferences apply; the process's user by default. */
  userName?: string;
  timers?: Timers;
  clock?: Clock;
  log?: (message: string) => void;
};

export const POLICY_CACHE_FILE = 'policy-cache.json';

/**
 * The sources for this machine. FOCUSLINE_POLICY_DIR, when set, replaces the
 * OS's own source on every OS (tests, custom deployments); otherwise Linux
 * reads /etc/focusline/policies, Windows the registry, macOS the managed
 * preferences. The URL source is always there, idle until policy.url is set.
 */
export function createPolicySources(options: PolicySourcesOptions): PolicySources {
  return {
    local: [localSource(options)],
    remote: new UrlPolicySource({
      cachePath: join(options.dataDir, POLICY_CACHE_FILE),
      ...(options.timers ? { timers: options.timers } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.log ? { log: options.log } : {}),
    }),
  };
}

function localSource(options: PolicySourcesOptions): PolicySource {
  const override = options.env.FOCUSLINE_POLICY_DIR?.trim();
  if (override) return new DirectoryPolicySource(override);
  const run = options.runCommand ?? execFileRunner;
  switch (options.platform) {
    case 'win32':
      return new WindowsRegistryPolicySource(run);
    case 'darwin':
      return new MacManagedPreferencesSource({ userName: options.userName ?? userInfo().username, runCommand: run });
    default:
      return new DirectoryPolicySource(LINUX_POLICY_DIR);
  }
}
