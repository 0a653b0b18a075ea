import { afterEach, describe, expect, it } from 'vitest';
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../../src-main/app/services.js';
import { CallHistory } from '../../../src-main/calls/history.js';
import { openDatabase } from '../../../src-main/storage/database.js';
import { tightenDataDir } from '../../../src-main/storage/private-files.js';
import { createEmptyDurably, writeFileAtomic } from '../../../src-main/voicemail/voicemail-files.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

// POSIX modes only: on Windows the data folder's privacy is the per-user profile's ACL (docs/settings.md).
const posix = process.platform !== 'win32';
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fl-private-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** What releases before this one left behind: a 0755 folder with 0644 files (the usual umask). */
async function oldInstall(data: string): Promise<string[]> {
  const files = [
    'focusline.db',
    'focusline.db-wal',
    'focusline.db-shm',
    'call-history.jsonl',
    'focusline.log',
    'voicemail/vm-1.webm',
    'voicemail/greetings/default.wav',
    'logs/main.log',
  ];
  await mkdir(join(data, 'voicemail', 'greetings'), { recursive: true });
  await mkdir(join(data, 'logs'), { recursive: true });
  for (const name of files) {
    await writeFile(join(data, name), '');
    await chmod(join(data, name), 0o644);
  }
  for (const folder of ['', 'voicemail', 'voicemail/greetings', 'logs']) await chmod(join(data, folder), 0o755);
  return files;
}

describe.runIf(posix)('the data folder is private', () => {
  it('new files are owner-only from creation: database with its WAL and shared memory, call history, recordings, greetings', async () => {
    const data = join(await tempDir(), 'data');
    const db = openDatabase(data);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    expect(await modeOf(data)).toBe(0o700);
    for (const name of ['focusline.db', 'focusline.db-wal', 'focusline.db-shm']) expect([name, await modeOf(join(data, name))]).toEqual([name, 0o600]);
    db.close();

    const history = new CallHistory(data);
    await history.record({
      id: 'c1',
      direction: 'incoming',
      remoteUri: 'sip:alice@example.com',
      remoteName: '',
      startedAt: '2026-11-23T10:00:00.000Z',
      answeredAt: null,
      endedAt: '2026-11-23T10:00:05.000Z',
      outcome: 'missed',
      reason: '',
    });
    expect(await modeOf(history.path)).toBe(0o600);

    await createEmptyDurably(join(data, 'voicemail', 'vm-1.webm'));
    await writeFileAtomic(join(data, 'voicemail', 'greetings', 'default.wav'), new Uint8Array([1, 2, 3]));
    expect(await modeOf(join(data, 'voicemail'))).toBe(0o700);
    expect(await modeOf(join(data, 'voicemail', 'greetings'))).toBe(0o700);
    expect(await modeOf(join(data, 'voicemail', 'vm-1.webm'))).toBe(0o600);
    expect(await modeOf(join(data, 'voicemail', 'greetings', 'default.wav'))).toBe(0o600);
  });

  it('an existing install is tightened: the folder to 0700, its files to 0600, and it says what it changed', async () => {
    const data = join(await tempDir(), 'data');
    await mkdir(data);
    const files = await oldInstall(data);
    const outside = join(await tempDir(), 'not-ours.txt');
    await writeFile(outside, '');
    await chmod(outside, 0o644);
    await symlink(outside, join(data, 'voicemail', 'link.webm'));

    const result = tightenDataDir(data);
    expect(result.failed).toEqual([]);
    expect(result.changed).toHaveLength(files.length + 4);
    for (const folder of ['', 'voicemail', 'voicemail/greetings', 'logs']) expect([folder, await modeOf(join(data, folder))]).toEqual([folder, 0o700]);
    for (const name of files) expect([name, await modeOf(join(data, name))]).toEqual([name, 0o600]);
    // A link is never followed: what it points to isn't Focusline's to change.
    expect(await modeOf(outside)).toBe(0o644);
    // Nothing left to change the second time.
    expect(tightenDataDir(data).changed).toEqual([]);
  });

  it('starting the services over an old install leaves everything private', async () => {
    const dir = await tempDir();
    const data = join(dir, 'data');
    await mkdir(data);
    const files = await oldInstall(data);
    // Files of an old install that SQLite will open must be a real database, not empty placeholders.
    for (const name of ['focusline.db', 'focusline.db-wal', 'focusline.db-shm']) await rm(join(data, name));
    openDatabase(data).close();
    await chmod(join(data, 'focusline.db'), 0o644);
    await chmod(data, 0o755);
    const logs: string[] = [];
    const services = await createServices({
      mode: 'web',
      version: '1.0.0',
      dataDir: data,
      secrets: new InMemorySecretStore(),
      log: (m) => logs.push(m),
      env: { FOCUSLINE_POLICY_DIR: join(dir, 'policy') },
    });
    try {
      expect(await modeOf(data)).toBe(0o700);
      for (const name of files) {
        const mode = await stat(join(data, name)).then(
          (s) => s.mode & 0o777,
          () => undefined,
        );
        // The WAL and shared memory exist while the database is open; each one that exists is private.
        if (mode !== undefined) expect([name, mode]).toEqual([name, 0o600]);
      }
      expect(await modeOf(join(data, 'focusline.db-wal'))).toBe(0o600);
      expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^Made \\d+ file\\(s\\) and folder\\(s\\) in ${data} readable by this user only\\.$`)));
    } finally {
      await services.close();
    }
  });
});
