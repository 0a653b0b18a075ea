import { describe, expect, it } from 'vitest';
import { callerIdentity } from '../../../src-main/numbers/caller-identity.js';
import { ticketContactMatcher } from '../../../src-main/numbers/ticket-contacts.js';

const caller = (uri: string) => callerIdentity({ fromUri: uri, fromUser: '', assertedIdentity: null }, { trustAssertedIdentity: false, defaultRegion: 'US' });

describe('ticketContactMatcher', () => {
  const contacts = ticketContactMatcher(['(555) 010-1234 x12', 'mobile: 555.0177', '2002', 'n/a'], 'US');

  it.each([
    ['sip:+15550101234@trunk.example.net', { via: 'exact', number: '(555) 010-1234 x12' }],
    ['sip:+16465550177@trunk.example.net', { via: 'last-7-digits', number: 'mobile: 555.0177' }],
  ])('matches %s', (uri, expected) => {
    expect(contacts.lookup(caller(uri))).toEqual(expected);
  });

  it("skips short numbers: they are extensions on the customer's PBX, not ours", () => {
    expect(contacts.lookup(caller('sip:2002@pbx.example.com'))).toBeUndefined();
    expect(contacts.unusable).toEqual(['2002', 'n/a']);
  });

  it('never matches an anonymous caller', () => {
    expect(contacts.lookup(caller('sip:anonymous@anonymous.invalid'))).toBeUndefined();
  });
});
