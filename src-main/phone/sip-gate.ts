import { createHash } from 'node:crypto';

/**
 * The SIP gate: every raw message from the PBX's WebSocket passes here before
 * sip.js parses it. sip.js 0.21 drops many malformed requests silently (its
 * parser returns nothing, or it throws), answers some of them 200 OK, and has
 * no Require check. RFC 3261 wants an answer to every request that can be
 * answered, so the gate either passes the message on, answers it itself
 * with a stateless response built per RFC 3261 §8.2.6, or drops it where
 * RFC 3261 says to (a malformed response, a malformed ACK, a request with no
 * Via to answer along). Pure and linear in the message's size.
 */

/** Bigger messages are answered 513 (RFC 3261 §21.5.14) without being parsed further. */
export const MAX_SIP_MESSAGE_CHARS = 64 * 1024;

/** What sip.js's user agent core accepts (its AllowedMethods); anything else it answers 405. */
export const SIPJS_ALLOWED_METHODS = ['ACK', 'BYE', 'CANCEL', 'INFO', 'INVITE', 'MESSAGE', 'NOTIFY', 'OPTIONS', 'PRACK', 'REFER', 'REGISTER', 'SUBSCRIBE'];

/** What this UA answers: sip.js's methods less REGISTER, since a phone is not a registrar. */
export const ALLOW = SIPJS_ALLOWED_METHODS.filter((m) => m !== 'REGISTER');

/** Methods this UA recognises (RFC 3261 and its extensions): unsupported ones get 405 from sip.js, unknown ones 501 here. */
const KNOWN_METHODS = new Set([...SIPJS_ALLOWED_METHODS, 'PUBLISH', 'UPDATE']);

export type GateOptions = {
  /** Option tags the UA supports (what sip.js puts in Supported). */
  supported: readonly string[];
  /** Tag for the To header of our stateless answers. */
  newTag?: () => string;
};

export type GateVerdict =
  | { kind: 'pass'; message: string; repaired?: string }
  | { kind: 'answer'; status: number; reason: string; response: string }
  | { kind: 'drop'; reason: string };

type Header = { name: string; value: string };

const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  r: 'refer-to',
  u: 'allow-events',
  b: 'referred-by',
  x: 'session-expires',
};

const ONCE_ONLY = ['to', 'from', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type', 'expires'];
const MANDATORY = ['to', 'from', 'call-id', 'cseq'];
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const UINT32_MAX = 4294967295;
/** gen-value (RFC 3261 §25.1): token, host (IPv6 too) or quoted-string. */
const GEN_VALUE = '[A-Za-z0-9\\-.!%*_+`\'~:[\\]]+|"(?:[^"\\\\]|\\\\.)*"';
/** One generic-param, the text between two semicolons. */
const PARAM = new RegExp(`^[ \\t]*[A-Za-z0-9\\-.!%*_+\`'~]+[ \\t]*(=[ \\t]*(${GEN_VALUE})[ \\t]*)?$`);
const LWS = /[ \t]+/g;
/** user [":" password] of a SIP URI (RFC 3261 §25.1): unreserved, escaped and user-unreserved characters. */
const SIP_USER = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%:]+$/;
/** hostname, IPv4address or IPv6reference, then an optional port ('_' allowed: it is common in real host names). */
const HOSTPORT = /^(?:[A-Za-z0-9\-_.]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** URIs are ASCII (RFC 3986 §2): anything else must be %-escaped. */
const URI = /^[A-Za-z][A-Za-z0-9+\-.]*:[!-~]+$/;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  501: 'Not Implemented',
  505: 'Version Not Supported',
  513: 'Message Too Large',
};

class Reject {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: string[] = [],
  ) {}
}

