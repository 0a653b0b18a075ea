#!/usr/bin/env node
// Packaging smoke test that needs neither the Electron binary nor the network:
// electron-builder --dir --linux runs against a stub Electron dist (a shell
// script and a version file), with fuses off (flipping them needs the real
// binary), then app.asar is audited for what it ships.
// Needs `npm run build` first. Run: npm run builder:smoke
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import yaml from 'js-yaml';
import builder from 'electron-builder';
import { listPackage } from '@electron/asar';

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = join(PROJECT, 'dist-smoke');
const ASAR = join(OUTPUT, 'linux-unpacked', 'resources', 'app.asar');

export const REQUIRED_IN_ASAR = ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json'];
/** Sources, tests and packages Vite already bundled into the renderer must not ship again. */
export const FORBIDDEN_IN_ASAR = [
  /^\/src-main\//,
  /^\/src-renderer\//,
  /^\/test\//,
  /\.test\.[cm]?[jt]sx?$/,
  /\.map$/,
  /^\/node_modules\/(react|react-dom|zustand|sip\.js)(\/|$)/,
];

/** Which required files are missing and which forbidden ones are present. */
export function auditAsar(files) {
  return {
    missing: REQUIRED_IN_ASAR.filter((f) => !files.includes(f)),
    forbidden: files.filter((f) => FORBIDDEN_IN_ASAR.some((pattern) => pattern.test(f))),
  };
}

function requireBuiltApp() {
  const missing = REQUIRED_IN_ASAR.filter((f) => !existsSync(join(PROJECT, f)));
  if (missing.length === 0) return;
  console.error(`builder-smoke: the app has not been built (${missing.join(', ')} missing). Run "npm run build" first.`);
  process.exit(1);
}

/** A folder electron-builder accepts as an Electron dist: an `electron` script and a version file. */
function makeStubElectronDist(workDir) {
  const dir = join(workDir, 'electron-dist');
  mkdirSync(dir);
  const electronVersion = createRequire(import.meta.url)('electron/package.json').version;
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stub electron: packaging smoke only" >&2\nexit 1\n');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'version'), electronVersion);
  return dir;
}

function smokeConfig(stubDist) {
  const config = yaml.load(readFileSync(join(PROJECT, 'electron-builder.yml'), 'utf8'));
  delete config.electronFuses;
  return {
    ...config,
    electronDist: stubDist,
    npmRebuild: false,
    directories: { ...config.directories, output: OUTPUT },
  };
}

async function packageWithStub() {
  const workDir = mkdtempSync(join(tmpdir(), 'focusline-builder-smoke-'));
  // A config file, not an object: an object is merged over electron-builder.yml,
  // which would bring the fuses back.
  const configPath = join(workDir, 'electron-builder.smoke.yml');
  writeFileSync(configPath, yaml.dump(smokeConfig(makeStubElectronDist(workDir))));
  rmSync(OUTPUT, { recursive: true, force: true });
  try {
    await builder.build({
      projectDir: PROJECT,
      targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64),
      config: configPath,
      publish: 'never',
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

function report(files) {
  const { missing, forbidden } = auditAsar(files);
  const size = statSync(ASAR).size;
  console.log(`builder-smoke: ${ASAR}`);
  console.log(`builder-smoke: app.asar ${(size / 1024 / 1024).toFixed(2)} MB, ${files.length} files`);
  if (missing.length > 0) console.error(`builder-smoke: missing from app.asar: ${missing.join(', ')}`);
  if (forbidden.length > 0) console.error(`builder-smoke: must not ship in app.asar:\n  ${forbidden.slice(0, 50).join('\n  ')}`);
  return missing.length === 0 && forbidden.length === 0;
}

async function main() {
  requireBuiltApp();
  await packageWithStub();
  const files = listPackage(ASAR, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
  process.exit(report(files) ? 0 : 1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(`builder-smoke failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
