import { mkdir, open, rename, stat, truncate, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../storage/private-files.js';

/**
 * The few disk operations voicemail needs, each durable when it resolves:
 * a recording is only worth something if it is still there after a power cut.
 */

/** Writes `bytes` at `offset` (not "append": a torn earlier write is overwritten, never extended) and fsyncs. */
export async function writeAtDurably(path: string, offset: number, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    let written = 0;
    // A single write may be short on some file systems; bounded by the chunk's length.
    while (written < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written, offset + written);
      if (bytesWritten <= 0) throw new Error('the disk accepted no bytes');
      written += bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates an empty file (replacing any leftover) and makes its directory entry durable. */
export async function createEmptyDurably(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  // A caller's voice: owner-only (0600) from creation, not tightened afterwards.
  const handle = await open(path, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await syncDirectory(dirname(path));
}

/**
 * Temp file, fsync, rename, fsync of the folder: a crash leaves the old file
 * or the new one, never half of each.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    // Greetings and recordings are the tech's and callers' voices: owner-only (0600) from creation.
    const handle = await open(tmp, 'w', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await removeIfPresent(tmp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Size in bytes, or null when the file isn't there. */
export async function sizeOrNull(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function truncateDurably(path: string, length: number): Promise<void> {
  await truncate(path, length);
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** True if a file was removed; a file that is already gone is not an error (deleting is idempotent). */
export async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Makes a rename or a new file's name survive a power cut (POSIX). Windows
 * can't open a folder for syncing and makes renames durable itself.
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const EXTENSIONS: Record<string, string> = {
  'audio/webm': '.webm',
  'audio/ogg': '.ogg',
  'audio/mp4': '.m4a',
  'audio/mpeg': '.mp3',
  'audio/wav': '.wav',
  'audio/x-wav': '.wav',
  'audio/wave': '.wav',
};

/** The file extension for a recorder's MIME type ("audio/webm;codecs=opus" → ".webm"), so the files open in any player. */
export function extensionFor(mimeType: string): string {
  const base = mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  return EXTENSIONS[base] ?? '.bin';
}