/** Decides what to do with one raw message from the transport. Never throws. */
export function inspectIncoming(raw: string, options: GateOptions): GateVerdict {
  const tag = options.newTag ?? randomTag;
  const tooLarge = raw.length > MAX_SIP_MESSAGE_CHARS;
  // An oversized message's headers are still read in full (one linear pass), so its Via, wherever it is, gets the 513.
  const end = raw.indexOf('\r\n\r\n');
  const complete = end >= 0;
  const head = complete ? raw.slice(0, end) : (tooLarge ? raw.slice(0, MAX_SIP_MESSAGE_CHARS) : raw).replace(/(\r\n)+$/, '');
  const body = complete ? raw.slice(end + 4) : '';
  const rawLines = head.split('\r\n');
  const startLine = rawLines[0] ?? '';

  if (startLine.startsWith('SIP/')) return inspectResponse(raw, startLine, rawLines, tooLarge);

  const parsed = parseHeaders(rawLines.slice(1));
  const vias = parsed.headers.filter((h) => h.name === 'via');
  if (vias.length === 0) return { kind: 'drop', reason: 'request without Via: a response has nowhere to go (RFC 3261 §8.1.1.7, §18.2.2)' };
  const method = startLine.split(' ', 1)[0] ?? '';
  try {
    if (tooLarge) throw new Reject(513, `message over ${MAX_SIP_MESSAGE_CHARS} characters`);
    if (!complete) throw new Reject(400, 'no empty line ends the header section');
    checkRequestLine(startLine);
    if (parsed.malformed) throw new Reject(400, parsed.malformed);
    checkHeaders(method, parsed.headers, body, options);
  } catch (error) {
    if (!(error instanceof Reject)) throw error;
    // RFC 3261 §17.1.1.3: an ACK is never answered.
    if (method === 'ACK') return { kind: 'drop', reason: `malformed ACK (${error.detail}): never answered (RFC 3261 §17)` };
    return answer(error, parsed.headers, tag);
  }
  return repairRfc2543(markRfc2543Transaction(raw, startLine, parsed.headers), method, parsed.headers);
}

/**
 * The branch the gate gives a request whose top Via has none (RFC 2543).
 * sip.js keys server transactions on the branch alone, so all branchless
 * requests would share one transaction: a second RFC 2543 INVITE would be
 * taken for a retransmission of the first. RFC 3261 §17.2.3 matches such
 * requests on Request-URI, From tag, Call-ID, CSeq number and top Via (and
 * the To tag, which an INVITE and its CANCEL or ACK do not share, so it is
 * left out); the mark is a hash of exactly those. `unmarkOutgoing` takes it
 * out of our responses again, so the Via they echo is the one received.
 */
export const RFC2543_BRANCH_MARK = 'z9hG4bK.fl2543-';

/** Removes the gate's RFC 2543 branch from an outgoing message (a response echoing the request's Via). */
export function unmarkOutgoing(message: string): string {
  if (!message.includes(RFC2543_BRANCH_MARK)) return message;
  return message.replace(/;branch=z9hG4bK\.fl2543-[0-9a-f]{16}/g, '');
}

