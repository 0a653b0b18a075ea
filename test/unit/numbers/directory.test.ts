import { describe, expect, it } from 'vitest';
import { callerIdentity } from '../../../src-main/numbers/caller-identity.js';
import { compileDirectory, type DirectoryLists, type ListedContact } from '../../../src-main/numbers/directory.js';

const rules = { trustAssertedIdentity: false, defaultRegion: 'US' };
const caller = (uri: string) => callerIdentity({ fromUri: uri, fromUser: '', assertedIdentity: null }, rules);
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
