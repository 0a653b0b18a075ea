/**
 * Where a call comes from, and whether that place may claim our people.
 *
 * The rule (issue #15): an extension or a phone number says who is calling
 * only on our own phone system. Anyone on the internet can send
 * `sip:2002@evil.example`, so:
 * 1. The caller's host is the host of the address we match on: From, or
 *    P-Asserted-Identity when policy trusts it and it names a user
 *    (caller-identity.ts).
 * 2. That host is trusted when it is the account's own SIP domain (the host of
 *    `account.sipUri`) or one of policy's `numbers.trustedHosts`. Hosts are
 *    compared case-insensitively, without port and without a trailing dot.
 * 3. A trusted P-Asserted-Identity that is a `tel:` URI names no host: our
 *    PBX asserted it (RFC 3325), so it is trusted. A `tel:` From, or a From
 *    that doesn't parse, is not: it names no host we know.
 * 4. Only coworker and VIP entries given as extensions or numbers need a
 *    trusted host (numbers/directory.ts). An entry given as a full SIP URI
 *    matches exactly that URI from wherever it comes; the active ticket's
 *    contact matches by number from any host, because customers call in
 *    through carriers; the block list matches from any host, because
 *    blocking is never loosened.
 */
export type HostTrustRules = {
  /** The account's own SIP domain (host of account.sipUri), any case or port; '' when no account is set up. */
  ownDomain?: string;
  /** Policy's numbers.trustedHosts: more hosts (PBX nodes, SBCs, a carrier trunk) whose callers may claim our people. */
  trustedHosts?: readonly string[];
};

/**
 * A host as compared: lowercased, without port, brackets kept around IPv6
 * (as parseAddress keeps them), a bare IPv6 address bracketed, no trailing
 * dot. '' when nothing is left.
 */
export function hostKey(text: string): string {
  const host = text.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? '' : host.slice(0, end + 1);
  }
  const colons = host.split(':').length - 1;
  if (colons > 1) return `[${host}]`; // bare IPv6: no port can be told apart
  return (host.split(':')[0] ?? '').replace(/\.$/, '');
}

/** The set of trusted hosts, compiled from the rules. */
export function trustedHostSet(rules: HostTrustRules): ReadonlySet<string> {
  const hosts = [rules.ownDomain ?? '', ...(rules.trustedHosts ?? [])].map(hostKey).filter((h) => h !== '');
  return new Set(hosts);
}

/** May a caller at `host` (null: the address names none) claim coworkers and VIPs by extension or number? */
export function isTrustedHost(host: string | null, source: 'from' | 'asserted-identity', trusted: ReadonlySet<string>): boolean {
  if (host === null) return source === 'asserted-identity';
  return trusted.has(hostKey(host));
}