function markRfc2543Transaction(raw: string, startLine: string, headers: Header[]): string {
  const via = headers.find((h) => h.name === 'via')?.value ?? '';
  const topVia = via.split(',', 1)[0]!;
  if (/;\s*branch\s*=/i.test(topVia)) return raw;
  const value = (name: string) => headers.find((h) => h.name === name)?.value ?? '';
  const fromTag = /;\s*tag\s*=\s*([^;\s]+)/i.exec(value('from'))?.[1] ?? '';
  const cseqNumber = /^\d+/.exec(value('cseq'))?.[0] ?? '';
  const requestUri = startLine.split(' ')[1] ?? '';
  const key = [requestUri, fromTag, value('call-id'), cseqNumber, topVia.replace(/\s+/g, '')].join('\n');
  const branch = `;branch=${RFC2543_BRANCH_MARK}${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  // Insert at the end of the top Via value: before its first comma, or at the end of the header (with its folded lines).
  const headEnd = raw.indexOf('\r\n\r\n');
  let at = raw.indexOf('\r\n') + 2;
  while (at < headEnd) {
    const lineEnd = raw.indexOf('\r\n', at);
    // Within this line only: a search past it would make many colon-less folded lines quadratic.
    const colon = raw.slice(at, lineEnd).indexOf(':') + at;
    const name = colon > at && colon < lineEnd ? raw.slice(at, colon).trim().toLowerCase() : '';
    if (name === 'via' || name === 'v') {
      let end = lineEnd;
      while (end < headEnd && (raw[end + 2] === ' ' || raw[end + 2] === '\t')) end = raw.indexOf('\r\n', end + 2);
      const comma = raw.indexOf(',', colon);
      const insertAt = comma >= 0 && comma < end ? comma : end;
      return raw.slice(0, insertAt).trimEnd() + branch + raw.slice(insertAt);
    }
    at = lineEnd + 2;
  }
  return raw;
}

function inspectResponse(raw: string, statusLine: string, lines: string[], tooLarge: boolean): GateVerdict {
  if (tooLarge) return { kind: 'drop', reason: 'response too large (RFC 3261 §18.1.2: malformed responses are discarded)' };
  // The reason phrase may be empty ("SIP/2.0 200"): still a response to match.
  const status = /^SIP\/2\.0 (\d+)(?: |$)/.exec(statusLine);
  if (!status || status[1]!.length !== 3) return { kind: 'drop', reason: 'malformed status line (RFC 3261 §18.1.2: malformed responses are discarded)' };
  const { headers } = parseHeaders(lines.slice(1));
  const cseq = headers.find((h) => h.name === 'cseq');
  if (cseq && !parseCSeq(cseq.value)) return { kind: 'drop', reason: 'malformed CSeq in a response (RFC 3261 §18.1.2: malformed responses are discarded)' };
  // sip.js discards responses that match no client transaction (RFC 3261 §17.1.3, §18.1.2); it never answers one.
  return { kind: 'pass', message: raw };
}

function parseHeaders(lines: string[]): { headers: Header[]; malformed?: string } {
  const headers: Header[] = [];
  let malformed: string | undefined;
  for (const line of lines) {
    // Lines end in CRLF (RFC 3261 §7.3.1); sip.js silently drops a message with a bare CR or LF in its header section.
    if (/[\r\n]/.test(line)) malformed ??= 'bare CR or LF in a header line';
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = headers[headers.length - 1];
      if (last) last.value += ` ${line.trim()}`;
      else malformed ??= 'header section starts with a continuation line';
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) {
      malformed ??= `malformed header line "${line.slice(0, 40)}"`;
      continue;
    }
    const lower = name.toLowerCase();
    headers.push({ name: COMPACT[lower] ?? lower, value: line.slice(colon + 1).trim() });
  }
  return malformed ? { headers, malformed } : { headers };
}

function checkRequestLine(line: string): void {
  const parts = line.split(' ');
  const version = parts[parts.length - 1] ?? '';
  if (/^SIP\/\d+\.\d+$/i.test(version) && version.toUpperCase() !== 'SIP/2.0' && parts.length === 3) {
    throw new Reject(505, `SIP version ${version} is not supported`, []);
  }
  if (parts.length !== 3 || parts.some((p) => p === '')) throw new Reject(400, 'malformed Request-Line (extra or missing spaces)');
  const [method, uri] = parts as [string, string, string];
  if (version !== 'SIP/2.0') throw new Reject(version.toUpperCase() === 'SIP/2.0' ? 400 : 505, `SIP version ${version} is not supported`);
  if (!TOKEN.test(method)) throw new Reject(400, 'malformed method');
  const scheme = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(uri);
  if (!scheme) throw new Reject(400, 'malformed Request-URI');
  if (scheme[1]!.toLowerCase() !== 'sip') throw new Reject(416, `URI scheme ${scheme[1]!.slice(0, 40)} is not supported`);
  if (/[<>"\s]/.test(uri)) throw new Reject(400, 'malformed Request-URI');
  // The user part may hold '?'; header fields come after the host (RFC 3261 §19.1.1, §19.1.5).
  const at = uri.lastIndexOf('@');
  if (uri.slice(at + 1).includes('?')) throw new Reject(400, 'header fields in the Request-URI');
  // sip.js throws on an empty host ("sip:@") and silently drops a user or host it cannot parse (non-ASCII, "%00" after the host).
  const user = at >= 0 ? uri.slice(uri.indexOf(':') + 1, at) : undefined;
  const hostport = (at >= 0 ? uri.slice(at + 1) : uri.slice(uri.indexOf(':') + 1)).split(';', 1)[0]!;
  if (user !== undefined && !SIP_USER.test(user)) throw new Reject(400, 'malformed user in the Request-URI');
  if (!HOSTPORT.test(hostport)) throw new Reject(400, 'malformed host in the Request-URI');
}

function checkHeaders(method: string, headers: Header[], body: string, options: GateOptions): void {
  const count = new Map<string, number>();
  for (const h of headers) count.set(h.name, (count.get(h.name) ?? 0) + 1);
  for (const name of ONCE_ONLY) if ((count.get(name) ?? 0) > 1) throw new Reject(400, `${headerName(name)} appears more than once`);
  for (const name of MANDATORY) if (!count.has(name)) throw new Reject(400, `missing ${headerName(name)}`);
  const value = (name: string) => headers.find((h) => h.name === name)?.value;

  // callid = word ["@" word]: printable ASCII; sip.js silently drops anything else.
  if (!/^[!-~]+$/.test(value('call-id') ?? '')) throw new Reject(400, 'malformed Call-ID');
  const cseq = parseCSeq(value('cseq') ?? '');
  if (!cseq) throw new Reject(400, 'malformed CSeq');
  if (cseq.method !== method) throw new Reject(400, 'CSeq method does not match the request method');
  const maxForwards = value('max-forwards');
  if (maxForwards !== undefined && (!/^\d{1,10}$/.test(maxForwards) || Number(maxForwards) > 255)) throw new Reject(400, 'malformed Max-Forwards');
  const expires = value('expires');
  // Digits only in RFC 3261, but RFC 2543 also allowed a date: only an out-of-range number is refused.
  if (expires !== undefined && /^\d+$/.test(expires) && !isUint32(expires)) throw new Reject(400, 'Expires out of range');
  const contentLength = value('content-length');
  if (contentLength !== undefined) {
    if (!/^\d{1,10}$/.test(contentLength)) throw new Reject(400, 'malformed Content-Length');
    if (Number(contentLength) > Buffer.byteLength(body, 'utf8')) throw new Reject(400, 'Content-Length is larger than the body');
  }
  for (const via of headers.filter((h) => h.name === 'via')) checkVia(via.value);
  for (const h of headers) {
    if (h.name === 'from' || h.name === 'to') checkNameAddr(h.value, headerName(h.name));
    if (h.name === 'contact' && h.value !== '*') for (const v of splitList(h.value)) checkNameAddr(v, 'Contact');
  }

  if (!KNOWN_METHODS.has(method)) throw new Reject(501, `method ${method.slice(0, 40)} is not implemented`, [`Allow: ${ALLOW.join(', ')}`]);
  // RFC 3261 §8.2.1: a UA that is not a registrar (sip.js would answer 404 or nothing at all).
  if (!ALLOW.includes(method)) throw new Reject(405, `${method} is not supported`, [`Allow: ${ALLOW.join(', ')}`]);
  // RFC 3261 §8.2.2.3: not for CANCEL, nor for the ACK of a non-2xx.
  if (method !== 'CANCEL' && method !== 'ACK') {
    const supported = new Set(options.supported.map((t) => t.toLowerCase()));
    const required = headers.filter((h) => h.name === 'require').flatMap((h) => splitList(h.value));
    const unsupported = required.filter((t) => !supported.has(t.toLowerCase()));
    if (unsupported.length) throw new Reject(420, `unsupported extension ${unsupported.join(', ').slice(0, 80)}`, [`Unsupported: ${unsupported.join(', ')}`]);
  }
  // RFC 3261 §8.2.3: a call's offer and answer are SDP, and nothing else.
  if (method === 'INVITE') {
    const type = (value('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
    // multipart bodies (SDP plus, say, ISUP from a carrier) are left to sip.js.
    if (body.length > 0 && type !== '' && type !== 'application/sdp' && !type.startsWith('multipart/'))
      throw new Reject(415, `body type ${type.slice(0, 60)}`, ['Accept: application/sdp']);
    const accept = headers.filter((h) => h.name === 'accept').flatMap((h) => splitList(h.value));
    const ranges = accept.map((a) => a.split(';', 1)[0]!.trim().toLowerCase());
    if (ranges.length && !ranges.some((r) => r === 'application/sdp' || r === 'application/*' || r === '*/*')) {
      throw new Reject(406, 'Accept does not include application/sdp', ['Accept: application/sdp']);
    }
  }
}

function parseCSeq(value: string): { method: string } | undefined {
  const m = /^(\d{1,20})[ \t]+(\S+)$/.exec(value.replace(LWS, ' '));
  if (!m || !isUint32(m[1]!) || !TOKEN.test(m[2]!)) return undefined;
  return { method: m[2]! };
}

function isUint32(digits: string): boolean {
  return /^\d{1,10}$/.test(digits) && Number(digits) <= UINT32_MAX;
}

/** Via: sent-protocol LWS sent-by *( SEMI via-params ), comma-separated; no empty elements or parameters. */
function checkVia(value: string): void {
  for (const element of value.split(',')) {
    const [protocolAndHost, ...params] = element.split(';');
    if (!/^SIP[ \t]*\/[ \t]*2\.0[ \t]*\/[ \t]*[A-Za-z0-9\-.!%*_+`'~]+[ \t]+[A-Za-z0-9\-._[\]:]+[ \t]*$/i.test((protocolAndHost ?? '').trim())) {
      throw new Reject(400, 'malformed Via');
    }
    if (params.some((p) => !PARAM.test(p))) throw new Reject(400, 'malformed Via parameter');
  }
}

