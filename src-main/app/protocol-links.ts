/**
 * Links the OS hands us (argv on Windows/Linux, `open-url` on macOS).
 * A link is untrusted input from any web page or document, so it is parsed
 * into a plain dial target or refused; nothing from it is executed, and SIP
 * URI headers (`?Subject=…`) and parameters are dropped.
 */

/** Schemes Focusline registers as the OS handler for. */
export const DIAL_SCHEMES = ['tel', 'sip', 'callto'] as const;

/** `focusline://` links run focus commands (docs/local-api.md); registered with the OS beside the dial schemes. */
export const APP_LINK_SCHEME = 'focusline';

export type LinkAction = { kind: 'dial'; target: string } | { kind: 'app-link'; url: URL };

const MAX_LINK_LENGTH = 512;
const PHONE_NUMBER = /^\+?[0-9*#]{1,64}$/;
const VISUAL_SEPARATORS = /[\s\-.()/]/g;
const SIP_USER = /^[A-Za-z0-9\-_.!~*'()&=+$,%]{1,128}$/;
const SIP_HOSTPORT = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

export function parseLink(raw: string): LinkAction | null {
  const text = raw.trim();
  if (text.length === 0 || text.length > MAX_LINK_LENGTH) return null;
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(text);
  if (!match) return null;
  const scheme = (match[1] ?? '').toLowerCase();
  const rest = match[2] ?? '';
  switch (scheme) {
    case 'tel':
      return dial(phoneNumber(rest));
    case 'callto':
      return dial(phoneNumber(rest) ?? sipAddress('sip', rest.replace(/^\/\//, '')));
    case 'sip':
    case 'sips':
      return dial(sipAddress(scheme, rest));
    case APP_LINK_SCHEME:
      return appLink(text);
    default:
      return null;
  }
}

/** The first argument that is a link we handle; flags and the executable path are skipped. */
export function findLinkInArgv(argv: readonly string[]): LinkAction | null {
  for (const arg of argv) {
    if (arg.startsWith('-')) continue;
    const link = parseLink(arg);
    if (link) return link;
  }
  return null;
}

function dial(target: string | null): LinkAction | null {
  return target === null ? null : { kind: 'dial', target };
}

/** tel:+1-555-0100;ext=2 → +15550100. Parameters are dropped; only digits, *, # and a leading + survive. */
function phoneNumber(body: string): string | null {
  const beforeParams = body.replace(/^\/\//, '').split(/[;?]/, 1)[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(beforeParams);
  } catch {
    return null;
  }
  const number = decoded.replace(VISUAL_SEPARATORS, '');
  return PHONE_NUMBER.test(number) ? number : null;
}

/** sip:alice@pbx.example.com;transport=tcp?Subject=x → sip:alice@pbx.example.com. sip:1001 → 1001. */
function sipAddress(scheme: string, body: string): string | null {
  const withoutHeaders = body.split('?', 1)[0] ?? '';
  const at = withoutHeaders.indexOf('@');
  if (at < 0) return phoneNumber(withoutHeaders);
  const user = withoutHeaders.slice(0, at);
  const hostport = withoutHeaders.slice(at + 1).split(';', 1)[0] ?? '';
  if (!SIP_USER.test(user) || !SIP_HOSTPORT.test(hostport)) return null;
  return `${scheme}:${user}@${hostport}`;
}

function appLink(text: string): LinkAction | null {
  try {
    return { kind: 'app-link', url: new URL(text) };
  } catch {
    return null;
  }
}
