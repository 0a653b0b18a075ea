import { describe, expect, it } from 'vitest';
import { callerFromDigits, phoneSearchTerms } from '../../../../src-main/tickets/halopsa/halopsa-mapping.js';
import { HALO_SEARCHES_IN_FLIGHT, NobodyFound, searchCaller, type UserSearchAnswer } from '../../../../src-main/tickets/halopsa/halopsa-phone-search.js';
import type { HaloUser } from '../../../../src-main/tickets/halopsa/halopsa-schemas.js';
import { PsaError } from '../../../../src-main/tickets/psa.js';

const alice: HaloUser = { id: 50, name: 'Alice Acme', phonenumber: '(555) 010-1234 x12' };
const sameLastSeven: HaloUser = { id: 53, name: 'Seven', phonenumber: '010-1234' };
const caller = callerFromDigits('15550101234', '')!;
const plan = phoneSearchTerms('15550101234');

/** Halo's "like": a stored number containing the term. */
function tenant(users: HaloUser[], pageSize = 50): (term: string) => UserSearchAnswer {
  return (term) => {
    const found = users.filter((u) => (u.phonenumber ?? '').includes(term));
    return { record_count: found.length, users: found.slice(0, pageSize) };
  };
}

/** A search whose answers wait until released, recording how many were in flight at once. */
function gated(answer: (term: string) => UserSearchAnswer) {
  const asked: string[] = [];
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const search = (term: string, signal: AbortSignal) =>
    new Promise<UserSearchAnswer>((resolve, reject) => {
      asked.push(term);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      signal.addEventListener('abort', () => reject(new PsaError('cancelled', 'aborted')), { once: true });
      waiting.push(() => {
        inFlight--;
        resolve(answer(term));
      });
    });
  const releaseAll = async () => {
    for (let i = 0; i < 20 && waiting.length > 0; i++) {
      for (const release of waiting.splice(0)) release();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { search, asked, releaseAll, maxInFlight: () => maxInFlight };
}

describe("finding a caller with Halo's phone search", () => {
  it('asks the broad terms together, before any answer, and never more than the limit at once', async () => {
    const halo = gated(tenant([alice]));
    const pending = searchCaller(plan, caller, '', halo.search);
    await new Promise((r) => setImmediate(r));
    expect(halo.asked).toEqual(plan.broad);
    await halo.releaseAll();
    expect((await pending)?.user.id).toBe(50);
    expect(halo.maxInFlight()).toBeLessThanOrEqual(HALO_SEARCHES_IN_FLIGHT);
  });

  it('keeps the strongest verified match across every answer, not the first hit', async () => {
    // "010-1234" (asked before "010 1234") lists only the look-alike; Alice is in another answer.
    const answers: Record<string, HaloUser[]> = { '010-1234': [sameLastSeven], '010 1234': [{ ...alice, phonenumber: '+1 555 010 1234' }] };
    const match = await searchCaller(plan, caller, '', (term) => Promise.resolve({ record_count: answers[term]?.length ?? 0, users: answers[term] ?? [] }));
    expect(match?.user.id).toBe(50);
  });

  it('asks the narrower national forms only when a broad answer was cut off by paging', async () => {
    const asked: string[] = [];
    const crowd = Array.from({ length: 60 }, (_, i): HaloUser => ({ id: 100 + i, name: `Crowd ${i}`, phonenumber: `(44${i % 10}) 010-1234` }));
    const answer = tenant([...crowd, alice]);
    const search = (term: string) => (asked.push(term), Promise.resolve(answer(term)));
    expect((await searchCaller(plan, caller, '', search))?.user.id).toBe(50);
    expect(asked).toEqual([...plan.broad, ...plan.narrower]);
    asked.length = 0;
    await searchCaller(plan, caller, '', (term) => (asked.push(term), Promise.resolve(tenant([alice])(term))));
    expect(asked).toEqual(plan.broad);
  });

  it('one failed search fails the lookup and cancels the searches still running', async () => {
    const aborted: string[] = [];
    const search = (term: string, signal: AbortSignal) =>
      term === '010-1234'
        ? Promise.reject(new PsaError('rate-limited', 'HaloPSA is limiting requests (429).'))
        : new Promise<UserSearchAnswer>((_, reject) =>
            signal.addEventListener('abort', () => (aborted.push(term), reject(new Error('aborted'))), { once: true }),
          );
    await expect(searchCaller(plan, caller, '', search)).rejects.toMatchObject({ kind: 'rate-limited' });
    expect(aborted).toEqual(plan.broad.filter((t) => t !== '010-1234'));
  });
});

describe('numbers nobody has, remembered briefly', () => {
  it('remembers "nobody" for a minute, then asks again', () => {
    let now = Date.parse('2025-03-04T09:00:00Z');
    const nobody = new NobodyFound(() => new Date(now));
    expect(nobody.has('15550101234')).toBe(false);
    nobody.add('15550101234');
    now += 59_000;
    expect(nobody.has('15550101234')).toBe(true);
    now += 1_000;
    expect(nobody.has('15550101234')).toBe(false);
  });

  it('is bounded: the oldest number goes first', () => {
    const nobody = new NobodyFound(() => new Date(0), 60_000, 2);
    nobody.add('1');
    nobody.add('2');
    nobody.add('3');
    expect(['1', '2', '3'].map((n) => nobody.has(n))).toEqual([false, true, true]);
  });
});