/** From/To/Contact: [display-name] <URI> or addr-spec, then ;params. */
function checkNameAddr(value: string, name: string): void {
  let rest = value;
  if (rest.startsWith('"')) {
    const close = closingQuote(rest);
    if (close < 0) throw new Reject(400, `unbalanced quotes in ${name}`);
    rest = rest.slice(close + 1).trimStart();
    if (!rest.startsWith('<')) throw new Reject(400, `malformed ${name}`);
  }
  const lt = indexOutsideQuotes(rest, '<');
  let params: string;
  if (lt >= 0) {
    // Liberal about unquoted display names (UTF-8 ones are common), but not about the separators that make them ambiguous.
    if (/[",;<>]/.test(rest.slice(0, lt))) throw new Reject(400, `display name in ${name} must be quoted`);
    const gt = rest.indexOf('>', lt);
    if (gt < 0) throw new Reject(400, `unbalanced angle brackets in ${name}`);
    const uri = rest.slice(lt + 1, gt);
    if (!URI.test(uri)) throw new Reject(400, `malformed URI in ${name}`);
    params = rest.slice(gt + 1).trim();
  } else {
    const semi = rest.indexOf(';');
    const uri = (semi >= 0 ? rest.slice(0, semi) : rest).trim();
    if (!URI.test(uri)) throw new Reject(400, `malformed URI in ${name}`);
    // RFC 3261 §20: a URI with a comma, semicolon or question mark needs angle brackets.
    if (uri.includes('?') || uri.includes(',')) throw new Reject(400, `${name} URI with header fields needs angle brackets`);
    params = semi >= 0 ? rest.slice(semi) : '';
  }
  if (params && !params.startsWith(';')) throw new Reject(400, `malformed ${name}`);
  for (const p of params.split(';').slice(1)) {
    if (!PARAM.test(p)) throw new Reject(400, `malformed ${name} parameter`);
  }
}

function indexOutsideQuotes(s: string, wanted: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (!quoted && c === wanted) return i;
  }
  return -1;
}

function closingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

/** Splits a header value on commas outside quotes and angle brackets. */
function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v !== '');
}

