import { describe, expect, it } from 'vitest';
import { createFocusLinkPrompts, describeFocusCommand, MAX_PENDING_PROMPTS, PROMPT_TTL_MS } from '../../../../src-main/app/focus-link-prompts.js';

function prompts() {
  let now = 1_000_000;
  let n = 0;
  const store = createFocusLinkPrompts({ now: () => now, newId: () => `p${++n}` });
  return { store, advance: (ms: number) => (now += ms) };
}

describe('focusline:// links wait for the tech', () => {
  it('says what the link would do', () => {
    expect(describeFocusCommand({ kind: 'ticket-start', ticketId: '1042' })).toBe('Start focus on ticket 1042');
    expect(describeFocusCommand({ kind: 'dnd-start', minutes: 30 })).toBe('Turn on do-not-disturb for 30 minutes');
    // The tech's own clock, not UTC: a tech at UTC-5 must not read 22:00 for a DND that ends at 17:00 their time.
    const until = new Date('2026-11-23T17:00:00Z');
    const local = until.toLocaleString('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit' });
    expect(describeFocusCommand({ kind: 'dnd-start', until })).toBe(`Turn on do-not-disturb until ${local}`);
    expect(describeFocusCommand({ kind: 'dnd-start', until })).not.toContain('UTC');
    expect(describeFocusCommand({ kind: 'dnd-start' })).toBe('Turn on do-not-disturb until you turn it off');
  });

  it('runs a command once, on its id, and forgets a refused one', () => {
    const { store } = prompts();
    const a = store.offer({ kind: 'dnd-start', minutes: 30 });
    const b = store.offer({ kind: 'focus-stop' });
    expect(a).toEqual({ id: 'p1', summary: 'Turn on do-not-disturb for 30 minutes' });
    expect(store.take('p1')).toEqual({ kind: 'dnd-start', minutes: 30 });
    expect(store.take('p1')).toBeNull();
    store.drop(b?.id ?? '');
    expect(store.take(b?.id ?? '')).toBeNull();
    expect(store.take('made-up')).toBeNull();
  });

  it('refuses more than a few at a time, and forgets old ones', () => {
    const { store, advance } = prompts();
    for (let i = 0; i < MAX_PENDING_PROMPTS; i++) expect(store.offer({ kind: 'dnd-stop' })).not.toBeNull();
    expect(store.offer({ kind: 'dnd-stop' })).toBeNull();
    advance(PROMPT_TTL_MS + 1);
    expect(store.take('p1')).toBeNull();
    expect(store.offer({ kind: 'dnd-stop' })).not.toBeNull();
  });
});
