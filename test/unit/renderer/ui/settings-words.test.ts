import { describe, expect, it } from 'vitest';
import { qualityDetails, qualityOf } from '../../../../src-renderer/ui/call-quality.js';
import { dialKeyOf, shortcutOf, SHORTCUTS } from '../../../../src-renderer/ui/keyboard-shortcuts.js';
import { entryWords, hoursWords } from '../../../../src-renderer/ui/reach-words.js';

const nine = { start: '09:00', end: '17:00' };

describe('who can reach you, in words', () => {
  it('joins weekdays with the same hours and keeps the rest apart', () => {
    expect(hoursWords({ mon: [nine], tue: [nine], wed: [nine], thu: [nine], fri: [nine], sat: [{ start: '09:00', end: '12:00' }] })).toBe(
      'Mon–Fri 09:00–17:00; Sat 09:00–12:00',
    );
    expect(hoursWords({ mon: [nine], wed: [nine] })).toBe('Mon 09:00–17:00; Wed 09:00–17:00');
    expect(hoursWords(null)).toBeNull();
    expect(hoursWords({})).toBe('Closed every day');
  });

  it('names a coworker with how they call', () => {
    expect(entryWords({ name: 'Sam Okafor', extensions: ['2002'], numbers: ['+1 312 555 0100'] })).toBe('Sam Okafor (ext. 2002, +1 312 555 0100)');
    expect(entryWords({ name: 'Contoso Dental' })).toBe('Contoso Dental');
  });
});

describe('call quality in a word', () => {
  const stats = (packetsIn: number, packetsLost: number, jitterMs: number) => ({ packetsIn, packetsOut: packetsIn, packetsLost, jitterMs, energyIn: 0 });
  it.each([
    [stats(1000, 0, 5), 'good'],
    [stats(1000, 20, 5), 'fair'],
    [stats(1000, 0, 45), 'fair'],
    [stats(1000, 80, 5), 'poor'],
    [stats(1000, 0, 90), 'poor'],
    [stats(0, 0, 0), 'waiting'],
  ] as const)('%o is %s', (s, quality) => {
    expect(qualityOf(s)).toBe(quality);
  });

  it('keeps the counters for the hover text', () => {
    expect(qualityDetails(stats(990, 10, 12))).toBe('990 packets in, 990 out, 10 lost (1.0 %), jitter 12 ms');
  });
});

describe('keyboard shortcuts', () => {
  const press = (key: string, code: string, mods: Partial<Record<'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey', boolean>> = {}) => ({
    key,
    code,
    altKey: false,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    ...mods,
  });

  it('matches Alt+letter on the physical key, whatever character the layout makes', () => {
    expect(shortcutOf(press('å', 'KeyA', { altKey: true }))).toBe('answer');
    expect(shortcutOf(press('h', 'KeyH', { altKey: true }))).toBe('hangup');
    expect(shortcutOf(press('a', 'KeyA'))).toBeNull();
    expect(shortcutOf(press('a', 'KeyA', { altKey: true, ctrlKey: true }))).toBeNull();
  });

  it('gives each shortcut its own key', () => {
    expect(new Set(SHORTCUTS.map((s) => s.code)).size).toBe(SHORTCUTS.length);
  });

  it('takes digits, *, # and + for the dial pad, never with a modifier', () => {
    expect(['1', '*', '#', '+', 'a'].map((k) => dialKeyOf(press(k, '')))).toEqual(['1', '*', '#', '+', null]);
    expect(dialKeyOf(press('1', 'Digit1', { ctrlKey: true }))).toBeNull();
  });
});
