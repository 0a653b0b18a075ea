#!/usr/bin/env node
// Validates electron-builder.yml (or the file given as the first argument)
// with electron-builder's own schema validator, the same check it runs before
// packaging, without building anything. Exit 1 with the validator's message.
// The module path is internal to app-builder-lib: electron-builder is pinned.
const { resolve } = require('node:path');
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
const { DebugLogger } = require('builder-util');

async function main() {
  const configPath = resolve(process.argv[2] ?? 'electron-builder.yml');
  const config = await getConfig(process.cwd(), configPath, null);
  await validateConfiguration(config, new DebugLogger(false));
  console.log(`${configPath}: valid (${Object.keys(config).length} top-level keys)`);
}

main().catch((err) => {
  console.error(`electron-builder configuration is invalid: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
