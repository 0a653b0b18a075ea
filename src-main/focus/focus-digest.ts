import type { FocusDecision } from './decide.js';

/**
 * The line the tech reads when focus ends: "While you were focused: 4 calls,
 * 3 sent to the service manager, 1 voicemail". The service passes the
 * call log's attempts for the FocusPeriod (focus-session.ts); calls that rang
 * through are counted too, so the total is every call that came in.
 */
export type DigestAttempt = { action: FocusDecision['action']; rule: string };

type Category = { matches: (a: DigestAttempt) => boolean; one: string; many: string };

// In the order the tech cares about: where the calls went first. A redirect is "sent", never "handled":
// after the 302 the PBX and the target take over, and Focusline can't know whether anyone answered.
const CATEGORIES: Category[] = [
  { matches: (a) => a.action === 'redirect' && a.rule !== 'after-hours', one: 'sent to the service manager', many: 'sent to the service manager' },
  { matches: (a) => a.action === 'redirect' && a.rule === 'after-hours', one: 'sent to the after-hours line', many: 'sent to the after-hours line' },
  { matches: (a) => a.action === 'voicemail', one: 'voicemail', many: 'voicemails' },
  { matches: (a) => a.action === 'reject' && a.rule === 'blocked', one: 'blocked', many: 'blocked' },
  { matches: (a) => a.action === 'reject' && a.rule !== 'blocked', one: 'answered busy', many: 'answered busy' },
  { matches: (a) => a.action === 'silent', one: 'shown without ringing', many: 'shown without ringing' },
  { matches: (a) => a.action === 'ring', one: 'rang through', many: 'rang through' },
];

export function summariseSuppressed(attempts: readonly DigestAttempt[]): string {
  if (attempts.length === 0) return 'While you were focused: no calls';
  const parts = [countOf(attempts.length, 'call', 'calls')];
  for (const category of CATEGORIES) {
    const n = attempts.filter(category.matches).length;
    if (n > 0) parts.push(countOf(n, category.one, category.many));
  }
  return `While you were focused: ${parts.join(', ')}`;
}

function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
