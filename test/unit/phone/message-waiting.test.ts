import { describe, expect, it } from 'vitest';
import { parseMessageSummary } from '../../../src-main/phone/message-waiting.js';
import { toMwiView } from '../../../src-main/phone/mwi-subscription.js';

describe('parseMessageSummary (RFC 3842 simple-message-summary)', () => {
  it('reads the flag, the account and the voice counts with urgent ones', () => {
    const body = 'Messages-Waiting: yes\r\nMessage-Account: sip:tech2@127.0.0.1\r\nVoice-Message: 2/8 (1/0)\r\n';
    expect(parseMessageSummary(body)).toEqual({ waiting: true, account: 'sip:tech2@127.0.0.1', newCount: 2, oldCount: 8, urgentNew: 1, urgentOld: 0 });
  });

  it('takes header names in any case and tolerates spacing and bare LF line ends', () => {
    const body = 'messages-waiting:   YES\nVOICE-MESSAGE:3 / 4\n';
    expect(parseMessageSummary(body)).toEqual({ waiting: true, account: null, newCount: 3, oldCount: 4, urgentNew: 0, urgentOld: 0 });
  });

  it('treats a missing Voice-Message line as zero counts', () => {
    expect(parseMessageSummary('Messages-Waiting: no\r\n')).toEqual({ waiting: false, account: null, newCount: 0, oldCount: 0, urgentNew: 0, urgentOld: 0 });
  });

  it('ignores other message classes and optional message headers after the summary', () => {
    const body = [
      'Messages-Waiting: yes',
      'Message-Account: sip:alice@vmail.example.com',
      'Fax-Message: 1/0',
      'Voice-Message: 4/2 (1/0)',
      '',
      'To: <alice@atlanta.example.com>',
      'From: <bob@biloxi.example.com>',
      'Subject: carpool tomorrow?',
    ].join('\r\n');
    const summary = parseMessageSummary(body);
    expect(summary?.newCount).toBe(4);
    expect(summary?.oldCount).toBe(2);
    expect(summary?.account).toBe('sip:alice@vmail.example.com');
  });

  it('uses the first Voice-Message line when a PBX repeats it', () => {
    expect(parseMessageSummary('Messages-Waiting: yes\r\nVoice-Message: 1/1\r\nVoice-Message: 9/9\r\n')?.newCount).toBe(1);
  });

  it.each([
    ['an empty body', ''],
    ['no Messages-Waiting line', 'Voice-Message: 2/8\r\n'],
    ['a flag that is neither yes nor no', 'Messages-Waiting: maybe\r\nVoice-Message: 2/8\r\n'],
    ['unreadable counts', 'Messages-Waiting: yes\r\nVoice-Message: two/eight\r\n'],
    ['negative counts', 'Messages-Waiting: yes\r\nVoice-Message: -1/8\r\n'],
    ['counts with trailing junk', 'Messages-Waiting: yes\r\nVoice-Message: 2/8 (0/0) extra\r\n'],
    ['an XML body from another event package', '<?xml version="1.0"?><dialog-info/>'],
    ['an absurdly long body', `Messages-Waiting: yes\r\n${'X-Pad: y\r\n'.repeat(3000)}`],
  ])('returns null for %s', (_what, body) => {
    expect(parseMessageSummary(body)).toBeNull();
  });

  it('returns null, not a crash, for something that is not a string at all', () => {
    expect(parseMessageSummary(undefined as unknown as string)).toBeNull();
  });
});

describe('toMwiView (what the status bar shows)', () => {
  const summary = { waiting: true, account: null, newCount: 2, oldCount: 8, urgentNew: 0, urgentOld: 0 };

  it('shows the counts of a NOTIFY with the access number from policy', () => {
    expect(toMwiView({ state: 'active', summary }, '*97', null)).toEqual({ state: 'active', waiting: true, newCount: 2, oldCount: 8, accessNumber: '*97' });
  });

  it('keeps the last count while a fresh subscription waits for its first NOTIFY', () => {
    const previous = toMwiView({ state: 'active', summary }, '*97', null);
    expect(toMwiView({ state: 'pending' }, '*97', previous)).toMatchObject({ state: 'pending', newCount: 2 });
  });

  it('drops a stale count when the PBX refuses or ends the subscription', () => {
    const previous = toMwiView({ state: 'active', summary }, '*97', null);
    expect(toMwiView({ state: 'unavailable' }, '', previous)).toEqual({ state: 'unavailable', waiting: false, newCount: 0, oldCount: 0, accessNumber: '' });
  });
});
