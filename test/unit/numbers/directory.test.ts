import { describe, expect, it } from 'vitest';
import { callerIdentity } from '../../../src-main/numbers/caller-identity.js';
import { compileDirectory, type DirectoryLists, type ListedContact } from '../../../src-main/numbers/directory.js';

// The tables below call from the own domain or trusted hosts; "where the caller may be" covers the rest.
const rules = { trustAssertedIdentity: false, defaultRegion: 'US', ownDomain: 'pbx.example.com', trustedHosts: ['trunk.example.net', 't'] };
const caller = (uri: string, pai: string | null = null, more: Partial<typeof rules> = {}) =>
  callerIdentity({ fromUri: uri, fromUser: '', assertedIdentity: pai }, { ...rules, ...more });
const lists = (partial: Partial<DirectoryLists>): DirectoryLists => ({ coworkers: [], vips: [], blocked: [], ...partial });
const who = (dir: ReturnType<typeof compileDirectory>, uri: string) => {
  const m = dir.lookup(caller(uri));
  return m && `${m.list}:${m.entry.name}:${m.via}`;
};

describe('compileDirectory: matching', () => {
  const dir = compileDirectory(
    lists({
      coworkers: [
        { name: 'Dana', extensions: ['2002'], numbers: ['(555) 010-2002 x12'], sipUris: ['sip:Dana@PBX.example.com:5060'] },
        { name: 'Sam', numbers: ['555.0101'] },
        { name: 'Lee', numbers: ['020 7946 0018'] },
      ],
      vips: [{ name: 'Victor', numbers: ['+1 555 0199'] }],
    }),
    'US',
  );

  it.each([
    ['exact E.164, from a free-text number with an extension', 'sip:+15550102002@trunk.example.net', 'coworker:Dana:exact'],
    ['exact E.164, national form', 'sip:5550102002@pbx.example.com', 'coworker:Dana:exact'],
    ['an extension, compared as it is', 'sip:2002@pbx.example.com', 'coworker:Dana:exact'],
    ['a SIP URI, case, port and params aside', 'sips:dana@pbx.example.com;transport=tls', 'coworker:Dana:exact'],
    ['a number stored without area code, on its last 7 digits', 'sip:+12125550101@trunk.example.net', 'coworker:Sam:last-7-digits'],
    ['a foreign number stored without country code, on its last 10 digits', 'sip:+442079460018@trunk.example.net', 'coworker:Lee:last-10-digits'],
    ['a short "+1 555 0101"-style number written with +, exactly', 'sip:+15550199@trunk.example.net', 'vip:Victor:exact'],
  ])('matches %s', (_what, uri, expected) => {
    expect(who(dir, uri)).toBe(expected);
  });

  it.each([
    ['an extension against the tail of a number', 'sip:+15550132002@trunk.example.net'],
    ['a 4-digit caller against a 7-digit stored number', 'sip:0101@pbx.example.com'],
    ['the extension with a different string', 'sip:02002@pbx.example.com'],
    ['a SIP user on another host', 'sip:dana@other.example.com'],
    ['two numbers of 10+ digits that only share the last 7', 'sip:+13129460018@trunk.example.net'],
    ['a short number written with + against another full number ending in the same 7 digits', 'sip:+12125550199@trunk.example.net'],
    ['anonymous', 'sip:anonymous@anonymous.invalid'],
  ])('does not match %s', (_what, uri) => {
    expect(who(dir, uri)).toBeUndefined();
  });

  it('compares two full numbers only exactly, even when they share 10 digits', () => {
    const uk = compileDirectory(lists({ coworkers: [{ name: 'London', numbers: ['+44 20 7946 0018'] }] }), 'US');
    expect(who(uk, 'sip:+12079460018@trunk.example.net')).toBeUndefined();
    expect(who(uk, 'sip:+442079460018@trunk.example.net')).toBe('coworker:London:exact');
  });

  it('does not compare 10-digit numbers on their last 7 digits', () => {
    const tenDigitPartial = compileDirectory(lists({ coworkers: [{ name: 'Area', numbers: ['020 555 0101'] }] }), 'US');
    expect(who(tenDigitPartial, 'sip:+12125550101@trunk.example.net')).toBeUndefined();
  });

  it('lets a caller who presents only 7 digits match a full stored number', () => {
    const full = compileDirectory(lists({ coworkers: [{ name: 'Full', numbers: ['+1 212 555 0101'] }] }), 'US');
    expect(who(full, 'sip:5550101@pbx.example.com')).toBe('coworker:Full:last-7-digits');
  });

  it('reports values that can never match', () => {
    const bad = compileDirectory(lists({ vips: [{ name: 'Odd', numbers: ['call reception', '+12'], extensions: [' '], sipUris: ['jane@pbx'] }] }), 'US');
    expect(bad.unusable).toEqual([
      { list: 'vip', name: 'Odd', value: ' ', why: 'is empty' },
      { list: 'vip', name: 'Odd', value: 'call reception', why: 'has no digits' },
      { list: 'vip', name: 'Odd', value: '+12', why: 'is too short to be a phone number' },
      { list: 'vip', name: 'Odd', value: 'jane@pbx', why: 'is not a SIP URI like sip:jane@pbx.example.com' },
    ]);
    expect(bad.size).toBe(1);
  });
});

