import { describe, expect, it } from 'vitest';
import { knownRegion, parsePhoneText } from '../../../src-main/numbers/phone-number.js';

describe('parsePhoneText (free text from PSAs)', () => {
  it.each([
    ['(555) 010-1234 x12', 'US', { kind: 'number', e164: '+15550101234', digits: '15550101234' }],
    [' 555-010-1234 ext. 7 ', 'US', { kind: 'number', e164: '+15550101234', digits: '15550101234' }],
    ['5550101234;ext=9', 'US', { kind: 'number', e164: '+15550101234', digits: '15550101234' }],
    ['1 (212) 555-0101', 'US', { kind: 'number', e164: '+12125550101', digits: '12125550101' }],
    ['+1 555 0101', 'US', { kind: 'number', e164: '+15550101', digits: '15550101' }],
    ['555.0101', 'US', { kind: 'number', e164: null, digits: '5550101' }],
    ['+44 (0)20 7946 0018', 'US', { kind: 'number', e164: '+442079460018', digits: '442079460018' }],
    ['011 44 20 7946 0018', 'US', { kind: 'number', e164: '+442079460018', digits: '442079460018' }],
    ['020 7946 0018', 'GB', { kind: 'number', e164: '+442079460018', digits: '442079460018' }],
    ['020 7946 0018', 'US', { kind: 'number', e164: null, digits: '02079460018' }],
    ['030 123456', 'DE', { kind: 'number', e164: '+4930123456', digits: '4930123456' }],
    ['2125550101', 'us', { kind: 'number', e164: '+12125550101', digits: '12125550101' }],
    ['2002', 'US', { kind: 'extension', extension: '2002' }],
    ['*97', 'US', { kind: 'extension', extension: '*97' }],
    ['20-02', 'US', { kind: 'extension', extension: '2002' }],
    ['call reception', 'US', { kind: 'none', why: 'has no digits' }],
    ['+12', 'US', { kind: 'none', why: 'is too short to be a phone number' }],
  ])('%j in %s', (text, region, expected) => {
    expect(parsePhoneText(text, region)).toEqual(expected);
  });

  it('keeps national numbers partial when the default region is unknown', () => {
    expect(parsePhoneText('(212) 555-0101', 'XX')).toEqual({ kind: 'number', e164: null, digits: '2125550101' });
    expect(parsePhoneText('+1 212 555 0101', 'XX')).toEqual({ kind: 'number', e164: '+12125550101', digits: '12125550101' });
  });

  it('knows regions case-insensitively', () => {
    expect(knownRegion(' de ')).toBe('DE');
    expect(knownRegion('XX')).toBeUndefined();
  });
});
