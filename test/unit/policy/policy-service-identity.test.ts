import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyService } from '../../../src-main/policy/policy-service.js';
import { createPolicySources } from '../../../src-main/policy/sources/create-sources.js';
import { UserSettings } from '../../../src-main/policy/user-settings.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

describe('policy service and the values it hands out', () => {
  it('a re-read that changes nothing keeps the same values object (the compiled directory is not rebuilt)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fl-policy-identity-'));
    const userSettings = new UserSettings(join(dir, 'settings.json'), new InMemorySecretStore());
    await userSettings.load();
    const service = new PolicyService({
      sources: createPolicySources({ platform: 'linux', env: { FOCUSLINE_POLICY_DIR: join(dir, 'policy') }, dataDir: dir }),
      userSettings,
    });
    await service.start();
    const first = service.current().values;
    await service.reload();
    expect(service.current().values).toBe(first);
    await service.setUserValue('focus.redirectTarget', 'sip:manager@pbx.example.com');
    expect(service.current().values).not.toBe(first);
    // Each unchanged setting keeps its own value object: the caller directory compiles only when its lists change.
    expect(service.current().values['directory.blocked']).toBe(first['directory.blocked']);
    expect(service.current().values['directory.vips']).toBe(first['directory.vips']);
    service.stop();
  });
});
