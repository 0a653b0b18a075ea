import { readFile } from 'node:fs/promises';
import { parse } from 'plist';
import { describe, expect, it } from 'vitest';

describe("the macOS app's entitlements", () => {
  it('ask for the JIT, the microphone and the network, and no unsigned executable memory', async () => {
    const entitlements = parse(await readFile('assets/entitlements.mac.plist', 'utf8')) as Record<string, unknown>;
    // Current Electron maps V8's JIT pages with MAP_JIT (allow-jit); allow-unsigned-executable-memory would only help injected code.
    expect(entitlements).toEqual({
      'com.apple.security.cs.allow-jit': true,
      'com.apple.security.device.audio-input': true,
      'com.apple.security.network.client': true,
    });
  });
});