describe('compileDirectory: where the caller may be (caller-host.ts)', () => {
  const sam: ListedContact = { name: 'Sam Okafor', extensions: ['2002'], numbers: ['+1 312 555 0100'], sipUris: ['sip:sam@pbx.example.com'] };
  const dir = compileDirectory(
    lists({
      coworkers: [sam, { name: 'Remote Rita', sipUris: ['sip:rita@home.example.org'] }],
      vips: [{ name: 'Victor', numbers: ['+1 555 0199'], extensions: ['7001'] }],
      blocked: [
        { name: 'Spam', numbers: ['+1 312 555 0666'] },
        { name: 'sip:bot@evil.example', sipUris: ['sip:bot@evil.example'] },
      ],
    }),
    'US',
  );
  const HOME = { trustedHosts: [] };
  const match = (uri: string, more: Partial<typeof rules> = HOME, pai: string | null = null) => {
    const m = dir.lookup(caller(uri, pai, more));
    return m && `${m.list}:${m.entry.name}:${m.by}`;
  };
  const claim = (uri: string, more: Partial<typeof rules> = HOME, pai: string | null = null) => {
    const m = dir.foreignClaim(caller(uri, pai, more));
    return m && `${m.list}:${m.entry.name}:${m.by}`;
  };

  it.each<[string, string, Partial<typeof rules>, string | undefined, string | undefined]>([
    // what, From, rules, lookup, foreignClaim
    ['own domain, extension', 'sip:2002@pbx.example.com', HOME, 'coworker:Sam Okafor:extension', undefined],
    ['own domain, number', 'sip:+13125550100@pbx.example.com', HOME, 'coworker:Sam Okafor:number', undefined],
    ['own domain, case and port aside', 'sip:2002@PBX.Example.com:5060', HOME, 'coworker:Sam Okafor:extension', undefined],
    [
      'own domain written with a port in the account',
      'sip:2002@pbx.example.com',
      { ...HOME, ownDomain: 'PBX.EXAMPLE.COM:5061' },
      'coworker:Sam Okafor:extension',
      undefined,
    ],
    ['foreign host, extension', 'sip:2002@evil.example', HOME, undefined, 'coworker:Sam Okafor:extension'],
    ['foreign host, number', 'sip:+13125550100@evil.example', HOME, undefined, 'coworker:Sam Okafor:number'],
    ['foreign host, number written nationally', 'sip:3125550100@evil.example', HOME, undefined, 'coworker:Sam Okafor:number'],
    ['foreign host, VIP number', 'sip:+15550199@evil.example', HOME, undefined, 'vip:Victor:number'],
    ['foreign host, VIP extension', 'sip:7001@evil.example', HOME, undefined, 'vip:Victor:extension'],
    ['own domain, VIP extension', 'sip:7001@pbx.example.com', HOME, 'vip:Victor:extension', undefined],
    ['foreign host, a port does not help', 'sip:2002@evil.example:5060', HOME, undefined, 'coworker:Sam Okafor:extension'],
    ['a tel: From names no host', 'tel:+13125550100', HOME, undefined, 'coworker:Sam Okafor:number'],
    ['a trusted host', 'sip:+13125550100@sbc.example.net', { trustedHosts: ['SBC.example.net'] }, 'coworker:Sam Okafor:number', undefined],
    ['a trusted IP with a port', 'sip:2002@203.0.113.10:5080', { trustedHosts: ['203.0.113.10'] }, 'coworker:Sam Okafor:extension', undefined],
    ['no own domain (no account), no trusted host', 'sip:2002@pbx.example.com', { ...HOME, ownDomain: '' }, undefined, 'coworker:Sam Okafor:extension'],
    ['a listed SIP URI from its own host', 'sip:sam@pbx.example.com', HOME, 'coworker:Sam Okafor:sip-uri', undefined],
    ['a listed SIP URI on a foreign host matches exactly that URI', 'sip:rita@home.example.org', HOME, 'coworker:Remote Rita:sip-uri', undefined],
    ['a listed SIP URI user on another host is nobody', 'sip:rita@evil.example', HOME, undefined, undefined],
    ['the block list, by number, from a foreign host', 'sip:+13125550666@evil.example', HOME, 'blocked:Spam:number', undefined],
    ['the block list, by number, from the own domain', 'sip:+13125550666@pbx.example.com', HOME, 'blocked:Spam:number', undefined],
    ['the block list, by SIP URI', 'sip:bot@evil.example', HOME, 'blocked:sip:bot@evil.example:sip-uri', undefined],
    ['a stranger from a foreign host claims nobody', 'sip:+13125550999@evil.example', HOME, undefined, undefined],
    ['anonymous claims nobody', 'sip:anonymous@anonymous.invalid', HOME, undefined, undefined],
  ])('%s', (_what, uri, more, expected, claimed) => {
    expect(match(uri, more)).toBe(expected);
    expect(claim(uri, more)).toBe(claimed);
  });

  it.each<[string, string, string, Partial<typeof rules>, string | undefined, string | undefined]>([
    // what, From, P-Asserted-Identity, rules, lookup, foreignClaim
    [
      'a trusted PAI from the own domain vouches for a foreign From',
      'sip:2002@evil.example',
      '<sip:2002@pbx.example.com>',
      { ...HOME, trustAssertedIdentity: true },
      'coworker:Sam Okafor:extension',
      undefined,
    ],
    [
      'a trusted PAI from a foreign host is foreign, whatever From says',
      'sip:2002@pbx.example.com',
      '<sip:2002@evil.example>',
      { ...HOME, trustAssertedIdentity: true },
      undefined,
      'coworker:Sam Okafor:extension',
    ],
    [
      'a trusted tel: PAI, asserted by our PBX',
      'sip:anonymous@anonymous.invalid',
      '<tel:+13125550100>',
      { ...HOME, trustAssertedIdentity: true },
      'coworker:Sam Okafor:number',
      undefined,
    ],
    ['an untrusted PAI vouches for nothing', 'sip:2002@evil.example', '<sip:2002@pbx.example.com>', HOME, undefined, 'coworker:Sam Okafor:extension'],
    ['an untrusted foreign PAI spoils nothing', 'sip:2002@pbx.example.com', '<sip:2002@evil.example>', HOME, 'coworker:Sam Okafor:extension', undefined],
  ])('%s', (_what, uri, pai, more, expected, claimed) => {
    expect(match(uri, more, pai)).toBe(expected);
    expect(claim(uri, more, pai)).toBe(claimed);
  });

  it('a blocked number still beats a foreign claim of the same number on a coworker', () => {
    const both = compileDirectory(lists({ coworkers: [sam], blocked: [{ name: 'Spoofed Sam', numbers: ['312 555 0100'] }] }), 'US');
    expect(both.lookup(caller('sip:+13125550100@evil.example', null, HOME))).toMatchObject({ list: 'blocked' });
    expect(both.lookup(caller('sip:+13125550100@pbx.example.com', null, HOME))).toMatchObject({ list: 'blocked' });
  });
});

