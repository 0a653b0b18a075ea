import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from '../../../../src-main/app/window-options.js';

describe('mainWindowOptions', () => {
  it('isolates and sandboxes the renderer, with Node kept out of every frame', () => {
    const { webPreferences } = mainWindowOptions('/app/out/preload/index.cjs');
    expect(webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
  });

  it('keeps timers running while hidden in the tray, so the phone stays registered', () => {
    expect(mainWindowOptions('/p.cjs').webPreferences.backgroundThrottling).toBe(false);
  });

  it('plays audio without a click: the voicemail greeting in a window nobody has touched in the tray', () => {
    expect(mainWindowOptions('/p.cjs').webPreferences.autoplayPolicy).toBe('no-user-gesture-required');
  });

  it('starts hidden (shown once the page is ready) and sets the icon only when given', () => {
    expect(mainWindowOptions('/p.cjs').show).toBe(false);
    expect(mainWindowOptions('/p.cjs')).not.toHaveProperty('icon');
    expect(mainWindowOptions('/p.cjs', '/assets/icon.png').icon).toBe('/assets/icon.png');
  });
});
