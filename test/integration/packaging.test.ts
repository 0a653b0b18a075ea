import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import { getConfig } from 'app-builder-lib/out/util/config/config.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_USER_MODEL_ID } from '../../src-main/app/electron-shell.js';

const run = promisify(execFile);
const PROJECT = join(import.meta.dirname, '..', '..');
const BUILT = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const ASAR = join(PROJECT, 'dist-smoke', 'linux-unpacked', 'resources', 'app.asar');

type RunResult = { code: number; stdout: string; stderr: string };

async function node(args: string[], timeout = 60_000): Promise<RunResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd: PROJECT, timeout });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function checkConfigVariant(edit: (yml: string) => string): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'focusline-builder-check-'));
  try {
    const variant = join(dir, 'electron-builder.yml');
    await writeFile(variant, edit(await readFile(join(PROJECT, 'electron-builder.yml'), 'utf8')));
    return await node(['scripts/check-builder-config.cjs', variant]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('electron-builder config check (npm run builder:check)', () => {
  it('passes on the real electron-builder.yml', async () => {
    const result = await node(['scripts/check-builder-config.cjs']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/electron-builder\.yml: valid/);
  });

  it('fails on a copy with a typo key, naming the key', async () => {
    const result = await checkConfigVariant((yml) => yml.replace(/^linux:/m, 'linx:'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("unknown property 'linx'");
  });

  it('fails on a copy with a fuse that is not a boolean', async () => {
    const result = await checkConfigVariant((yml) => yml.replace(/runAsNode: false/, 'runAsNode: "no"'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('runAsNode should be a boolean');
  });

  it('spells out every fuse, hardened as the security checklist says', async () => {
    const config = await getConfig(PROJECT, join(PROJECT, 'electron-builder.yml'), null);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.protocols).toEqual([
      { name: 'Telephone link', schemes: ['tel'] },
      { name: 'SIP link', schemes: ['sip'] },
      { name: 'Callto link', schemes: ['callto'] },
      { name: 'Focusline link', schemes: ['focusline'] },
    ]);
    expect(config.appId).toBe(APP_USER_MODEL_ID);
    expect(config.npmRebuild).toBeUndefined();
    expect(config.asar).toBe(true);
  });
});

describe('packaging smoke against a stub Electron (npm run builder:smoke)', () => {
  let smoke: RunResult;
  let files: string[];

  beforeAll(async () => {
    if (BUILT.some((f) => !existsSync(join(PROJECT, f)))) {
      await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: PROJECT, timeout: 180_000 });
    }
    smoke = await node(['scripts/builder-smoke.mjs'], 180_000);
    files = smoke.code === 0 ? listPackage(ASAR, { isPack: false }).map((f) => f.replaceAll('\\', '/')) : [];
  }, 240_000);

  it('packages without errors and reports the asar size and file count', () => {
    expect(smoke.stderr + smoke.stdout).not.toMatch(/builder-smoke failed|must not ship|missing from/);
    expect(smoke.code).toBe(0);
    expect(smoke.stdout).toMatch(/app\.asar \d+\.\d\d MB, \d+ files/);
  });

  it('ships the built main, preload and renderer', () => {
    for (const file of BUILT) expect(files).toContain(`/${file}`);
    expect(files).toContain('/package.json');
  });

  it('ships no sources, tests, source maps or renderer-only packages', () => {
    const forbidden = files.filter(
      (f) =>
        /^\/(src-main|src-renderer|test|scripts|bench|docs)(\/|$)/.test(f) ||
        /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) ||
        /\.map$/.test(f) ||
        /^\/node_modules\/(react|react-dom|zustand|sip\.js|electron|vitest|typescript)(\/|$)/.test(f),
    );
    expect(forbidden).toEqual([]);
    // Main's pure-JS dependencies are bundled into out/main; only the native SQLite addon ships as a package.
    expect(files.some((f) => f.startsWith('/node_modules/zod/'))).toBe(false);
    expect(files.some((f) => f.startsWith('/node_modules/better-sqlite3/lib/'))).toBe(true);
  });

  it('unpacks the native SQLite addon next to the asar, without its build leftovers', () => {
    const release = join(dirname(ASAR), 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release');
    expect(readdirSync(release)).toEqual(['better_sqlite3.node']);
    expect(files.some((f) => f.startsWith('/node_modules/better-sqlite3/deps/'))).toBe(false);
  });

  it('stays small: under 8 MB', () => {
    expect(statSync(ASAR).size).toBeLessThan(8 * 1024 * 1024);
  });

  it('puts the tray icons beside the asar, where the packaged shell looks for them', () => {
    const assets = readdirSync(join(ASAR, '..', 'assets'));
    for (const state of ['offline', 'registering', 'available', 'in-call', 'reconnecting', 'failed']) {
      expect(assets).toContain(`tray-${state}.png`);
    }
    expect(assets).toContain('icon.png');
  });

  it('builds a preload that requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const preload = readFileSync(join(PROJECT, 'out', 'preload', 'index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/^\s*import\s/m);
  });
});
