import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RENDERER_URL } from '../../../../src-main/app/app-origin.js';
import { createFakeElectron, type FakeElectron, type FakeElectronOptions } from '../fake-electron.js';

const SRC_APP = join(import.meta.dirname, '..', '..', '..', '..', 'src-main', 'app');

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'focusline-entry-'));
  vi.stubEnv('FOCUSLINE_DATA_DIR', dataDir);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs the entry module the way Electron would, against the fake. */
async function runEntry(options: FakeElectronOptions = {}): Promise<{ fake: FakeElectron; shell: unknown }> {
  const fake = createFakeElectron(options);
  vi.resetModules();
  vi.doMock('electron', () => fake.module);
  const entry = await import('../../../../src-main/app/electron-main.js');
  return { fake, shell: await entry.shellReady };
}

describe('electron-main (the entry)', () => {
  it('starts the shell on real-Electron ports: window on app://, preload beside the main bundle', async () => {
    const { fake, shell } = await runEntry();
    expect(shell).not.toBeNull();
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]?.options).toMatchObject({ webPreferences: { preload: join(SRC_APP, '..', 'preload', 'index.cjs') } });
    expect(fake.windows[0]?.webContents.getURL()).toBe(RENDERER_URL);
    expect(fake.electron.app.setPath).toHaveBeenCalledWith('userData', dataDir);
    expect(fake.trays).toHaveLength(1);
  });

  it('tells the user and exits 1 when startup fails', async () => {
    const { fake, shell } = await runEntry({ whenReady: () => Promise.reject(new Error('GPU process exploded')) });
    expect(shell).toBeNull();
    expect(fake.electron.dialog.showErrorBox).toHaveBeenCalledWith('Focusline could not start', 'GPU process exploded');
    expect(fake.electron.app.exit).toHaveBeenCalledWith(1);
  });
});
