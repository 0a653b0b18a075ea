import { describe, expect, it } from 'vitest';
import { parseFocusCommand, parseFocusLink } from '../../../src-main/focus/focus-commands.js';

describe('focus commands (focusline:// links and the local endpoint)', () => {
  it.each([
    ['focusline://ticket/1042/start', { kind: 'ticket-start', ticketId: '1042' }],
    ['focusline://ticket/T-77.b/stop', { kind: 'ticket-stop', ticketId: 'T-77.b' }],
    ['focusline://dnd/start', { kind: 'dnd-start' }],
    ['focusline://dnd/start?minutes=30', { kind: 'dnd-start', minutes: 30 }],
    ['focusline://dnd/stop', { kind: 'dnd-stop' }],
    ['focusline://focus/stop', { kind: 'focus-stop' }],
  ])('%s', (link, command) => {
    expect(parseFocusLink(new URL(link))).toEqual({ ok: true, command });
  });

  it('takes an until time', () => {
    const r = parseFocusCommand('/dnd/start', new URLSearchParams('until=2026-11-23T17:00:00Z'));
    expect(r).toEqual({ ok: true, command: { kind: 'dnd-start', until: new Date('2026-11-23T17:00:00Z') } });
  });

  it.each([
    ['/ticket/1042', /not a Focusline command/],
    ['/ticket/../start', /not a Focusline command/],
    ['/ticket/1042/delete', /not a Focusline command/],
    ['/shell/rm', /not a Focusline command/],
  ])('refuses %s', (path, message) => {
    const r = parseFocusCommand(path);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('refuses an until more than 24 hours ahead, as minutes stops at 1440', () => {
    const now = new Date('2026-11-23T08:00:00Z');
    expect(parseFocusCommand('/dnd/start', new URLSearchParams('until=2026-11-24T08:00:00Z'), now)).toEqual({
      ok: true,
      command: { kind: 'dnd-start', until: new Date('2026-11-24T08:00:00Z') },
    });
    const far = parseFocusLink(new URL('focusline://dnd/start?until=2026-11-24T08:00:01Z'), now);
    expect(far.ok).toBe(false);
    if (!far.ok) expect(far.message).toMatch(/at most 24 hours ahead/);
    expect(parseFocusCommand('/dnd/start', new URLSearchParams('until=2099-01-01T00:00:00Z'), now).ok).toBe(false);
  });

  it('explains bad durations', () => {
    const r = parseFocusCommand('/dnd/start', new URLSearchParams('minutes=forever'));
    expect(r).toEqual({ ok: false, message: 'minutes must be a whole number from 1 to 1440, not "forever".' });
    expect(parseFocusCommand('/dnd/start', new URLSearchParams('minutes=5&until=2026-01-01T00:00:00Z')).ok).toBe(false);
  });
});