describe('compileDirectory: which entry wins', () => {
  const jane: ListedContact = { name: 'Jane (coworker)', numbers: ['+1 212 555 0101'] };

  it('prefers the stronger match over the list order: a full coworker number beats a 7-digit block entry', () => {
    const dir = compileDirectory(lists({ coworkers: [jane], blocked: [{ name: 'Spam 7', numbers: ['555-0101'] }] }), 'US');
    expect(who(dir, 'sip:+12125550101@trunk.example.net')).toBe('coworker:Jane (coworker):exact');
    expect(who(dir, 'sip:+16465550101@trunk.example.net')).toBe('blocked:Spam 7:last-7-digits');
  });

  it('at equal strength, blocked beats coworker beats VIP', () => {
    const all = compileDirectory(
      lists({ vips: [{ name: 'V', numbers: ['2125550101'] }], coworkers: [jane], blocked: [{ name: 'B', numbers: ['(212) 555-0101'] }] }),
      'US',
    );
    expect(who(all, 'sip:+12125550101@t')).toBe('blocked:B:exact');
    const noBlock = compileDirectory(lists({ vips: [{ name: 'V', numbers: ['2125550101'] }], coworkers: [jane] }), 'US');
    expect(who(noBlock, 'sip:+12125550101@t')).toBe('coworker:Jane (coworker):exact');
  });

  it('prefers the last 10 digits over the last 7, whatever the list', () => {
    const dir = compileDirectory(lists({ coworkers: [{ name: 'Seven', numbers: ['946 0018'] }], vips: [{ name: 'Ten', numbers: ['020 7946 0018'] }] }), 'US');
    expect(who(dir, 'sip:+442079460018@t')).toBe('vip:Ten:last-10-digits');
  });

  it('takes the first entry of a list when two share a number', () => {
    const dir = compileDirectory(
      lists({
        coworkers: [
          { name: 'First', numbers: ['555.0101'] },
          { name: 'Second', numbers: ['5550101'] },
        ],
      }),
      'US',
    );
    expect(who(dir, 'sip:+12125550101@t')).toBe('coworker:First:last-7-digits');
  });

  it('blocks a number stored without country code on its last 10 digits (the trunk 0 aside)', () => {
    const dir = compileDirectory(lists({ blocked: [{ name: 'UK spam', numbers: ['020 7946 0018'] }] }), 'US');
    expect(who(dir, 'sip:+442079460018@t')).toBe('blocked:UK spam:last-10-digits');
  });

  it('does not block on 7 digits of a longer block entry', () => {
    const dir = compileDirectory(lists({ blocked: [{ name: 'Full block', numbers: ['+1 212 555 0101'] }] }), 'US');
    expect(who(dir, 'sip:+12125550101@t')).toBe('blocked:Full block:exact');
    expect(who(dir, 'sip:5550101@pbx.example.com')).toBeUndefined();
  });

  it('blocks a 7-digit entry on any caller ending in those 7 digits (that is what the manager typed)', () => {
    const dir = compileDirectory(lists({ blocked: [{ name: 'Seven', numbers: ['555.0101'] }] }), 'US');
    expect(who(dir, 'sip:+12125550101@t')).toBe('blocked:Seven:last-7-digits');
  });
});
