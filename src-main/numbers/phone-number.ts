import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * One phone number as Focusline matches it. Stored numbers are free text from
 * PSAs ("(555) 010-1234 x12", "+1 555 0101", "555.0101"); callers present a
 * URI user ("+15550101234", "5550101234", "2002").
 *
 * - `e164` is known when the country code is: the text was written with "+"
 *   (or the region's international prefix, e.g. 011 in the US), or it is a
 *   possible national number in the default region. "Possible" (right length),
 *   not "valid" (assigned range): fictional 555 numbers and new ranges must
 *   still match, and an update to libphonenumber's metadata must never make a
 *   coworker stop ringing.
 * - A number written with "+" that libphonenumber thinks too short or long
 *   still gets an e164 key of "+" and its digits: the writer stated the
 *   country code, so two such spellings of the same digits are the same number.
 * - Otherwise the number is partial (no country code) and matches on its last
 *   10 or 7 digits only (see number-index.ts).
 * - Fewer than 7 digits without "+" is an extension, compared as written.
 * - A trailing extension ("x12", "ext. 12", ";ext=12") is dropped: it is a
 *   line behind the contact's PBX, which presents the main number when it calls.
 */
export type ParsedNumber = { kind: 'number'; e164: string | null; digits: string } | { kind: 'extension'; extension: string } | { kind: 'none'; why: string };

/** Fewer digits than this is an extension, never compared as a number suffix. */
export const MIN_NUMBER_DIGITS = 7;

const TRAILING_EXTENSION = /\s*(?:;\s*ext\s*=\s*|,?\s*(?:ext\.?|extension|x|#)\s*)[0-9]{1,8}\s*$/i;
const DIALABLE = /^[0-9*#]+$/;

export function parsePhoneText(text: string, defaultRegion: string): ParsedNumber {
  const main = text.replace(TRAILING_EXTENSION, '').trim();
  const digits = main.replace(/\D/g, '');
  const international = main.startsWith('+');
  if (digits === '') return { kind: 'none', why: 'has no digits' };
  if (digits.length < MIN_NUMBER_DIGITS) {
    if (international) return { kind: 'none', why: 'is too short to be a phone number' };
    return { kind: 'extension', extension: DIALABLE.test(main) ? main : digits };
  }
  const e164 = e164Of(main, digits, international, defaultRegion);
  return { kind: 'number', e164, digits: e164 === null ? digits : e164.slice(1) };
}

/** The region libphonenumber should assume for numbers written without a country code; undefined when it doesn't know the code. */
export function knownRegion(region: string): CountryCode | undefined {
  const upper = region.trim().toUpperCase();
  return isSupportedCountry(upper) ? upper : undefined;
}

function e164Of(main: string, digits: string, international: boolean, defaultRegion: string): string | null {
  const parsed = parseQuietly(main, knownRegion(defaultRegion));
  if (parsed?.isPossible()) return parsed.number;
  return international ? `+${digits}` : null;
}

function parseQuietly(text: string, region: CountryCode | undefined): ReturnType<typeof parsePhoneNumberFromString> {
  try {
    return parsePhoneNumberFromString(text, region);
  } catch {
    // Free text can be anything; a number we can't parse falls back to its digits.
    return undefined;
  }
}
