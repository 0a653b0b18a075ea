import { describe, expect, it } from 'vitest';
import { UserAgent, type Session } from 'sip.js';
import { cleanSubject, isInternalTarget, parseSipfrag, referTo, referToReplacing } from '../../../src-main/phone/refer.js';

describe('REFER progress (message/sipfrag)', () => {
  it.each([
    ['SIP/2.0 100 Trying', { status: 100, reason: 'Trying' }],
    ['SIP/2.0 180 Ringing\r\n', { status: 180, reason: 'Ringing' }],
    ['SIP/2.0 200 OK\r\nContact: <sip:x@y>', { status: 200, reason: 'OK' }],
    ['SIP/2.0 404 Not Found', { status: 404, reason: 'Not Found' }],
    ['SIP/2.0 603', { status: 603, reason: '' }],
    ['SIP/2.0 486 Busy\x07 Here', { status: 486, reason: 'Busy Here' }],
  ])('%j', (body, progress) => {
    expect(parseSipfrag(body)).toEqual(progress);
  });

  it.each([undefined, '', 'hello', 'SIP/2.0 99 Low', 'SIP/2.0 700 High', 'HTTP/1.1 200 OK'])('ignores %j (garbage never ends a call)', (body) => {
    expect(parseSipfrag(body)).toBeNull();
  });
});

describe('Refer-To', () => {
  it('is always in angle brackets, so a URI with headers stays one header value', () => {
    const target = referTo(UserAgent.makeURI('sip:tech2@pbx.example.com:5060')!);
    expect(target.toString()).toBe('<sip:tech2@pbx.example.com:5060>');
  });

  it('names the consult dialog by its address of record, with Replaces (Call-ID, to-tag = far end, from-tag = ours)', () => {
    const consult = {
      dialog: { callId: 'abc@host', remoteTag: 'far', localTag: 'near' },
      remoteIdentity: { uri: UserAgent.makeURI('sip:tech2@pbx.example.com')! },
    } as unknown as Session;
    expect(referToReplacing(consult).toString()).toBe('<sip:tech2@pbx.example.com?Replaces=abc%40host%3Bto-tag%3Dfar%3Bfrom-tag%3Dnear>');
  });

  it('refuses a consult call that is not connected', () => {
    expect(() => referToReplacing({ dialog: undefined } as unknown as Session)).toThrow(/not connected yet/);
  });
});

describe('Subject', () => {
  it.each([
    ['About #1001: Printer down at Acme', 'About #1001: Printer down at Acme'],
    ['  two\r\nlines\tand  tabs ', 'two lines and tabs'],
    ['', null],
    [undefined, null],
    ['x'.repeat(300), 'x'.repeat(200)],
  ])('%j → %j', (text, clean) => {
    expect(cleanSubject(text)).toBe(clean);
  });
});

describe('internal targets (a far end’s REFER is followed only to these; the ticket’s subject goes only to these)', () => {
  it.each([
    ['sip:tech2@pbx.example.com', true],
    ['sip:reception@PBX.example.com', true],
    ['sip:2002@pbx.example.com:5060', true],
    ['sip:99@pbx.example.com', true],
    ['sip:+449001234567@pbx.example.com', false],
    ['sip:0044900123@pbx.example.com', false],
    ['sip:1234567@pbx.example.com', false],
    ['sip:tech2@evil.example', false],
    ['sip:9@pbx.example.com', false],
  ])('%s → %s', (uri, internal) => {
    expect(isInternalTarget(UserAgent.makeURI(uri)!, 'pbx.example.com')).toBe(internal);
  });

  it('nothing is internal without an account', () => {
    expect(isInternalTarget(UserAgent.makeURI('sip:tech2@pbx.example.com')!, '')).toBe(false);
  });
});
