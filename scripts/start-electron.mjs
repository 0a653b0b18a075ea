#!/usr/bin/env node
// `npm start`: make sure the Electron binary is there (installing it with
// Electron's own installer if not), rebuild out/ when the sources are newer,
// then run Electron on this project, passing signals in and the exit code out.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ELECTRON_PACKAGE = join(PROJECT, 'node_modules', 'electron');
const BUILT = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const SOURCES = ['src-main', 'src-renderer', 'electron.vite.config.ts', 'package.json', 'tsconfig.json'];

/** The Electron executable's path, or null while the binary isn't installed. */
export function electronBinary(electronPackage = ELECTRON_PACKAGE) {
  const pathFile = join(electronPackage, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(electronPackage, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), stats.mtimeMs);
}

/** True when an output is missing or any source changed after the oldest output. */
export function buildIsStale(project = PROJECT) {
  const outputs = BUILT.map((f) => join(project, f));
  if (outputs.some((f) => !existsSync(f))) return true;
  const oldestOutput = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  return SOURCES.some((s) => newestMtime(join(project, s)) > oldestOutput);
}

function installElectronBinary() {
  console.log("Focusline: the Electron binary is not installed; running Electron's installer (downloads about 100 MB)…");
  const env = { ...process.env };
  // The installer exits at once, doing nothing, when this is set (as it is for CI installs).
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const result = spawnSync(process.execPath, [join(ELECTRON_PACKAGE, 'install.js')], { cwd: ELECTRON_PACKAGE, env, stdio: 'inherit' });
  return result.status === 0 && electronBinary() !== null;
}

function explainMissingBinary() {
  console.error(
    [
      '',
      "Focusline could not start: the Electron binary is missing and Electron's installer could not get it (its error is above).",
      "The installer downloads it from GitHub's release host (github.com, objects.githubusercontent.com);",
      'usually this machine cannot reach that host.',
      '',
      'To fix it, either:',
      '  - allow access to GitHub releases and run "npm start" again;',
      '  - or point the installer at a mirror you can reach, e.g.',
      '      ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ npm start',
      '    (ELECTRON_CUSTOM_DIR / electron_config_cache also work; see https://www.electronjs.org/docs/latest/tutorial/installation);',
      '  - or run Focusline in web mode without Electron: npm run start:web',
      '',
    ].join('\n'),
  );
}

function buildApp() {
  console.log('Focusline: out/ is missing or older than the sources; building…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: PROJECT, stdio: 'inherit', shell: process.platform === 'win32' });
  return result.status === 0;
}

function runElectron(binary) {
  const env = { ...process.env };
  // If set, Electron would start as plain Node and never open the app.
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(binary, [PROJECT, ...process.argv.slice(2)], { cwd: PROJECT, env, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (!child.killed) child.kill(signal);
    });
  }
  child.on('error', (err) => {
    console.error(`Focusline: could not run Electron (${binary}): ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function main() {
  if (!existsSync(join(ELECTRON_PACKAGE, 'package.json'))) {
    console.error('Focusline could not start: the electron package is not installed. Run "npm ci" first.');
    process.exit(1);
  }
  let binary = electronBinary();
  if (binary === null && !installElectronBinary()) {
    explainMissingBinary();
    process.exit(1);
  }
  binary = electronBinary();
  if (buildIsStale() && !buildApp()) {
    console.error('Focusline could not start: "npm run build" failed (see above).');
    process.exit(1);
  }
  runElectron(binary);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
