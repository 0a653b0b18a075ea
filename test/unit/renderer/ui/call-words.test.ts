import { describe, expect, it } from 'vitest';
import type { AttemptView } from '../../../../src-main/ipc/contract.js';
import { addressOf, callsCount, whatHappened } from '../../../../src-renderer/ui/call-words.js';

type Fields = Pick<AttemptView, 'action' | 'rule' | 'target' | 'ticketId' | 'missed'>;
const base: Fields = { action: 'redirect', rule: 'focus', target: 'sip:sam@pbx.example.com', ticketId: '1001', missed: false };
const sam = (target: string) => (addressOf(target) === 'sam@pbx.example.com' ? 'Sam' : null);

const cases: Array<[string, Partial<Fields>, string]> = [
  ['redirected while focused, the manager known by name', {}, 'Sent to Sam (service manager) while you worked on #1001'],
  [
    'redirected to an unknown manager during DND',
    { rule: 'dnd', target: 'sip:oncall@pbx', ticketId: null },
    'Sent to the service manager during do not disturb',
  ],
  ['after hours', { rule: 'after-hours', target: 'sip:night@pbx', ticketId: null }, 'Sent to the after-hours line outside business hours'],
  ['voicemail', { action: 'voicemail' }, 'Sent to voicemail while you worked on #1001'],
  ['busy', { action: 'reject', rule: 'dnd' }, 'Given a busy signal during do not disturb'],
  ['blocked', { action: 'reject', rule: 'blocked' }, 'Turned away: the number is blocked'],
  ['held back silently', { action: 'silent' }, 'Shown without ringing while you worked on #1001'],
  ['rang and nobody answered', { action: 'ring', rule: 'ring', missed: true }, 'Rang, not answered'],
];

describe('what became of a call, in plain words', () => {
  it.each(cases)('%s', (_name, patch, words) => {
    expect(whatHappened({ ...base, ...patch }, sam)).toBe(words);
  });

  it('never says "Suppressed" or "Missed" for a held-back call', () => {
    for (const [, patch] of cases) expect(whatHappened({ ...base, ...patch }, sam)).not.toMatch(/Suppressed|Missed/);
  });

  it('compares addresses without scheme, port or parameters', () => {
    expect(addressOf('<sip:Sam@PBX.example.com:5060;transport=ws>')).toBe('sam@pbx.example.com');
  });

  it('counts calls', () => {
    expect([callsCount(1), callsCount(3)]).toEqual(['1 call', '3 calls']);
  });
});
