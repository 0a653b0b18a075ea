import type { CallerIdentity } from './caller-identity.js';
import type { ParsedNumber } from './phone-number.js';

/**
 * Stored numbers, extensions and SIP URIs, indexed so that one caller is
 * looked up with a handful of Map reads however large the directory.
 *
 * How strongly a caller matches a stored value, strongest first:
 * - `exact`: the same E.164 number, the same extension string, or the same
 *   SIP user@host. Extensions live under their own key ("ext:2002"), so an
 *   extension is never compared with the tail of a phone number.
 * - `last-10-digits`, then `last-7-digits`: the fallback for numbers stored
 *   (or presented) without a country code. The shorter side decides how many
 *   digits are compared: two numbers that both have 10 or more digits are
 *   compared on 10 (so a different area code never matches on 7); when
 *   either has only 7 to 9, on 7. Numbers with fewer than 7 digits are
 *   extensions and are never compared this way.
 * - When both sides know their country code, only `exact` counts: +44 20 7946
 *   0018 and +1 207 946 0018 share ten digits but are different numbers.
 *
 * A hit is `conclusive` when it is strong enough to reject a caller on:
 * exact, 10 digits (a whole national number), or 7 digits when the stored
 * value has no more than 7. The directory blocks only on conclusive hits: a
 * full number on the block list never rejects a caller who presented 7
 * digits that happen to end it.
 */
export type MatchStrength = 'exact' | 'last-10-digits' | 'last-7-digits';

export type IndexHit<T> = { value: T; via: MatchStrength; conclusive: boolean };

type StoredNumber<T> = { value: T; hasCountryCode: boolean; digitCount: number };

const LONG_TAIL = 10;
const SHORT_TAIL = 7;

export class NumberIndex<T> {
  private readonly exact = new Map<string, T[]>();
  private readonly lastTen = new Map<string, StoredNumber<T>[]>();
  private readonly lastSeven = new Map<string, StoredNumber<T>[]>();

  /** Adds a parsed number (phone number or extension); returns false when there is nothing to match on. */
  addNumber(parsed: ParsedNumber, value: T): boolean {
    if (parsed.kind === 'extension') return this.addExact(`ext:${parsed.extension}`, value);
    if (parsed.kind === 'none') return false;
    if (parsed.e164 !== null) this.addExact(`tel:${parsed.e164}`, value);
    const stored = { value, hasCountryCode: parsed.e164 !== null, digitCount: parsed.digits.length };
    if (parsed.digits.length >= LONG_TAIL) append(this.lastTen, parsed.digits.slice(-LONG_TAIL), stored);
    append(this.lastSeven, parsed.digits.slice(-SHORT_TAIL), stored);
    return true;
  }

  /** Adds an already namespaced exact key ('ext:2002', 'sip:jane@pbx.example.com'). */
  addExact(key: string, value: T): boolean {
    append(this.exact, key, value);
    return true;
  }

  /** Every stored value the caller matches, strongest first. */
  hits(caller: CallerIdentity): IndexHit<T>[] {
    const found: IndexHit<T>[] = [];
    for (const key of caller.exactKeys) {
      for (const value of this.exact.get(key) ?? []) found.push({ value, via: 'exact', conclusive: true });
    }
    const digits = caller.digits;
    if (digits === null || digits.length < SHORT_TAIL) return found;
    if (digits.length >= LONG_TAIL) {
      for (const s of this.lastTen.get(digits.slice(-LONG_TAIL)) ?? []) {
        if (!(caller.hasCountryCode && s.hasCountryCode)) found.push({ value: s.value, via: 'last-10-digits', conclusive: true });
      }
    }
    for (const s of this.lastSeven.get(digits.slice(-SHORT_TAIL)) ?? []) {
      if (caller.hasCountryCode && s.hasCountryCode) continue;
      if (digits.length >= LONG_TAIL && s.digitCount >= LONG_TAIL) continue; // compared on 10 above
      found.push({ value: s.value, via: 'last-7-digits', conclusive: s.digitCount <= SHORT_TAIL });
    }
    return found;
  }
}

export const strengthRank: Record<MatchStrength, number> = { exact: 3, 'last-10-digits': 2, 'last-7-digits': 1 };

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
