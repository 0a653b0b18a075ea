import { describe, expect, it } from 'vitest';
import { parseAddress, sipKey } from '../../../src-main/numbers/sip-uri.js';

describe('parseAddress (From and P-Asserted-Identity values)', () => {
  it.each([
    ['sip:+15550101234@pbx.example.com', { scheme: 'sip', user: '+15550101234', host: 'pbx.example.com' }],
    ['"Jane" <sips:Jane@PBX.Example.com:5061;transport=tls>', { scheme: 'sip', user: 'Jane', host: 'pbx.example.com' }],
    ['<sip:2002@10.0.0.5:5060;user=phone>;tag=abc', { scheme: 'sip', user: '2002', host: '10.0.0.5' }],
    ['sip:%2B15550101@pbx.example.com', { scheme: 'sip', user: '+15550101', host: 'pbx.example.com' }],
    ['sip:+15550101;npdi@pbx.example.com;user=phone', { scheme: 'sip', user: '+15550101', host: 'pbx.example.com' }],
    ['sip:alice:secret@pbx.example.com', { scheme: 'sip', user: 'alice', host: 'pbx.example.com' }],
    ['sip:bob@pbx.example.com?subject=hi', { scheme: 'sip', user: 'bob', host: 'pbx.example.com' }],
    ['sip:[2001:db8::1]:5060', { scheme: 'sip', user: '', host: '[2001:db8::1]' }],
    ['tel:+1-555-010-1234;ext=5', { scheme: 'tel', user: '+15550101234', host: null }],
    ['<tel:+15550101234>, <sip:+15550101234@carrier.example.net>', { scheme: 'tel', user: '+15550101234', host: null }],
    ['SIP:100%@pbx.example.com', { scheme: 'sip', user: '100%', host: 'pbx.example.com' }],
  ])('%s', (text, expected) => {
    expect(parseAddress(text)).toEqual(expected);
  });

  it.each(['', 'mailto:jane@example.com', 'jane@example.com', 'sip:', 'sip:jane@'])('refuses %j', (text) => {
    expect(parseAddress(text)).toBeUndefined();
  });
});

describe('sipKey (user@host, scheme, port, params and case folded)', () => {
  const key = (text: string) => {
    const address = parseAddress(text);
    return address && sipKey(address);
  };

  it('is the same for the same account however it is written', () => {
    expect(key('sips:Jane@PBX.example.com:5061;transport=tls')).toBe('sip:jane@pbx.example.com');
    expect(key('"Jane Doe" <sip:jane@pbx.example.com>')).toBe('sip:jane@pbx.example.com');
  });

  it('differs by host', () => {
    expect(key('sip:jane@pbx.example.com')).not.toBe(key('sip:jane@other.example.com'));
  });

  it('is undefined for tel: URIs and URIs without a user', () => {
    expect(key('tel:+15550101234')).toBeUndefined();
    expect(key('sip:pbx.example.com')).toBeUndefined();
  });
});
