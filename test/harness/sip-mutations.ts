// Seeded INVITE mutations for fuzzing the phone's SIP intake (issue #15).
// Pure: the same seed gives the same messages on every machine. Each message
// starts from one valid INVITE with its own Call-ID, Via branch and From tag
// (so sip.js never takes one for another's retransmission, unless the
// mutation destroyed them), then gets one mutation, or now and then two.

import { prng } from '../../bench/seeded-random.js';

export const MUTATION_KINDS = [
  'byte-flip',
  'truncate',
  'huge-header',
  'bad-content-length',
  'crlf-display-name',
  'duplicate-header',
  'bad-request-uri',
  'delete-header',
  'unicode',
  'stacked',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

export type FuzzMessage = {
  index: number;
  kind: MutationKind;
  /** What exactly was done, e.g. "bad-content-length: negative". */
  detail: string;
  text: string;
  /** What the unmutated message carried, to match answers to it. */
  callId: string;
  branch: string;
  fromTag: string;
};

export type BaseInvite = { text: string; callId: string; branch: string; fromTag: string };

const SDP = ['v=0', 'o=- 1 1 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0', 'm=audio 49170 RTP/AVP 0 8', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

/** A valid INVITE to `aorUser`@example.com, unique per (seed, index). */
export function baseInvite(aorUser: string, seed: number, index: number): BaseInvite {
  const id = `${seed.toString(36)}-${index}`;
  const callId = `fz-${id}@pbx.example.com`;
  const branch = `z9hG4bK.fz-${id}`;
  const fromTag = `fzt${id}`;
  const text = [
    `INVITE sip:${aorUser}@example.com SIP/2.0`,
    `Via: SIP/2.0/WSS pbx.example.com;branch=${branch}`,
    'Max-Forwards: 70',
    `From: "Fuzz Caller" <sip:caller@example.net>;tag=${fromTag}`,
    `To: <sip:${aorUser}@example.com>`,
    `Call-ID: ${callId}`,
    'CSeq: 1 INVITE',
    'Contact: <sip:caller@pbx.example.com;transport=ws>',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(SDP, 'utf8')}`,
    '',
    SDP,
  ].join('\r\n');
  return { text, callId, branch, fromTag };
}

type Random = () => number;
type Mutator = (text: string, r: Random) => { text: string; detail: string };

const int = (r: Random, n: number) => Math.floor(r() * n);
const pick = <T>(r: Random, items: readonly T[]): T => items[int(r, items.length)] as T;

function split(text: string): { lines: string[]; body: string } {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { lines: text.split('\r\n'), body: '' };
  return { lines: text.slice(0, end).split('\r\n'), body: text.slice(end + 4) };
}

const join = (lines: string[], body: string) => `${lines.join('\r\n')}\r\n\r\n${body}`;
const headerIndex = (lines: string[], name: string) => lines.findIndex((l, i) => i > 0 && l.toLowerCase().startsWith(`${name.toLowerCase()}:`));

/** A random character: control (NUL, CR, LF, others), printable ASCII, DEL, Latin-1 or a few wider ones. */
function randomChar(r: Random): string {
  const x = r();
  if (x < 0.3) return pick(r, ['\0', '\r', '\n', '\t', '\x0b', '\x0c', '\x1b', '\x7f']);
  if (x < 0.4) return String.fromCharCode(int(r, 32));
  if (x < 0.8) return String.fromCharCode(32 + int(r, 95));
  if (x < 0.95) return String.fromCharCode(128 + int(r, 128));
  return pick(r, ['\u00a0', '\u2028', '\ufeff', '\ufffd', '\u202e', '\u0301', 'é', '漢', '😀']);
}

const byteFlip: Mutator = (text, r) => {
  const chars = [...text];
  const n = 1 + int(r, 8);
  for (let k = 0; k < n; k++) chars[int(r, chars.length)] = randomChar(r);
  return { text: chars.join(''), detail: `${n} char${n > 1 ? 's' : ''}` };
};

const truncate: Mutator = (text, r) => {
  const at = int(r, text.length);
  return { text: text.slice(0, at), detail: `at ${at}/${text.length}` };
};

const hugeHeader: Mutator = (text, r) => {
  const { lines, body } = split(text);
  const size = pick(r, [64 * 1024, 64 * 1024 + 1, 60 * 1024, 70 * 1024]);
  const where = pick(r, ['X-Fuzz', 'Subject', 'Via', 'From', 'Call-Info', 'Contact']);
  const filler = 'a'.repeat(size);
  if (where === 'X-Fuzz' || where === 'Subject' || where === 'Call-Info') lines.splice(1 + int(r, lines.length - 1), 0, `${where}: ${filler}`);
  else {
    const i = headerIndex(lines, where);
    if (i > 0) lines[i] = `${lines[i]};x=${filler}`;
    else lines.push(`${where}: <sip:x@example.com>;x=${filler}`);
  }
  return { text: join(lines, body), detail: `${where} of ${size} chars` };
};

const badContentLength: Mutator = (text, r) => {
  const { lines, body } = split(text);
  const i = headerIndex(lines, 'Content-Length');
  const length = Buffer.byteLength(body, 'utf8');
  const variant = pick(r, [
    'negative',
    'huge',
    'non-numeric',
    'duplicated',
    'duplicated-different',
    'smaller',
    'larger',
    'empty',
    'hex',
    'float',
    'leading-zeros',
    'overflow',
  ] as const);
  const value: Record<typeof variant, string> = {
    negative: '-1',
    huge: '4294967296',
    'non-numeric': 'abc',
    duplicated: String(length),
    'duplicated-different': String(length),
    smaller: String(Math.max(0, length - 1 - int(r, length))),
    larger: String(length + 1 + int(r, 1000)),
    empty: '',
    hex: `0x${length.toString(16)}`,
    float: `${length}.0`,
    'leading-zeros': `000000000000${length}`,
    overflow: '99999999999999999999999',
  };
  lines[i] = `Content-Length: ${value[variant]}`;
  if (variant === 'duplicated') lines.splice(i, 0, `l: ${length}`);
  if (variant === 'duplicated-different') lines.splice(i, 0, `Content-Length: ${length + 5}`);
  return { text: join(lines, body), detail: variant };
};

const crlfDisplayName: Mutator = (text, r) => {
  const { lines, body } = split(text);
  const header = pick(r, ['From', 'To', 'Contact'] as const);
  const i = Math.max(1, headerIndex(lines, header));
  const injected = pick(r, [
    '\r\n',
    '\r\n\r\n',
    '\r',
    '\n',
    '\r\n ',
    '\r\nVia: SIP/2.0/WSS evil.example.com;branch=z9hG4bKinjected',
    '\r\nContent-Length: 0\r\n\r\n',
  ]);
  const quoted = r() < 0.5;
  const name = `Fuzz${injected}Caller`;
  const colon = lines[i]!.indexOf(':');
  const rest = lines[i]!.slice(colon + 1)
    .trim()
    .replace(/^"[^"]*"\s*/, '');
  lines[i] = `${header}: ${quoted ? `"${name}"` : name} ${rest}`;
  return { text: join(lines, body), detail: `${header}, ${quoted ? 'quoted' : 'unquoted'}, ${JSON.stringify(injected).slice(0, 20)}` };
};

const duplicateHeader: Mutator = (text, r) => {
  const { lines, body } = split(text);
  const name = pick(r, ['To', 'From', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length', 'Content-Type']);
  const i = headerIndex(lines, name);
  const same = r() < 0.5;
  let copy = lines[i]!;
  if (!same) copy = name === 'CSeq' ? 'CSeq: 2 INVITE' : name === 'Max-Forwards' ? 'Max-Forwards: 69' : `${copy}x`;
  lines.splice(i + 1 + int(r, lines.length - i), 0, copy);
  return { text: join(lines, body), detail: `${name} (${same ? 'same' : 'different'} value)` };
};

const badRequestUri: Mutator = (text, r) => {
  const { lines, body } = split(text);
  const [method, uri, version] = lines[0]!.split(' ') as [string, string, string];
  const rest = uri.slice(uri.indexOf(':') + 1);
  const variant = pick(r, [
    `tel:${rest}`,
    `sips:${rest}`,
    `http://${rest}`,
    `mailto:${rest}`,
    `1sip:${rest}`,
    `:${rest}`,
    rest,
    `<sip:${rest}>`,
    `sip:${rest}?Subject=x`,
    `SIP:${rest}`,
    `sip:`,
    `sip:@`,
    `x-${'z'.repeat(300)}:${rest}`,
    `sip:${rest}${'%00'.repeat(20)}`,
    `sip:[::1${rest}`,
    '*',
    '',
  ]);
  lines[0] = `${method} ${variant} ${version}`;
  return { text: join(lines, body), detail: variant.slice(0, 40) };
};

