// The RT test bed itself, as a fresh machine has it. Debian's request-tracker5
// leaves /var/cache/request-tracker5 www-data-owned (2750); root inside the
// tests' user namespace can't write there, and a machine that once ran RT as
// real root has the files already, which hid the failure for a while. The
// harness runs every RT process with RT's system folders sealed (empty and
// read-only), so these tests hold whatever state the machine's folders are in.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rtSystemFoldersSeal, startRt, type RtServer } from '../harness/rt.js';
import { messageOf } from '../../src-shared/errors.js';

let rt: RtServer | undefined;

afterAll(async () => {
  await rt?.dispose();
});

describe('the RT test bed on a machine whose RT folders it may not write', () => {
  it('starts, answers REST2 as the technician, and keeps Mason’s cache and sessions in its own work folder', async () => {
    rt = await startRt();
    const response = await fetch(`${rt.url}/REST/2.0/user/tech1`, { headers: { authorization: `token ${rt.techToken}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { Name?: string }).Name).toBe('tech1');
    // Mason compiles its components into MasonDataDir when the handler starts.
    expect(existsSync(join(rt.workDir, 'mason_data', 'obj'))).toBe(true);
    expect(readdirSync(join(rt.workDir, 'session_data'))).toBeDefined();
    expect(rt.log()).not.toContain('/var/cache/request-tracker5');
  });

  it('would fail at start with Debian’s cache folder, so the seal is real (the failure a fresh machine showed)', async () => {
    // Where mount namespaces are refused, RT still runs from its work folder, but nothing proves it writes nowhere else: say so.
    expect(rtSystemFoldersSeal()).toEqual({ sealed: true });
    const failed = await startRt({ useDebianSystemFolders: true, startTimeoutMs: 20_000 }).then(
      async (server) => {
        await server.dispose();
        return undefined;
      },
      (error: unknown) => messageOf(error),
    );
    expect(failed).toBeDefined();
    expect(failed).toContain('/var/cache/request-tracker5/mason_data');
  });
});
