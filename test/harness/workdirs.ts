// Per-instance scratch folders (generated configs, traces) under os.tmpdir().
// Remembered so that they are removed even when a test run exits early.
import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const open = new Set<string>();
let exitHookInstalled = false;

/** A fresh, empty folder named focusline-<purpose>-XXXXXX in the temp dir. */
export function makeWorkDir(purpose: string): string {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Synchronous: 'exit' listeners cannot await.
    process.on('exit', () => {
      for (const dir of open) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), `focusline-${purpose}-`));
  open.add(dir);
  return dir;
}

export async function removeWorkDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  open.delete(dir);
}
