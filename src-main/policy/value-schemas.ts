import { z } from 'zod';
import { isSupportedCountry } from 'libphonenumber-js';
import { IceServerSchema } from '../../src-shared/vocabulary.js';
import type { DirectoryEntry } from '../focus/types.js';
import { LIST_LIMITS } from './limits.js';

/**
 * The shapes of setting values that need more than a plain type. Each check
 * carries a message a service manager can act on, because these messages are
 * what the policy problems list shows next to the file and key.
 *
 * Optional strings use one regex that also accepts '' (rather than a union
 * with a literal) so that zod reports the helpful message, not "Invalid input",
 * and the exported JSON Schema carries the pattern.
 */

const SIP_URI = 'sips?:[^\\s@]+@[^\\s@]+';

/** '' or a sip:/sips: URI with a user part, e.g. sip:2000@pbx.example.com. */
export const OptionalSipUri = z
  .string()
  .trim()
  .regex(new RegExp(`^(${SIP_URI})?$`, 'i'), 'must be a SIP URI such as sip:2000@pbx.example.com (or empty)');

export const SipUri = z
  .string()
  .trim()
  .regex(new RegExp(`^${SIP_URI}$`, 'i'), 'must be a SIP URI such as sip:2000@pbx.example.com');

/** Matches the contract's AccountSchema rules, plus '' for "not set up yet". */
export const OptionalWsServer = z
  .string()
  .trim()
  .regex(/^(wss?:\/\/\S+)?$/i, 'must be a ws:// or wss:// URL, for example wss://pbx.example.com:8089/ws');
export const OptionalAccountSipUri = z
  .string()
  .trim()
  .regex(/^(sips?:[^@\s]+@\S+)?$/i, 'must look like sip:1001@pbx.example.com');

/** '' (use the focus action's default), 'local' (Focusline's own voicemail), or a PBX voicemail URI. */
export const VoicemailTarget = z
  .string()
  .trim()
  .regex(new RegExp(`^(local|${SIP_URI})?$`, 'i'), 'must be a SIP URI such as sip:*97@pbx.example.com, or "local" for Focusline\'s own voicemail');

/** An internal extension as the PBX dials it: digits, * and #. */
const Extension = z
  .string()
  .trim()
  .regex(/^[0-9*#]{1,16}$/, 'must be an extension: 1 to 16 digits, * or #');
/** A phone number as people write it; normalised later with numbers.defaultRegion. */
const PhoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9(][0-9 ().\-/]{0,31}$/, 'must be a phone number such as +1 555 0100 or 020 7946 0000');

/**
 * A list with a ceiling (limits.ts). zod checks the length before the
 * entries, so a list of millions is refused at once, not validated first.
 */
export function boundedList<T extends z.ZodType>(entry: T, max: number) {
  return z.array(entry).max(max, {
    error: (issue) => {
      const count = Array.isArray(issue.input) ? issue.input.length : undefined;
      return `${count !== undefined ? `has ${count.toLocaleString('en-US')} entries` : 'is too long'}; the most Focusline takes is ${max.toLocaleString('en-US')}`;
    },
  });
}

export const DirectoryEntrySchema = z
  .object({
    name: z.string().trim().min(1, 'needs a name').max(200),
    extensions: boundedList(Extension, LIST_LIMITS.addressesPerEntry).optional(),
    numbers: boundedList(PhoneNumber, LIST_LIMITS.addressesPerEntry).optional(),
    sipUris: boundedList(SipUri, LIST_LIMITS.addressesPerEntry).optional(),
  })
  .strict()
  .refine(
    (e) => (e.extensions?.length ?? 0) + (e.numbers?.length ?? 0) + (e.sipUris?.length ?? 0) > 0,
    'needs at least one of extensions, numbers or sipUris, or it can never match a call',
  ) satisfies z.ZodType<DirectoryEntry>;

/** A blocked caller: a phone number, an extension or a SIP URI. */
export const BlockedCaller = z
  .string()
  .trim()
  .regex(new RegExp(`^(\\+?[0-9*#(][0-9 ().\\-/*#]{0,31}|${SIP_URI})$`, 'i'), 'must be a phone number, an extension or a SIP URI');

export const IceServers = z.array(IceServerSchema);

/**
 * A host whose callers may claim coworkers and VIPs by extension or number
 * (numbers/caller-host.ts): a hostname or IP address, as in a SIP URI, an
 * optional port ignored. Never a URI or a wildcard: each host is named.
 */
export const TrustedHost = z
  .string()
  .trim()
  .max(253)
  .regex(
    /^((\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?)(:[0-9]{1,5})?|[0-9a-f]*:[0-9a-f:.]*:[0-9a-f:.]*)$/i,
    'must be a hostname or IP address such as sbc.example.com or 203.0.113.10 (no sip:, no user, no wildcard)',
  );

/** ISO 3166 alpha-2, as libphonenumber-js knows it ("US", "GB", "DE"). */
export const RegionCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as US, GB or DE')
  .refine((code) => isSupportedCountry(code), 'is not a country code Focusline can format numbers for');

/** '' (the computer's own zone) or an IANA time zone name. */
export const OptionalTimeZone = z
  .string()
  .trim()
  .refine((zone) => zone === '' || isTimeZone(zone), "must be an IANA time zone such as America/New_York or Europe/Berlin (or empty for the computer's zone)");

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// The same time rules as focus/schedule.ts: "9:00" or "09:00", "24:00" only as an end,
// an end before the start crosses midnight, and start = end is refused as ambiguous
// (00:00-24:00 is the whole day, not an empty range).
const START_TIME = /^([01]?\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(([01]?\d|2[0-3]):[0-5]\d|24:00)$/;

const TimeRange = z
  .object({
    start: z.string().regex(START_TIME, 'start must be a time like 08:00'),
    end: z.string().regex(END_TIME, 'end must be a time like 17:00 (or 24:00)'),
  })
  .strict()
  .refine((r) => minutesOf(r.start) !== minutesOf(r.end), 'starts when it ends; for a whole day use 00:00 to 24:00');

function minutesOf(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

/** JSON weekday names, in the order of BusinessHours' 0 = Sunday numbering. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WeeklyHours = z
  .object(Object.fromEntries(WEEKDAYS.map((day) => [day, z.array(TimeRange).optional()])) as Record<Weekday, z.ZodOptional<z.ZodArray<typeof TimeRange>>>)
  .strict()
  .nullable();

/**
 * A policy document's URL: https only, except plain http to this computer
 * (tests and a local management agent), where there is no network to trust.
 */
export function isAllowedPolicyUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export const OptionalPolicyUrl = z
  .string()
  .trim()
  .refine((url) => url === '' || isAllowedPolicyUrl(url), 'must be an https:// URL (http:// only to 127.0.0.1, localhost or [::1])');

/** A PSA's address: its keys travel over it, so https, with the same loopback exception as policy URLs. */
export const OptionalPsaUrl = z
  .string()
  .trim()
  .refine(
    (url) => url === '' || isAllowedPolicyUrl(url),
    'must be an https:// URL, for example https://na.myconnectwise.net (http:// only to 127.0.0.1, localhost or [::1])',
  );

export const StatusNames = z.array(z.string().trim().min(1).max(100)).max(20);
