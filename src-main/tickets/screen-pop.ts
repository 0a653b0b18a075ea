import type { Clock } from '../../src-shared/time/clock.js';
import { systemClock } from '../focus/system-clock.js';
import type { MatchStrength } from '../numbers/number-index.js';
import { parsePhoneText } from '../numbers/phone-number.js';
import type { IndexedCaller } from './caller-index.js';
import { PsaError, type CallerMatch, type PsaAdapter, type PsaPerson } from './psa.js';
import { messageOf } from '../../src-shared/errors.js';

/**
 * Who is calling, for the screen pop: contact, company, that company's open
 * tickets. The local caller index answers first (synchronously, well under a
 * millisecond); the PSA is asked only for the tickets, or for the caller when
 * the index has no match (live search, the fallback). Everything that goes to
 * the PSA is bounded by one deadline and aborted when it passes, because the
 * screen pop must never hold up ringing; and nothing throws: a PSA failure
 * is an `error` line on an otherwise empty pop.
 */

export type ScreenPopResult = CallerMatch & {
  /** index: named by the local index; live: by the PSA's own search; none: nobody. */
  via: 'index' | 'live' | 'none';
  /** The deadline passed before the PSA answered (the pop shows what it had by then). */
  timedOut: boolean;
  /** How the index matched the number. */
  match?: MatchStrength | undefined;
  /** What failed, for the technician (the pop still shows whatever it has). */
  error?: string | undefined;
};

/** The part of CallerIndex the screen pop needs. */
export type CallerLookup = { lookup(psaKey: string, callerNumberText: string): IndexedCaller | null };

export type ScreenPopOptions = {
  index: CallerLookup;
  /** The PSA instance the index is keyed on (see caller-index.ts). */
  psaKey: string;
  adapter: Pick<PsaAdapter, 'label' | 'findCaller' | 'openTicketsForCompany'>;
  /** Region for reading the caller's number when asking the PSA (as for the index). */
  defaultRegion: string;
  /** Total time allowed for PSA calls, from now. */
  deadlineMs: number;
  /** The call ended: stop waiting. */
  signal?: AbortSignal | undefined;
  clock?: Clock;
};

const MAX_TICKETS = 10;

/** rateLimited: the PSA answered 429. Not a fault to alarm anyone with: the pop just says it didn't ask. */
type Bounded<T> = { ok: true; value: T } | { ok: false; timedOut: boolean; error: string | undefined; rateLimited?: true };

export async function screenPop(callerNumberText: string, options: ScreenPopOptions): Promise<ScreenPopResult> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.now().getTime() + Math.max(0, options.deadlineMs);
  let indexError: string | undefined;
  let hit: IndexedCaller | null = null;
  try {
    hit = options.index.lookup(options.psaKey, callerNumberText);
  } catch (error) {
    // A damaged index must not cost the screen pop: the PSA can still answer.
    indexError = `The local caller index could not be read (${messageOf(error)}); asked ${options.adapter.label} instead.`;
  }
  if (hit !== null) return fromIndex(hit, options, deadline, clock);
  const live = await liveSearch(callerNumberText, options, deadline, clock);
  return indexError === undefined || live.error !== undefined ? live : { ...live, error: indexError };
}

async function fromIndex(hit: IndexedCaller, options: ScreenPopOptions, deadline: number, clock: Clock): Promise<ScreenPopResult> {
  const { person } = hit;
  const result: ScreenPopResult = { person, company: companyOf(person), openTickets: [], via: 'index', timedOut: false, match: hit.via };
  // A member is a coworker: the MSP's own company's tickets are not about this call.
  if (person.kind === 'member' || person.companyId === undefined || person.companyId === '') return result;
  const companyId = person.companyId;
  const tickets = await withinDeadline((signal) => options.adapter.openTicketsForCompany(companyId, { signal }), deadline, clock, options.signal);
  if (tickets.ok) return { ...result, openTickets: tickets.value.slice(0, MAX_TICKETS) };
  const error = tickets.rateLimited
    ? `${options.adapter.label} asked Focusline to slow down, so ${person.company}'s open tickets aren't shown this time.`
    : tickets.error === undefined
      ? undefined
      : `Could not load ${person.company}'s open tickets from ${options.adapter.label}: ${tickets.error}`;
  return { ...result, timedOut: tickets.timedOut, error };
}

async function liveSearch(text: string, options: ScreenPopOptions, deadline: number, clock: Clock): Promise<ScreenPopResult> {
  const nobody: ScreenPopResult = { person: null, company: null, openTickets: [], via: 'none', timedOut: false };
  const parsed = parsePhoneText(text, options.defaultRegion);
  // An extension or a withheld number: the PSA's number search can't name it.
  if (parsed.kind !== 'number') return nobody;
  const digits = parsed.digits;
  const found = await withinDeadline((signal) => options.adapter.findCaller(digits, { signal }), deadline, clock, options.signal);
  if (!found.ok) {
    const error = found.rateLimited
      ? `${options.adapter.label} asked Focusline to slow down, so ${text} wasn't looked up this time.`
      : found.error === undefined
        ? undefined
        : `Could not look up ${text} in ${options.adapter.label}: ${found.error}`;
    return { ...nobody, timedOut: found.timedOut, error };
  }
  const match = found.value;
  if (match.person === null && match.company === null) return nobody;
  return { person: match.person, company: match.company, openTickets: match.openTickets.slice(0, MAX_TICKETS), via: 'live', timedOut: false };
}

function companyOf(person: PsaPerson): ScreenPopResult['company'] {
  if (person.company === '' && person.companyId === undefined) return null;
  return { id: person.companyId, name: person.company };
}

/**
 * Runs a PSA call until the deadline or the caller's signal, whichever is
 * first, then aborts it. Races the abort as well: an adapter that ignores its
 * signal still can't hold the pop past the deadline.
 */
function withinDeadline<T>(run: (signal: AbortSignal) => Promise<T>, deadline: number, clock: Clock, outer: AbortSignal | undefined): Promise<Bounded<T>> {
  if (outer?.aborted) return Promise.resolve({ ok: false, timedOut: false, error: 'the call ended before the PSA was asked.' });
  if (deadline <= clock.now().getTime()) return Promise.resolve({ ok: false, timedOut: true, error: undefined });
  const controller = new AbortController();
  return new Promise<Bounded<T>>((resolve) => {
    let settled = false;
    let cancelTimer: () => void = () => undefined;
    const finish = (outcome: Bounded<T>): void => {
      if (settled) return;
      settled = true;
      cancelTimer();
      outer?.removeEventListener('abort', onOuterAbort);
      resolve(outcome);
    };
    const onOuterAbort = (): void => {
      finish({ ok: false, timedOut: false, error: 'the call ended before the PSA answered.' });
      controller.abort(outer?.reason);
    };
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    cancelTimer = clock.setTimer(new Date(deadline), () => {
      finish({ ok: false, timedOut: true, error: undefined });
      controller.abort(new Error('The screen pop deadline passed.'));
    });
    Promise.resolve()
      .then(() => run(controller.signal))
      .then(
        (value) => finish({ ok: true, value }),
        (error: unknown) =>
          finish(
            error instanceof PsaError && error.kind === 'rate-limited'
              ? { ok: false, timedOut: false, error: undefined, rateLimited: true }
              : { ok: false, timedOut: false, error: messageOf(error) },
          ),
      );
  });
}
