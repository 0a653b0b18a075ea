import { open } from 'node:fs/promises';

export type BoundedRead = { kind: 'read'; bytes: Buffer } | { kind: 'too-large'; bytes: number };

/**
 * A file's bytes, or its size when that is over `maxBytes`: a huge file is
 * refused without being read into memory. The size is checked on the open
 * handle, and the read stops one byte past the limit, so a file that grows
 * between the two is refused too. A missing file throws ENOENT as readFile
 * would.
 */
export async function readFileUpTo(path: string, maxBytes: number): Promise<BoundedRead> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return { kind: 'too-large', bytes: size };
    const buffer = Buffer.alloc(maxBytes + 1);
    let filled = 0;
    // Bounded: each read either advances or ends the loop, and filled never passes maxBytes + 1.
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > maxBytes) return { kind: 'too-large', bytes: filled };
    return { kind: 'read', bytes: buffer.subarray(0, filled) };
  } finally {
    await handle.close();
  }
}
