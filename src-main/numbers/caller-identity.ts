import { isTrustedHost, trustedHostSet, type HostTrustRules } from './caller-host.js';
import { parsePhoneText, type ParsedNumber } from './phone-number.js';
import { parseAddress, sipKey, type AddressOfRecord } from './sip-uri.js';

/**
 * Who is calling, as keys the directory can look up. Only the URI user (or a
 * trusted P-Asserted-Identity) counts: the display name is free text the
 * caller chooses, so it is not even part of the input type. The same URI's
 * host says whether the caller may claim coworkers and VIPs by extension or
 * number (caller-host.ts).
 */
export type PresentedCaller = {
  fromUri: string;
  fromUser: string;
  /** The P-Asserted-Identity header value, when the network sent one. */
  assertedIdentity: string | null;
};

export type IdentityRules = HostTrustRules & {
  /**
   * Our trunk or PBX sets P-Asserted-Identity and strips it from untrusted
   * peers. When trusted it replaces From for matching (as Asterisk's
   * trust_id_inbound does): From is what the caller claims, PAI is what the
   * network vouches for, and a withheld From often carries a real PAI.
   */
  trustAssertedIdentity: boolean;
  defaultRegion: string;
};

export type CallerIdentity = {
  /** The normalised key for repeat counting and the call log: E.164 when known. */
  key: string;
  source: 'from' | 'asserted-identity';
  /** Withheld or unknown: no key can tell two such callers apart. */
  anonymous: boolean;
  /** Exact keys: 'tel:+15550101234', 'ext:2002', 'sip:jane@pbx.example.com'. */
  exactKeys: readonly string[];
  /** The number's digits for the last-10/last-7 fallback; null when the user isn't a phone number. */
  digits: string | null;
  /** The country code is known, so only an exact E.164 comparison counts against another full number. */
  hasCountryCode: boolean;
  /** The host of the address matched on (lowercased, no port); null for tel: URIs and a From that doesn't parse. */
  host: string | null;
  /**
   * The host is the account's own SIP domain or a trusted host (caller-host.ts),
   * so the caller may match coworkers and VIPs by extension or number.
   */
  hostTrusted: boolean;
};

export const ANONYMOUS_KEY = 'anonymous';

const ANONYMOUS_USERS = /^(anonymous|unknown|restricted|private|unavailable|withheld)$/i;
const DIALABLE = /^[0-9*#]+$/;
/** A URI user that is a number: digits, an optional leading "+", visual separators. "jane2" is not. */
const NUMERIC_USER = /^\+?[0-9][0-9\-.()\s]*$/;

export function callerIdentity(call: PresentedCaller, rules: IdentityRules): CallerIdentity {
  const asserted = rules.trustAssertedIdentity && call.assertedIdentity ? parseAddress(call.assertedIdentity) : undefined;
  const trusted = trustedHostSet(rules);
  if (asserted !== undefined && asserted.user !== '') return identityOf(asserted, 'asserted-identity', rules.defaultRegion, trusted);
  const from = parseAddress(call.fromUri) ?? { scheme: 'sip' as const, user: call.fromUser.trim(), host: null };
  return identityOf(from, 'from', rules.defaultRegion, trusted);
}

function identityOf(address: AddressOfRecord, source: CallerIdentity['source'], region: string, trusted: ReadonlySet<string>): CallerIdentity {
  const host = address.host;
  const hostTrusted = isTrustedHost(host, source, trusted);
  if (isAnonymous(address)) {
    return { key: ANONYMOUS_KEY, source, anonymous: true, exactKeys: [], digits: null, hasCountryCode: false, host, hostTrusted };
  }
  const number = parseUser(address.user, region);
  const sip = sipKey(address);
  const exactKeys: string[] = [];
  if (number.kind === 'number' && number.e164 !== null) exactKeys.push(`tel:${number.e164}`);
  if (DIALABLE.test(address.user)) exactKeys.push(`ext:${address.user}`);
  if (sip !== undefined) exactKeys.push(sip);
  return {
    key: keyOf(address, number, sip),
    source,
    anonymous: false,
    exactKeys,
    digits: number.kind === 'number' ? number.digits : null,
    hasCountryCode: number.kind === 'number' && number.e164 !== null,
    host,
    hostTrusted,
  };
}

function isAnonymous(address: AddressOfRecord): boolean {
  return address.user === '' || ANONYMOUS_USERS.test(address.user) || address.host === 'anonymous.invalid';
}

function keyOf(address: AddressOfRecord, number: ParsedNumber, sip: string | undefined): string {
  if (number.kind === 'number') return number.e164 ?? number.digits;
  if (number.kind === 'extension') return number.extension;
  return sip ?? address.user;
}

// Parsing a number costs ~20 µs; the same callers call again and again, and
// the service asks for the identity once for the repeat window and once in
// decide(). A small memo (cleared when full, so memory stays bounded) makes
// the second ask and repeat callers nearly free without changing any answer.
const MEMO_LIMIT = 4096;
const memo = new Map<string, ParsedNumber>();

function parseUser(user: string, region: string): ParsedNumber {
  const memoKey = `${region}\n${user}`;
  const known = memo.get(memoKey);
  if (known !== undefined) return known;
  const parsed = NUMERIC_USER.test(user) ? parsePhoneText(user, region) : ({ kind: 'none', why: 'is not a number' } as const);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(memoKey, parsed);
  return parsed;
}
