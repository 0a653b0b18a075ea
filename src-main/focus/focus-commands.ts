import { z } from 'zod';

/**
 * The focus commands that reach Focusline from outside the window: a
 * `focusline://…` link (a PSA button, a script) or web mode's local endpoint.
 * Both spell the same path, so one parser serves both.
 *
 *   ticket/<id>/start   start work on ticket <id>: Focus engages
 *   ticket/<id>/stop    stop work on ticket <id>: Focus releases
 *   dnd/start           do-not-disturb until turned off; ?minutes=30 or ?until=<ISO time> to expire by itself
 *                       (at most 24 hours ahead, like minutes: a link can't silence the phone for a week)
 *   dnd/stop            end do-not-disturb
 *   focus/stop          end whatever focus is on (ticket or DND), e.g. for a break
 */
export type FocusCommand =
  | { kind: 'ticket-start'; ticketId: string }
  | { kind: 'ticket-stop'; ticketId: string }
  | { kind: 'dnd-start'; minutes?: number; until?: Date }
  | { kind: 'dnd-stop' }
  | { kind: 'focus-stop' };

export type ParsedFocusCommand = { ok: true; command: FocusCommand } | { ok: false; message: string };

const TICKET_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const Minutes = z.coerce
  .number()
  .int()
  .min(1)
  .max(24 * 60);

/** The furthest ahead `until` may be, matching minutes' 1440. */
export const MAX_DND_AHEAD_MS = 24 * 60 * 60 * 1000;

export function parseFocusCommand(path: string, query: URLSearchParams = new URLSearchParams(), now: Date = new Date()): ParsedFocusCommand {
  const parts = path.split('/').filter((p) => p !== '');
  const [what, a, b] = parts;
  if (what === 'ticket' && parts.length === 3 && a && TICKET_ID.test(a) && (b === 'start' || b === 'stop')) {
    return { ok: true, command: { kind: b === 'start' ? 'ticket-start' : 'ticket-stop', ticketId: a } };
  }
  if (what === 'dnd' && parts.length === 2 && a === 'stop') return { ok: true, command: { kind: 'dnd-stop' } };
  if (what === 'dnd' && parts.length === 2 && a === 'start') return parseDndStart(query, now);
  if (what === 'focus' && parts.length === 2 && a === 'stop') return { ok: true, command: { kind: 'focus-stop' } };
  return { ok: false, message: `"${path}" is not a Focusline command. Use ticket/<id>/start, ticket/<id>/stop, dnd/start, dnd/stop or focus/stop.` };
}

function parseDndStart(query: URLSearchParams, now: Date): ParsedFocusCommand {
  const minutes = query.get('minutes');
  const until = query.get('until');
  if (minutes !== null && until !== null) return { ok: false, message: 'Give either minutes or until for do-not-disturb, not both.' };
  if (minutes !== null) {
    const parsed = Minutes.safeParse(minutes);
    if (!parsed.success) return { ok: false, message: `minutes must be a whole number from 1 to 1440, not "${minutes}".` };
    return { ok: true, command: { kind: 'dnd-start', minutes: parsed.data } };
  }
  if (until !== null) {
    const at = new Date(until);
    if (Number.isNaN(at.getTime())) return { ok: false, message: `until must be an ISO date and time, such as 2026-11-23T17:00:00Z, not "${until}".` };
    if (at.getTime() - now.getTime() > MAX_DND_AHEAD_MS)
      return { ok: false, message: `until may be at most 24 hours ahead (do-not-disturb longer than a day is turned on in Focusline itself), not "${until}".` };
    return { ok: true, command: { kind: 'dnd-start', until: at } };
  }
  return { ok: true, command: { kind: 'dnd-start' } };
}

/** `focusline://ticket/1042/start` → the command; the URL host is the first path segment. */
export function parseFocusLink(url: URL, now: Date = new Date()): ParsedFocusCommand {
  return parseFocusCommand(`${url.hostname}/${url.pathname}`, url.searchParams, now);
}
