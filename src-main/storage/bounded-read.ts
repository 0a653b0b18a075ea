import { open } from 'node:fs/promises';

export type BoundedRead = { kind: 'read'; bytes: Buffer } | { kind: 'too-large'; bytes: number };

/**
 * A file's bytes, or its size when that is over `maxBytes`: a huge file is
 * refused without being read into memory. The size is checked on the open
 * handle and the read stops one byte past it, so a file that grows in
 * between is noticed and judged by its new size. A missing file throws
 * ENOENT as readFile would.
 */
export async function readFileUpTo(path: string, maxBytes: number, retryIfGrowing = true): Promise<BoundedRead> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return { kind: 'too-large', bytes: size };
    // Room for what stat saw and one byte more: enough to notice a file that grew since.
    const buffer = Buffer.alloc(size + 1);
    let filled = 0;
    // Bounded: each read either advances or ends the loop, and filled never passes size + 1.
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > size) {
      // It grew while being read (a tool still writing it): judge it by its size now.
      const now = (await handle.stat()).size;
      if (now > maxBytes) return { kind: 'too-large', bytes: now };
      // Once more; if it is still growing, what was read is handed on (cut JSON fails to parse, and the last good values stay).
      if (retryIfGrowing) return readFileUpTo(path, maxBytes, false);
    }
    return { kind: 'read', bytes: buffer.subarray(0, filled) };
  } finally {
    await handle.close();
  }
}
