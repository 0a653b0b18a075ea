import { describe, expect, it } from 'vitest';
import { parseCallCommand } from '../../../src-main/phone/call-commands.js';

const q = (s = '') => new URLSearchParams(s);

describe('call commands for scripts (local endpoint)', () => {
  it.each([
    ['calls/abc@host/answer', '', { kind: 'answer', callId: 'abc@host' }],
    ['calls/abc/hangup', '', { kind: 'hangup', callId: 'abc' }],
    ['calls/abc/hold', '', { kind: 'hold', callId: 'abc' }],
    ['calls/abc/resume', '', { kind: 'resume', callId: 'abc' }],
    ['calls/a%20b/resume', '', { kind: 'resume', callId: 'a b' }],
    ['calls/dial', 'to=2002', { kind: 'dial', to: '2002' }],
    ['calls/dial', 'to=%2B1%20555%200100', { kind: 'dial', to: '+1 555 0100' }],
    ['calls/abc/transfer', 'to=2002', { kind: 'transfer', callId: 'abc', mode: 'blind', to: '2002' }],
    ['calls/abc/transfer', 'to=2002&mode=warm', { kind: 'transfer', callId: 'abc', mode: 'warm', to: '2002' }],
    ['calls/abc/transfer', 'mode=merge', { kind: 'transfer', callId: 'abc', mode: 'merge' }],
    ['calls/abc/transfer', 'to=2002&mode=leave', { kind: 'transfer', callId: 'abc', mode: 'leave', to: '2002' }],
  ])('%s?%s', (path, query, command) => {
    expect(parseCallCommand(path, q(query))).toEqual({ ok: true, command });
  });

  it.each([
    ['calls/dial', '', /^Say whom to call/],
    ['calls/dial', `to=${'1'.repeat(513)}`, /longer than 512/],
    ['calls/abc/transfer', '', /^Say where to transfer the call/],
    ['calls/abc/transfer', 'to=2002&mode=park', /mode=park is not a transfer mode: use blind, warm, merge or leave/],
    ['calls/abc/transfer', `to=${'1'.repeat(513)}`, /longer than 512/],
    ['calls/abc/park', '', /answer, hangup, hold, resume or transfer/],
    ['calls/abc', '', /answer, hangup, hold, resume or transfer/],
    ['calls', '', /answer, hangup, hold, resume or transfer/],
    ['focus/stop', '', /is not a call command/],
  ])('refuses %s?%s, saying why', (path, query, message) => {
    const parsed = parseCallCommand(path, q(query));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
