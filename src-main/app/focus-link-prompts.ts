import type { FocusCommand } from '../focus/focus-commands.js';

/**
 * focusline:// links waiting for the tech's yes (issue #13). Any web page or
 * email can fire such a link, and now that the scheme is registered it
 * reaches Focusline without a click in Focusline: "do not disturb until
 * tomorrow" from a stranger's page must not go quietly into effect. Unless
 * policy's links.trusted says otherwise, main keeps the command here and the
 * window asks; the window can only answer by id, so nothing but a command a
 * link actually carried can be run this way.
 *
 * Bounded: a few prompts at a time (a flood of links is refused, not
 * queued), each forgotten after PROMPT_TTL_MS.
 */

export const MAX_PENDING_PROMPTS = 3;
export const PROMPT_TTL_MS = 5 * 60 * 1000;

export type FocusLinkPrompt = { id: string; summary: string };

/** What the command does, in the words the prompt uses. */
export function describeFocusCommand(command: FocusCommand): string {
  switch (command.kind) {
    case 'ticket-start':
      return `Start focus on ticket ${command.ticketId}`;
    case 'ticket-stop':
      return `Stop focus on ticket ${command.ticketId}`;
    case 'dnd-start':
      if (command.minutes !== undefined) return `Turn on do-not-disturb for ${command.minutes} minutes`;
      if (command.until !== undefined) return `Turn on do-not-disturb until ${localTime(command.until)}`;
      return 'Turn on do-not-disturb until you turn it off';
    case 'dnd-stop':
      return 'Turn off do-not-disturb';
    case 'focus-stop':
      return 'End focus and do-not-disturb';
  }
}

/** "Mon 14:00": the tech's own clock (main runs on the tech's machine, in their time zone). */
function localTime(at: Date): string {
  return at.toLocaleString('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

export function createFocusLinkPrompts(deps: { now: () => number; newId: () => string }) {
  const pending = new Map<string, { command: FocusCommand; at: number }>();
  const forgetOld = () => {
    const now = deps.now();
    for (const [id, entry] of pending) if (now - entry.at > PROMPT_TTL_MS) pending.delete(id);
  };
  return {
    /** Keeps the command and returns the prompt to show, or null when too many already wait. */
    offer(command: FocusCommand): FocusLinkPrompt | null {
      forgetOld();
      if (pending.size >= MAX_PENDING_PROMPTS) return null;
      const id = deps.newId();
      pending.set(id, { command, at: deps.now() });
      return { id, summary: describeFocusCommand(command) };
    },
    /** The command the tech said yes to, once; null when unknown, already answered or expired. */
    take(id: string): FocusCommand | null {
      forgetOld();
      const entry = pending.get(id);
      pending.delete(id);
      return entry?.command ?? null;
    },
    /** The tech said no. */
    drop(id: string): void {
      pending.delete(id);
    },
  };
}

export type FocusLinkPrompts = ReturnType<typeof createFocusLinkPrompts>;