/**
 * RFC 2543 INVITEs (RFC 4475 §3.4) may lack Contact; sip.js then answers 400.
 * RFC 2543 §6.13: without Contact, the From URI is where to reach the caller.
 */
function repairRfc2543(raw: string, method: string, headers: Header[]): GateVerdict {
  if (method !== 'INVITE' || headers.some((h) => h.name === 'contact')) return { kind: 'pass', message: raw };
  const from = headers.find((h) => h.name === 'from')?.value ?? '';
  const uri = /<([^>]*)>/.exec(from)?.[1] ?? from.split(';', 1)[0]!.trim();
  const end = raw.indexOf('\r\n\r\n');
  return { kind: 'pass', message: `${raw.slice(0, end)}\r\nContact: <${uri}>${raw.slice(end)}`, repaired: 'added Contact from From (RFC 2543 INVITE)' };
}

/** A stateless response per RFC 3261 §8.2.6: Via, From, To (tagged), Call-ID and CSeq copied from the request. */
function answer(reject: Reject, headers: Header[], newTag: () => string): GateVerdict {
  const reason = reject.status === 400 ? `Bad Request (${sanitizeReason(reject.detail)})` : REASONS[reject.status]!;
  const lines = [`SIP/2.0 ${reject.status} ${reason}`];
  for (const h of headers) if (h.name === 'via') lines.push(`Via: ${oneLine(h.value)}`);
  const first = (name: string) => {
    const value = headers.find((h) => h.name === name)?.value;
    return value === undefined ? undefined : oneLine(value);
  };
  const from = first('from');
  const to = first('to');
  const callId = first('call-id');
  const cseq = first('cseq');
  if (from !== undefined) lines.push(`From: ${from}`);
  if (to !== undefined) lines.push(`To: ${/;\s*tag\s*=/i.test(to) ? to : `${to};tag=${newTag()}`}`);
  if (callId !== undefined) lines.push(`Call-ID: ${callId}`);
  if (cseq !== undefined) lines.push(`CSeq: ${cseq}`);
  lines.push(...reject.extra, 'Content-Length: 0', '', '');
  return { kind: 'answer', status: reject.status, reason, response: lines.join('\r\n') };
}

/** A copied header value never carries a bare CR or LF into our answer (it would split the header there). */
function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}

/** Reason-Phrase characters only (RFC 3261 §25.1), no CR/LF. */
function sanitizeReason(detail: string): string {
  return detail.replace(/[^A-Za-z0-9 \-_.!~*'()%,;:/@&=+$]/g, '').slice(0, 100);
}

function headerName(lower: string): string {
  return lower === 'call-id' ? 'Call-ID' : lower === 'cseq' ? 'CSeq' : lower.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

function randomTag(): string {
  return Math.random().toString(36).slice(2, 12);
}
