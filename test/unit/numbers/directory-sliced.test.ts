// A big directory compiles in slices between calls (compileDirectorySliced),
// and ends up the same as compiled at once.
import { describe, expect, it } from 'vitest';
import { callerIdentity } from '../../../src-main/numbers/caller-identity.js';
import { compileDirectory, compileDirectorySliced, type DirectoryLists, type ListedContact } from '../../../src-main/numbers/directory.js';

const lists = (n: number): DirectoryLists<ListedContact> => ({
  coworkers: [{ name: 'Sam', extensions: ['2002'] }],
  vips: Array.from({ length: n }, (_, i) => ({ name: `VIP ${i}`, numbers: [`+1847${String(i).padStart(7, '0')}`] })),
  blocked: Array.from({ length: n }, (_, i) => ({ name: `B${i}`, numbers: [`+1630${String(i).padStart(7, '0')}`] })),
});

const caller = (user: string) =>
  callerIdentity(
    { fromUri: `sip:${user}@pbx.example.com`, fromUser: user, assertedIdentity: null },
    { defaultRegion: 'US', trustAssertedIdentity: false, ownDomain: 'pbx.example.com', trustedHosts: [] },
  );

/** A clock that moves 1 ms per reading: every slice ends after a known number of entries. */
function steppingClock() {
  let t = 0;
  return () => t++;
}

describe('compileDirectorySliced', () => {
  it('a small directory is done in the first slice, at once', () => {
    const started = compileDirectorySliced(lists(3), 'US', { sliceMs: 50, now: steppingClock() });
    expect(started.done).toBe(true);
    expect(started.done && started.directory.lookup(caller('+16300000002'))?.entry.name).toBe('B2');
  });

  it('a big one takes several turns of the event loop, and matches like compileDirectory', async () => {
    let turns = 0;
    const started = compileDirectorySliced(lists(500), 'US', {
      sliceMs: 50,
      now: steppingClock(),
      nextTurn: async () => {
        turns++;
      },
    });
    expect(started.done).toBe(false);
    const sliced = started.done ? started.directory : await started.directory;
    // 1,001 entries at about 50 per slice.
    expect(turns).toBeGreaterThanOrEqual(15);
    const whole = compileDirectory(lists(500), 'US');
    for (const user of ['+16300000499', '+18470000123', '2002', '+15550000000']) {
      expect(sliced.lookup(caller(user))?.entry.name).toBe(whole.lookup(caller(user))?.entry.name);
    }
    expect(sliced.size).toBe(whole.size);
  });

  it('stops when a newer compile takes over', async () => {
    const abort = new AbortController();
    const started = compileDirectorySliced(lists(500), 'US', {
      sliceMs: 10,
      now: steppingClock(),
      signal: abort.signal,
      nextTurn: async () => abort.abort(new Error('superseded')),
    });
    expect(started.done).toBe(false);
    if (!started.done) await expect(started.directory).rejects.toThrow('superseded');
  });
});