const deleteHeader: Mutator = (text, r) => {
  const { lines, body } = split(text);
  const name = pick(r, ['Via', 'Max-Forwards', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Content-Type', 'Content-Length']);
  lines.splice(headerIndex(lines, name), 1);
  return { text: join(lines, body), detail: name };
};

const unicode: Mutator = (text, r) => {
  const { lines, body } = split(text);
  const odd = pick(r, ['é', 'Ünïcødé', '漢字', '😀', '\u202eevil', '\u200b', '\ufeff', '\u2028', '\ufffd', 'a\u0301\u0301\u0301', '\ud83d\ude00'.repeat(50)]);
  const where = pick(r, ['display-name', 'from-user', 'request-uri-user', 'header-name', 'header-value', 'method', 'body', 'call-id'] as const);
  if (where === 'display-name') lines[headerIndex(lines, 'From')] = lines[headerIndex(lines, 'From')]!.replace('Fuzz Caller', odd);
  else if (where === 'from-user') lines[headerIndex(lines, 'From')] = lines[headerIndex(lines, 'From')]!.replace('caller@', `${odd}@`);
  else if (where === 'request-uri-user') lines[0] = lines[0]!.replace(/sip:[^@]+@/, (m) => m.replace('@', `${odd}@`));
  else if (where === 'header-name') lines.splice(1 + int(r, lines.length - 1), 0, `X-${odd}: 1`);
  else if (where === 'header-value') lines.splice(1 + int(r, lines.length - 1), 0, `Subject: ${odd}`);
  else if (where === 'method') lines[0] = lines[0]!.replace('INVITE', `INV${odd}ITE`);
  else if (where === 'call-id') lines[headerIndex(lines, 'Call-ID')] += odd;
  else return { text: join(lines, `${body}a=tool:${odd}\r\n`), detail: 'body (Content-Length now short)' };
  return { text: join(lines, body), detail: where };
};

const SINGLE: [Exclude<MutationKind, 'stacked'>, Mutator][] = [
  ['byte-flip', byteFlip],
  ['truncate', truncate],
  ['huge-header', hugeHeader],
  ['bad-content-length', badContentLength],
  ['crlf-display-name', crlfDisplayName],
  ['duplicate-header', duplicateHeader],
  ['bad-request-uri', badRequestUri],
  ['delete-header', deleteHeader],
  ['unicode', unicode],
];

/** Structural mutations first (they look for headers), then the blind ones. */
const STACK_ORDER: MutationKind[] = [
  'duplicate-header',
  'bad-content-length',
  'crlf-display-name',
  'unicode',
  'bad-request-uri',
  'huge-header',
  'delete-header',
  'byte-flip',
  'truncate',
];

/** The `index`th mutation of `seed`: the same on every call. */
export function mutation(aorUser: string, seed: number, index: number): FuzzMessage {
  const r = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const base = baseInvite(aorUser, seed, index);
  // One in ten messages gets two different mutations.
  if (r() < 0.1) {
    const chosen = new Set<number>();
    while (chosen.size < 2) chosen.add(int(r, SINGLE.length));
    const steps = [...chosen].map((k) => SINGLE[k]!).sort((a, b) => STACK_ORDER.indexOf(a[0]) - STACK_ORDER.indexOf(b[0]));
    let text = base.text;
    const details: string[] = [];
    for (const [name, mutate] of steps) {
      const out = mutate(text, r);
      text = out.text;
      details.push(`${name}: ${out.detail}`);
    }
    return { index, kind: 'stacked', detail: details.join(' + '), text, callId: base.callId, branch: base.branch, fromTag: base.fromTag };
  }
  const [kind, mutate] = SINGLE[int(r, SINGLE.length)]!;
  const out = mutate(base.text, r);
  return { index, kind, detail: out.detail, text: out.text, callId: base.callId, branch: base.branch, fromTag: base.fromTag };
}
