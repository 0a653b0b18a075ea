import { describe, expect, it } from 'vitest';
import { SUPPORTED_OPTION_TAGS } from '../../../src-main/phone/registration.js';
import { inspectIncoming, MAX_SIP_MESSAGE_CHARS, RFC2543_BRANCH_MARK, unmarkOutgoing, type GateVerdict } from '../../../src-main/phone/sip-gate.js';

const OPTIONS = { supported: ['outbound', 'replaces'], newTag: () => 'gate1' };

/** A valid request with one line replaced, added or removed: `{ 'CSeq': '1 BYE' }`, `{ 'Via': null }`. */
function request(changes: Record<string, string | null> = {}, body = ''): string {
  const lines: [string, string][] = [
    ['@', 'INVITE sip:user@example.com SIP/2.0'],
    ['Via', 'SIP/2.0/WSS pbx.example.com;branch=z9hG4bKabc'],
    ['Max-Forwards', '70'],
    ['From', '"Caller" <sip:caller@example.net>;tag=f1'],
    ['To', '<sip:user@example.com>'],
    ['Call-ID', 'c1@example.net'],
    ['CSeq', '1 INVITE'],
    ['Contact', '<sip:caller@pbx.example.com;transport=ws>'],
  ];
  const text: string[] = [];
  const seen = new Set<string>();
  for (const [name, value] of lines) {
    seen.add(name);
    const change = changes[name];
    if (change === null) continue;
    const v = change ?? value;
    text.push(name === '@' ? v : `${name}: ${v}`);
  }
  for (const [name, value] of Object.entries(changes)) if (!seen.has(name) && value !== null) text.push(`${name}: ${value}`);
  if (!('Content-Length' in changes)) text.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${text.join('\r\n')}\r\n\r\n${body}`;
}

function outcome(v: GateVerdict): string {
  return v.kind === 'answer' ? String(v.status) : v.kind;
}

describe('SIP gate', () => {
  const cases: [string, string, string][] = [
    ['a valid INVITE', request(), 'pass'],
    ['a valid OPTIONS', request({ '@': 'OPTIONS sip:user@example.com SIP/2.0', CSeq: '2 OPTIONS' }), 'pass'],
    ['SIP/7.0 (badvers)', request({ '@': 'OPTIONS sip:user@example.com SIP/7.0', CSeq: '1 OPTIONS' }), '505'],
    ['an unknown URI scheme (unkscm)', request({ '@': 'OPTIONS nobodyKnowsThisScheme:opaque SIP/2.0', CSeq: '1 OPTIONS' }), '416'],
    ['soap.beep (novelsc)', request({ '@': 'OPTIONS soap.beep://192.0.2.103:3002 SIP/2.0', CSeq: '1 OPTIONS' }), '416'],
    ['sips, which sip.js cannot do', request({ '@': 'INVITE sips:user@example.com SIP/2.0' }), '416'],
    ['<> around the Request-URI (ltgtruri)', request({ '@': 'INVITE <sip:user@example.com> SIP/2.0' }), '400'],
    ['LWS in the Request-URI (lwsruri)', request({ '@': 'INVITE sip:user@example.com; lr SIP/2.0' }), '400'],
    ['two SP in the Request-Line (lwsstart)', request({ '@': 'INVITE  sip:user@example.com  SIP/2.0' }), '400'],
    ['trailing SP on the Request-Line (trws)', request({ '@': 'INVITE sip:user@example.com SIP/2.0  ' }), '400'],
    ['headers in the Request-URI (escruri)', request({ '@': 'INVITE sip:user@example.com?Route=%3Csip:x%3E SIP/2.0' }), '400'],
    ['? in the Request-URI user part (intmeth)', request({ '@': 'INVITE sip:a?b@example.com SIP/2.0' }), 'pass'],
    ['CSeq method mismatch (mismatch01)', request({ CSeq: '1 BYE' }), '400'],
    ['CSeq over 2**32-1 (scalar02)', request({ CSeq: '4294967296 INVITE' }), '400'],
    ['Max-Forwards over 255', request({ 'Max-Forwards': '300' }), '400'],
    ['two Content-Lengths (mcl01)', request({ 'Content-Length': '0', l: '0' }), '400'],
    ['a negative Content-Length (ncl)', request({ 'Content-Length': '-999' }), '400'],
    ['a Content-Length beyond the body (clerr)', request({ 'Content-Length': '9999' }), '400'],
    ['To twice (multi01)', request({ t: '<sip:other@example.net>' }), '400'],
    ['Call-ID twice (multi01)', request({ i: 'c2@example.net' }), '400'],
    ['no Call-ID (insuf)', request({ 'Call-ID': null }), '400'],
    ['empty Via parameters (badinv01)', request({ Via: 'SIP/2.0/UDP 192.0.2.15;;,;,,' }), '400'],
    ['empty Contact parameters (badinv01)', request({ Contact: '"Joe" <sip:joe@example.org>;;;;' }), '400'],
    ['an unclosed quote (quotbal)', request({ To: '"Mr. J. User <sip:j.user@example.com>' }), '400'],
    ['spaces inside <> (badaspec)', request({ To: '"Watson, Thomas" < sip:t.watson@example.org >' }), '400'],
    ['an unquoted display name with a comma (baddn)', request({ From: 'Bell, Alexander <sip:a.g.bell@example.com>;tag=43' }), '400'],
    ['an unquoted UTF-8 display name', request({ From: 'Jürgen Groß <sip:j@example.com>;tag=43' }), 'pass'],
    ['a Contact URI with ? outside <> (regbadct)', request({ Contact: 'sip:user@example.com?Route=%3Csip:sip.example.com%3E' }), '400'],
    ['a quoted Contact parameter holding <>', request({ Contact: '<sip:a@b>;+sip.instance="<urn:uuid:1>";expires=60' }), 'pass'],
    ['Require of an unknown extension (bext01)', request({ Require: 'nothingSupportsThis' }), '420'],
    ['Require: replaces', request({ Require: 'replaces' }), 'pass'],
    ['an unknown method (intmeth, esc02)', request({ '@': 'NEWMETHOD sip:user@example.com SIP/2.0', CSeq: '1 NEWMETHOD' }), '501'],
    ['REGISTER to a phone (escnull, cparam01)', request({ '@': 'REGISTER sip:example.com SIP/2.0', CSeq: '1 REGISTER' }), '405'],
    ['an INVITE body that is not SDP (invut)', request({ 'Content-Type': 'application/unknownformat' }, 'xyz'), '415'],
    ['an INVITE that accepts no SDP (sdp01)', request({ Accept: 'text/nobodyKnowsThis' }), '406'],
    ['wsinv-style folding and LWS', request({ CSeq: '0009\r\n  INVITE', Via: 'SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw' }), 'pass'],
    ['no empty line after the headers (baddn)', request().replace(/\r\n\r\n$/, '\r\n'), '400'],
    ['an empty host in the Request-URI (sip.js throws)', request({ '@': 'INVITE sip:@ SIP/2.0' }), '400'],
    ['no host in the Request-URI', request({ '@': 'INVITE sip: SIP/2.0' }), '400'],
    ['%00 after the Request-URI host', request({ '@': 'INVITE sip:user@example.com%00%00 SIP/2.0' }), '400'],
    ['an unclosed IPv6 reference in the Request-URI', request({ '@': 'INVITE sip:[::1user@example.com SIP/2.0' }), '400'],
    ['a non-ASCII Request-URI user', request({ '@': 'INVITE sip:useré@example.com SIP/2.0' }), '400'],
    ['an IPv6 Request-URI host with a port and parameters', request({ '@': 'INVITE sip:user@[2001:db8::10]:5070;transport=ws SIP/2.0' }), 'pass'],
    ['a user with password and escapes', request({ '@': 'INVITE sip:%61lice:pw@example.com SIP/2.0' }), 'pass'],
    ['a non-ASCII From URI', request({ From: '<sip:callér@example.net>;tag=f1' }), '400'],
    ['a non-ASCII Call-ID', request({ 'Call-ID': 'c1😀@example.net' }), '400'],
    ['a bare CR in the display name', request({ From: '"Fuzz\rCaller" <sip:caller@example.net>;tag=f1' }), '400'],
    ['a bare LF in the display name', request({ To: 'Fuzz\nCaller <sip:user@example.com>' }), '400'],
    ['a request without Via', request({ Via: null }), 'drop'],
    ['a malformed ACK', request({ '@': 'ACK sip:user@example.com SIP/7.0', CSeq: '1 ACK' }), 'drop'],
    ['a valid response', 'SIP/2.0 200 OK\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bKx\r\nCSeq: 1 OPTIONS\r\n\r\n', 'pass'],
    ['a response with an empty reason phrase', 'SIP/2.0 200\r\nVia: SIP/2.0/WSS x.invalid;branch=z9hG4bKx\r\nCSeq: 1 OPTIONS\r\n\r\n', 'pass'],
    ['a 10-digit status code (bigcode)', 'SIP/2.0 4294967301 better not break the receiver\r\nCSeq: 1 OPTIONS\r\n\r\n', 'drop'],
    ['a response with a huge CSeq (scalarlg)', 'SIP/2.0 503 Service Unavailable\r\nCSeq: 36893488147419103232 OPTIONS\r\n\r\n', 'drop'],
  ];
  it.each(cases)('%s', (_what, message, expected) => {
    expect(outcome(inspectIncoming(message, OPTIONS))).toBe(expected);
  });

  it('answers statelessly per RFC 3261 §8.2.6: every Via, From, To with a tag, Call-ID, CSeq', () => {
    const verdict = inspectIncoming(request({ CSeq: '1 BYE', v: 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2' }), OPTIONS);
    expect(verdict).toMatchObject({ kind: 'answer', status: 400, reason: 'Bad Request (CSeq method does not match the request method)' });
    if (verdict.kind !== 'answer') return;
    expect(verdict.response).toBe(
      [
        'SIP/2.0 400 Bad Request (CSeq method does not match the request method)',
        'Via: SIP/2.0/WSS pbx.example.com;branch=z9hG4bKabc',
        'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2',
        'From: "Caller" <sip:caller@example.net>;tag=f1',
        'To: <sip:user@example.com>;tag=gate1',
        'Call-ID: c1@example.net',
        'CSeq: 1 BYE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('lists the unsupported option tags in a 420 and the methods in a 501', () => {
    const bext = inspectIncoming(request({ Require: 'nothingSupportsThis, replaces, nothingSupportsThisEither' }), OPTIONS);
    expect(bext.kind === 'answer' && bext.response).toContain('\r\nUnsupported: nothingSupportsThis, nothingSupportsThisEither\r\n');
    const unknown = inspectIncoming(request({ '@': 'NEWMETHOD sip:user@example.com SIP/2.0', CSeq: '1 NEWMETHOD' }), OPTIONS);
    expect(unknown.kind === 'answer' && unknown.response).toContain(
      '\r\nAllow: ACK, BYE, CANCEL, INFO, INVITE, MESSAGE, NOTIFY, OPTIONS, PRACK, REFER, SUBSCRIBE\r\n',
    );
  });

  it('keeps an existing To tag', () => {
    const verdict = inspectIncoming(request({ To: '<sip:user@example.com>;tag=t9', CSeq: '1 BYE' }), OPTIONS);
    expect(verdict.kind === 'answer' && verdict.response).toContain('\r\nTo: <sip:user@example.com>;tag=t9\r\n');
  });

  it('takes an RFC 2543 INVITE as a call: Contact from From, and a transaction key that never leaves', () => {
    const inv2543 = request({
      Via: 'SIP/2.0/UDP iftgw.example.com',
      Contact: null,
      From: '<sip:+13035551111@ift.example.net;user=phone>',
      'Max-Forwards': null,
    });
    const verdict = inspectIncoming(inv2543, OPTIONS);
    expect(verdict.kind).toBe('pass');
    if (verdict.kind !== 'pass') return;
    expect(verdict.message).toContain('\r\nContact: <sip:+13035551111@ift.example.net;user=phone>\r\n\r\n');
    const via = /\r\nVia: (.*)\r\n/.exec(verdict.message)?.[1] ?? '';
    expect(via).toMatch(new RegExp(`^SIP/2\\.0/UDP iftgw\\.example\\.com;branch=${RFC2543_BRANCH_MARK.replace('.', '\\.')}[0-9a-f]{16}$`));
    expect(unmarkOutgoing(`SIP/2.0 486 Busy Here\r\nVia: ${via}\r\n\r\n`)).toBe('SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP iftgw.example.com\r\n\r\n');
    // Another RFC 2543 INVITE (another Call-ID) gets another key; its retransmission, the same one.
    const other = inspectIncoming(inv2543.replace('c1@example.net', 'c2@example.net'), OPTIONS);
    const again = inspectIncoming(inv2543, OPTIONS);
    const key = (v: GateVerdict) => (v.kind === 'pass' ? /branch=(\S+)/.exec(v.message)?.[1] : undefined);
    expect(key(other)).not.toBe(key(verdict));
    expect(key(again)).toBe(key(verdict));
    // Its ACK (CSeq method ACK, our To tag) matches the same transaction.
    const ack = inspectIncoming(
      inv2543
        .replace('INVITE sip:', 'ACK sip:')
        .replace('CSeq: 1 INVITE', 'CSeq: 1 ACK')
        .replace('To: <sip:user@example.com>', 'To: <sip:user@example.com>;tag=x'),
      OPTIONS,
    );
    expect(key(ack)).toBe(key(verdict));
  });

  it('never echoes a bare CR or LF into an answer', () => {
    const verdict = inspectIncoming(request({ From: '"A\nContent-Length: 0\n\nB" <sip:caller@example.net>;tag=f1' }), OPTIONS);
    expect(verdict.kind === 'answer' && verdict.response).toContain('\r\nFrom: "A Content-Length: 0  B" <sip:caller@example.net>;tag=f1\r\n');
  });

  it('answers an oversized request 513 and stays linear on hostile input', () => {
    const big = request({}, 'x'.repeat(MAX_SIP_MESSAGE_CHARS));
    expect(outcome(inspectIncoming(big, OPTIONS))).toBe('513');
    // Its Via beyond the first 64 KB still gets the answer.
    const viaLast = request({ Via: null, 'X-Big': 'a'.repeat(MAX_SIP_MESSAGE_CHARS), v: 'SIP/2.0/WSS pbx.example.com;branch=z9hG4bKlate' });
    expect(outcome(inspectIncoming(viaLast, OPTIONS))).toBe('513');
    const hostile = [
      request({ Via: `SIP/2.0/UDP h;${'a='.repeat(20_000)}` }),
      request({ From: `"${'\\"'.repeat(20_000)} <sip:a@b>` }),
      request({ Contact: `${'<'.repeat(30_000)}` }),
      request({ CSeq: `${'1'.repeat(30_000)} INVITE` }),
      `INVITE ${'sip:'.repeat(15_000)} SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\n`,
    ];
    const started = performance.now();
    for (const message of hostile) expect(['400', 'drop', '513']).toContain(outcome(inspectIncoming(message, OPTIONS)));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('what real PBXs and carriers send', () => {
  it.each(['100rel', 'timer', '100rel, timer'])(
    'Require: %s passes (sip.js answers reliable provisionals; a session refresh is an ordinary re-INVITE)',
    (tags) => {
      expect(outcome(inspectIncoming(request({ Require: tags }), { supported: SUPPORTED_OPTION_TAGS, newTag: () => 'gate1' }))).toBe('pass');
    },
  );
});
