import { describe, expect, it } from 'vitest';
import { summariseSuppressed, type DigestAttempt } from '../../../src-main/focus/focus-digest.js';

const redirect: DigestAttempt = { action: 'redirect', rule: 'focus' };
const voicemail: DigestAttempt = { action: 'voicemail', rule: 'focus' };

describe('summariseSuppressed', () => {
  it.each<[string, DigestAttempt[], string]>([
    ['no calls', [], 'While you were focused: no calls'],
    ['the example from the issue', [redirect, redirect, voicemail, redirect], 'While you were focused: 4 calls, 3 sent to the service manager, 1 voicemail'],
    ['one call', [voicemail], 'While you were focused: 1 call, 1 voicemail'],
    ['plural voicemails', [voicemail, { action: 'voicemail', rule: 'after-hours' }], 'While you were focused: 2 calls, 2 voicemails'],
    [
      'every kind, in a fixed order',
      [
        { action: 'ring', rule: 'coworker' },
        { action: 'silent', rule: 'dnd' },
        { action: 'reject', rule: 'focus' },
        { action: 'reject', rule: 'blocked' },
        voicemail,
        { action: 'redirect', rule: 'after-hours' },
        { action: 'redirect', rule: 'dnd' },
      ],
      'While you were focused: 7 calls, 1 sent to the service manager, 1 sent to the after-hours line, 1 voicemail, 1 blocked, 1 answered busy, 1 shown without ringing, 1 rang through',
    ],
  ])('%s', (_what, attempts, expected) => {
    expect(summariseSuppressed(attempts)).toBe(expected);
  });

  it('says a redirect was sent, never handled: after the 302 Focusline cannot know whether anyone answered', () => {
    const text = summariseSuppressed([redirect, { action: 'redirect', rule: 'dnd' }, { action: 'redirect', rule: 'after-hours' }]);
    expect(text).toBe('While you were focused: 3 calls, 2 sent to the service manager, 1 sent to the after-hours line');
    expect(text).not.toMatch(/handled/);
  });
});
