/**
 * The parts of a SIP or tel URI that identify a caller. Accepts what shows up
 * in From and P-Asserted-Identity: a bare URI, `<uri>`, or `"Name" <uri>`.
 *
 * Comparison rules (the directory and the caller side both use `sipKey`):
 * - `sip:` and `sips:` are the same person: TLS is a transport choice.
 * - The host is compared without its port and case-insensitively (RFC 3261).
 *   The port is dropped because the same account reaches us on 5060 and 5061.
 * - URI parameters (`;transport=`, `;user=phone`) and headers (`?…`) never
 *   identify anyone, so they are dropped; so are user parameters
 *   (`+15550101;npdi`) and a password, should a URI carry one.
 * - The user is compared case-insensitively too. RFC 3261 says it is
 *   case-sensitive, but the stored side is typed by managers into a PSA, and
 *   no PBX we know of issues "Jane" and "jane" as two different people.
 */
export type AddressOfRecord = {
  scheme: 'sip' | 'tel';
  /** The user part (a number, an extension or a name), percent-decoded; '' when the URI has none. */
  user: string;
  /** Lowercased host without port; null for tel: URIs. */
  host: string | null;
};

const SCHEME = /^(sips?|tel):/i;

export function parseAddress(text: string): AddressOfRecord | undefined {
  const uri = unwrap(text);
  const scheme = SCHEME.exec(uri)?.[1]?.toLowerCase();
  if (scheme === undefined) return undefined;
  const rest = uri.slice(scheme.length + 1);
  return scheme === 'tel' ? parseTel(rest) : parseSip(rest);
}

/** 'sip:user@host' when the address has both; the directory's exact key for SIP URIs. */
export function sipKey(address: AddressOfRecord): string | undefined {
  if (address.scheme !== 'sip' || address.user === '' || address.host === null) return undefined;
  return `sip:${address.user.toLowerCase()}@${address.host}`;
}

/** The first `<…>` in a header value, or the whole value when there are no brackets. */
function unwrap(text: string): string {
  const bracketed = /<([^>]*)>/.exec(text);
  return (bracketed?.[1] ?? text).trim();
}

function parseTel(rest: string): AddressOfRecord {
  // RFC 3966 visual separators carry no meaning.
  const number = decode(rest.split(';')[0] ?? '').replace(/[-.()\s]/g, '');
  return { scheme: 'tel', user: number, host: null };
}

function parseSip(rest: string): AddressOfRecord | undefined {
  const withoutHeaders = rest.split('?')[0] ?? '';
  const at = withoutHeaders.lastIndexOf('@');
  const userinfo = at === -1 ? '' : withoutHeaders.slice(0, at);
  const hostport = (at === -1 ? withoutHeaders : withoutHeaders.slice(at + 1)).split(';')[0] ?? '';
  const host = hostOf(hostport);
  if (host === '') return undefined;
  const user = decode((userinfo.split(':')[0] ?? '').split(';')[0] ?? '');
  return { scheme: 'sip', user, host };
}

function hostOf(hostport: string): string {
  const host = hostport.startsWith('[') ? hostport.slice(0, hostport.indexOf(']') + 1) : (hostport.split(':')[0] ?? '');
  return host.trim().toLowerCase();
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A stray '%' is not worth losing the caller over: keep it as written.
    return text;
  }
}
