import { describe, expect, it } from 'vitest';
import {
  createShortcutGuard,
  HANGUP_AFTER_ANSWER_MS,
  SHORTCUT_DEBOUNCE_MS,
  shortcutCommand,
  type ShortcutAction,
  type ShortcutContext,
} from '../../../src-main/phone/call-shortcuts.js';

type Call = ShortcutContext['calls'][number];
const ringing: Call = { id: 'r1', state: 'ringing', muted: false, direction: 'incoming' };
const outgoingRinging: Call = { id: 'o1', state: 'ringing', muted: false, direction: 'outgoing' };
const active: Call = { id: 'a1', state: 'active', muted: false, direction: 'incoming' };
const mutedCall: Call = { ...active, muted: true };
const held: Call = { id: 'h1', state: 'held', muted: false, direction: 'outgoing' };
const dialing: Call = { id: 'd1', state: 'dialing', muted: false, direction: 'outgoing' };
const idle: ShortcutContext = { calls: [], focusMode: 'off', newestFollowUp: null };
const withCalls = (...calls: Call[]): ShortcutContext => ({ ...idle, calls });

describe('what a hotkey or the media key does', () => {
  it.each<[string, ShortcutAction, ShortcutContext, ReturnType<typeof shortcutCommand>]>([
    ['answer: the ringing call', 'answer', withCalls(ringing), { kind: 'phone', name: 'phone.answer', request: { callId: 'r1' } }],
    ['answer: a call waiting during another', 'answer', withCalls(active, ringing), { kind: 'phone', name: 'phone.answer', request: { callId: 'r1' } }],
    ['answer: not our own outgoing call', 'answer', withCalls(outgoingRinging), { kind: 'nothing', message: 'No call is ringing.' }],
    ['answer: nothing rings', 'answer', idle, { kind: 'nothing', message: 'No call is ringing.' }],
    ['hang up: the active call before a held one', 'hangup', withCalls(held, active), { kind: 'phone', name: 'phone.hangup', request: { callId: 'a1' } }],
    ['hang up: a call still dialling', 'hangup', withCalls(dialing), { kind: 'phone', name: 'phone.hangup', request: { callId: 'd1' } }],
    ['hang up: a held call when it is the only one', 'hangup', withCalls(held), { kind: 'phone', name: 'phone.hangup', request: { callId: 'h1' } }],
    ['hang up: never a ringing call', 'hangup', withCalls(ringing), { kind: 'nothing', message: 'There is no call to hang up.' }],
    ['mute: mutes the active call', 'mute', withCalls(active), { kind: 'phone', name: 'phone.mute', request: { callId: 'a1', muted: true } }],
    ['mute: unmutes a muted one', 'mute', withCalls(mutedCall), { kind: 'phone', name: 'phone.mute', request: { callId: 'a1', muted: false } }],
    ['mute: not a held call', 'mute', withCalls(held), { kind: 'nothing', message: 'There is no call to mute.' }],
    ['play/pause: answers a ringing call', 'playPause', withCalls(ringing), { kind: 'phone', name: 'phone.answer', request: { callId: 'r1' } }],
    ['play/pause: hangs up the current call', 'playPause', withCalls(active), { kind: 'phone', name: 'phone.hangup', request: { callId: 'a1' } }],
    ['play/pause: idle', 'playPause', idle, { kind: 'nothing', message: 'No call is ringing or up.' }],
    ['DND: on for an hour', 'toggleDnd', idle, { kind: 'focus', command: { kind: 'dnd-start', minutes: 60 } }],
    ['DND: on over ticket focus', 'toggleDnd', { ...idle, focusMode: 'ticket' }, { kind: 'focus', command: { kind: 'dnd-start', minutes: 60 } }],
    ['DND: off when on', 'toggleDnd', { ...idle, focusMode: 'dnd' }, { kind: 'focus', command: { kind: 'dnd-stop' } }],
    [
      'create ticket: the newest held-back call',
      'createTicket',
      { ...idle, newestFollowUp: { id: 'att-9', caller: 'Jane Doe' } },
      { kind: 'create-ticket', attemptId: 'att-9', caller: 'Jane Doe' },
    ],
    ['create ticket: none waiting', 'createTicket', idle, { kind: 'nothing', message: 'There is no held-back call to make a ticket of.' }],
  ])('%s', (_name, action, context, expected) => {
    expect(shortcutCommand(action, context)).toEqual(expected);
  });
});

describe('repeats and double taps of a stateless key', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('the same action again at once is one press; after a pause it is a new one', () => {
    const { now, advance } = clock();
    const guard = createShortcutGuard(now);
    const mute = shortcutCommand('mute', withCalls(active));
    expect(guard.allow('mute', mute)).toBe(true);
    advance(SHORTCUT_DEBOUNCE_MS - 1);
    expect(guard.allow('mute', mute)).toBe(false);
    advance(SHORTCUT_DEBOUNCE_MS);
    expect(guard.allow('mute', mute)).toBe(true);
  });

  it('Play/Pause pressed twice answers, and does not hang up the call it just answered', () => {
    const { now, advance } = clock();
    const guard = createShortcutGuard(now);
    expect(guard.allow('playPause', shortcutCommand('playPause', withCalls(ringing)))).toBe(true);
    advance(SHORTCUT_DEBOUNCE_MS + 100);
    const answeredCall: Call = { ...ringing, state: 'active' };
    expect(guard.allow('playPause', shortcutCommand('playPause', withCalls(answeredCall)))).toBe(false);
    expect(guard.allow('hangup', shortcutCommand('hangup', withCalls(answeredCall)))).toBe(false);
    advance(HANGUP_AFTER_ANSWER_MS);
    expect(guard.allow('hangup', shortcutCommand('hangup', withCalls(answeredCall)))).toBe(true);
  });

  it('hanging up another call right after answering is allowed', () => {
    const { now, advance } = clock();
    const guard = createShortcutGuard(now);
    expect(guard.allow('answer', shortcutCommand('answer', withCalls(active, ringing)))).toBe(true);
    advance(100);
    expect(guard.allow('hangup', shortcutCommand('hangup', withCalls(active, { ...ringing, state: 'held' })))).toBe(true);
  });
});
