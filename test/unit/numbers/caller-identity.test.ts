import { describe, expect, it } from 'vitest';
import { callerIdentity, type PresentedCaller } from '../../../src-main/numbers/caller-identity.js';

const US = { trustAssertedIdentity: false, defaultRegion: 'US' };
const TRUSTING = { trustAssertedIdentity: true, defaultRegion: 'US' };

function from(uri: string, more: Partial<PresentedCaller> & { displayName?: string } = {}): PresentedCaller {
  return { fromUri: uri, fromUser: /^[a-z]+:([^@;]*)/i.exec(uri)?.[1] ?? '', assertedIdentity: null, ...more };
}

describe('callerIdentity', () => {
  it('keys a number on E.164 and offers its digits for the suffix fallback', () => {
    expect(callerIdentity(from('sip:+15550101234@pbx.example.com'), US)).toEqual({
      key: '+15550101234',
      source: 'from',
      anonymous: false,
      exactKeys: ['tel:+15550101234', 'sip:+15550101234@pbx.example.com'],
      digits: '15550101234',
      hasCountryCode: true,
      host: 'pbx.example.com',
      hostTrusted: false,
    });
  });

  it.each(['sip:5550101234@pbx.example.com', 'sip:15550101234@pbx.example.com', 'tel:+1-555-010-1234', 'sip:+15550101234@trunk.example.net;user=phone'])(
    'gives %s the same key as +15550101234',
    (uri) => {
      expect(callerIdentity(from(uri), US).key).toBe('+15550101234');
    },
  );

  it('keys a short user as an extension, with no digits to compare as a suffix', () => {
    const id = callerIdentity(from('sip:2002@pbx.example.com'), US);
    expect(id).toMatchObject({ key: '2002', digits: null, hasCountryCode: false });
    expect(id.exactKeys).toEqual(['ext:2002', 'sip:2002@pbx.example.com']);
  });

  it('keys a named user on its SIP URI', () => {
    const id = callerIdentity(from('sip:Jane2@PBX.example.com:5060'), US);
    expect(id).toMatchObject({ key: 'sip:jane2@pbx.example.com', digits: null, exactKeys: ['sip:jane2@pbx.example.com'] });
  });

  it('keeps a 7-digit caller partial: no E.164 without an area code', () => {
    expect(callerIdentity(from('sip:5550101@pbx.example.com'), US)).toMatchObject({ key: '5550101', digits: '5550101', hasCountryCode: false });
  });

  it.each(['sip:anonymous@anonymous.invalid', 'sip:Restricted@carrier.example.net', 'sip:pbx.example.com', ''])('treats %j as anonymous', (uri) => {
    expect(callerIdentity(from(uri), US)).toMatchObject({ key: 'anonymous', anonymous: true, exactKeys: [], digits: null });
  });

  it('falls back to fromUser when the From URI is unreadable', () => {
    expect(callerIdentity({ fromUri: 'garbage', fromUser: '5550101234', assertedIdentity: null }, US).key).toBe('+15550101234');
  });

  describe('P-Asserted-Identity', () => {
    const withheld = from('sip:anonymous@anonymous.invalid', { assertedIdentity: '"Carrier" <sip:+15550107777@carrier.example.net>' });

    it('replaces From when policy trusts it', () => {
      expect(callerIdentity(withheld, TRUSTING)).toMatchObject({ key: '+15550107777', source: 'asserted-identity', anonymous: false });
    });

    it('is ignored when policy does not trust it', () => {
      expect(callerIdentity(withheld, US)).toMatchObject({ key: 'anonymous', source: 'from' });
    });

    it('falls back to From when the trusted header is unreadable or empty', () => {
      const id = callerIdentity(from('sip:+15550101234@pbx.example.com', { assertedIdentity: 'not a uri' }), TRUSTING);
      expect(id).toMatchObject({ key: '+15550101234', source: 'from' });
    });
  });

  describe("the caller's host (caller-host.ts)", () => {
    const HOME = { ...US, ownDomain: 'PBX.example.com:5060', trustedHosts: ['SBC.example.net', '203.0.113.10', '[2001:db8::1]:5061'] };
    const TRUSTING_HOME = { ...HOME, trustAssertedIdentity: true };

    it.each<[string, string, boolean]>([
      ["the account's own domain", 'sip:2002@pbx.example.com', true],
      ['the own domain in another case and with a port', 'sips:2002@PBX.Example.COM:5061;transport=tls', true],
      ['the own domain with a trailing dot', 'sip:2002@pbx.example.com.', true],
      ['a trusted host, any case', 'sip:+13125550100@sbc.EXAMPLE.net', true],
      ['a trusted IP with a port', 'sip:2002@203.0.113.10:5060', true],
      ['a trusted IPv6 host', 'sip:2002@[2001:DB8::1]:5060', true],
      ['a foreign host', 'sip:2002@evil.example', false],
      ['a subdomain of the own domain', 'sip:2002@pbx.example.com.evil.example', false],
      ['a parent of the own domain', 'sip:2002@example.com', false],
      ['a tel: From, which names no host', 'tel:+13125550100', false],
    ])('%s: trusted %s', (_what, uri, trusted) => {
      expect(callerIdentity(from(uri), HOME).hostTrusted).toBe(trusted);
    });

    it('keeps the host it judged, lowercased and without port', () => {
      expect(callerIdentity(from('sip:2002@Evil.Example:5060'), HOME)).toMatchObject({ host: 'evil.example', hostTrusted: false });
    });

    it('trusts nothing when no account is set up and policy names no host', () => {
      expect(callerIdentity(from('sip:2002@pbx.example.com'), US).hostTrusted).toBe(false);
    });

    it("judges a trusted P-Asserted-Identity's host, not From's", () => {
      const foreignPai = from('sip:2002@pbx.example.com', { assertedIdentity: '<sip:2002@evil.example>' });
      expect(callerIdentity(foreignPai, TRUSTING_HOME)).toMatchObject({ source: 'asserted-identity', host: 'evil.example', hostTrusted: false });
      const homePai = from('sip:2002@evil.example', { assertedIdentity: '<sip:2002@pbx.example.com>' });
      expect(callerIdentity(homePai, TRUSTING_HOME)).toMatchObject({ source: 'asserted-identity', hostTrusted: true });
    });

    it('ignores an untrusted P-Asserted-Identity: From decides', () => {
      const homePai = from('sip:2002@evil.example', { assertedIdentity: '<sip:2002@pbx.example.com>' });
      expect(callerIdentity(homePai, HOME)).toMatchObject({ source: 'from', host: 'evil.example', hostTrusted: false });
    });

    it('trusts a tel: P-Asserted-Identity when policy trusts the header: our PBX asserted it', () => {
      const telPai = from('sip:anonymous@anonymous.invalid', { assertedIdentity: '<tel:+13125550100>' });
      expect(callerIdentity(telPai, TRUSTING_HOME)).toMatchObject({ source: 'asserted-identity', host: null, hostTrusted: true });
    });
  });

  it('never looks at the display name', () => {
    const call = { ...from('sip:jane@pbx.example.com'), displayName: '+1 555 010 1234' };
    const id = callerIdentity(call, US);
    expect(id.key).toBe('sip:jane@pbx.example.com');
    expect(id.exactKeys.join()).not.toContain('555');
  });
});
