import { describe, expect, it } from 'vitest';
import { createPolicySources } from '../../../src-main/policy/sources/create-sources.js';
import { DirectoryPolicySource, LINUX_POLICY_DIR } from '../../../src-main/policy/sources/directory-source.js';
import { MacManagedPreferencesSource } from '../../../src-main/policy/sources/macos-managed-preferences-source.js';
import { UrlPolicySource } from '../../../src-main/policy/sources/url-source.js';
import { WindowsRegistryPolicySource } from '../../../src-main/policy/sources/windows-registry-source.js';

const base = { env: {}, dataDir: '/tmp/fl-data', runCommand: async () => ({ code: 0, stdout: '', stderr: '' }), userName: 'jane' };

describe('createPolicySources', () => {
  it.each([
    ['linux', DirectoryPolicySource],
    ['win32', WindowsRegistryPolicySource],
    ['darwin', MacManagedPreferencesSource],
    ['freebsd', DirectoryPolicySource],
  ] as const)('picks the OS source on %s, and always a URL source', (platform, kind) => {
    const sources = createPolicySources({ ...base, platform });
    expect(sources.local).toHaveLength(1);
    expect(sources.local[0]).toBeInstanceOf(kind);
    expect(sources.remote).toBeInstanceOf(UrlPolicySource);
  });

  it('reads /etc/focusline/policies on Linux', () => {
    expect((createPolicySources({ ...base, platform: 'linux' }).local[0] as DirectoryPolicySource).dir).toBe(LINUX_POLICY_DIR);
  });

  it('lets FOCUSLINE_POLICY_DIR replace the OS source on every OS', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const local = createPolicySources({ ...base, platform, env: { FOCUSLINE_POLICY_DIR: '/srv/focusline-policy' } }).local;
      expect(local).toHaveLength(1);
      expect((local[0] as DirectoryPolicySource).dir).toBe('/srv/focusline-policy');
    }
  });

  it('looks for the user’s own managed preferences on macOS', () => {
    const mac = createPolicySources({ ...base, platform: 'darwin' }).local[0] as MacManagedPreferencesSource;
    expect(mac.files).toEqual(['/Library/Managed Preferences/com.focusline.app.plist', '/Library/Managed Preferences/jane/com.focusline.app.plist']);
  });
});
