import { describe, expect, it } from 'vitest';
import { domainOf, toDialTarget } from '../../../src-main/phone/dial-target.js';

describe('toDialTarget', () => {
  const cases: [string, string][] = [
    ['2002', 'sip:2002@pbx.example.com'],
    ['+1 (555) 010-1234', 'sip:+15550101234@pbx.example.com'],
    ['tel:+1-555-0101', 'sip:+15550101@pbx.example.com'],
    ['callto://+15550101', 'sip:+15550101@pbx.example.com'],
    ['sip:alice@other.example', 'sip:alice@other.example'],
    ['SIP:bob@x.example', 'sip:bob@x.example'],
    ['alice@other.example', 'sip:alice@other.example'],
    ['*97', 'sip:*97@pbx.example.com'],
    ['reception', 'sip:reception@pbx.example.com'],
  ];
  it.each(cases)('dials %s as %s', (input, uri) => {
    const target = toDialTarget(input, 'pbx.example.com');
    expect(target).toMatchObject({ ok: true, uri });
  });

  it.each(['', '   ', 'sip:nohost', 'call me maybe', 'tel:abc', 'sip:a@b c'])('refuses %j with a message', (input) => {
    const target = toDialTarget(input, 'pbx.example.com');
    expect(target.ok).toBe(false);
    if (!target.ok) expect(target.message.length).toBeGreaterThan(10);
  });

  it('takes the domain from the account URI', () => {
    expect(domainOf('sip:1001@pbx.example.com')).toBe('pbx.example.com');
    expect(domainOf('sip:1001@pbx.example.com;transport=ws')).toBe('pbx.example.com');
  });
});
