import type { Clock } from '../../src-shared/time/clock.js';
import type { EscalationPrompt, EscalationView } from '../ipc/contract.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { CommandHandlers } from '../ipc/router.js';
import type { SettingsValues } from '../policy/schema.js';
import { callKey, escalationDue, ticketKey, type EscalationDue, type TimedCall } from './escalation-due.js';
import { ticketLabel } from './ticket-label.js';
import type { DirectoryEntry, FocusState } from './types.js';

type Settings = Pick<SettingsValues, 'focus.escalateAfterMinutes' | 'focus.redirectTarget' | 'directory.coworkers' | 'psa.coworkersFromPsa'>;

export type EscalationDeskPorts = {
  clock: Clock;
  settings: () => Settings;
  /** Focus as it stands (ticket focus's `since` starts the work session). */
  focusState: () => FocusState;
  /** main's calls (the phone's view): answered ones are timed from answeredAt. */
  calls: () => readonly TimedCall[];
  /** The PSA's members as coworkers, used when policy psa.coworkersFromPsa says so. */
  psaCoworkers: () => readonly DirectoryEntry[];
  bus: Pick<EventBus, 'emit'>;
};

type Handlers = Pick<CommandHandlers, 'focus.getEscalation' | 'focus.snoozeEscalation' | 'focus.markEscalated'>;

const MINUTE_MS = 60_000;
const MAX_COWORKERS = 500;

/**
 * The 15-minute rule in main: times the work session on the active ticket
 * and each answered call with the injected Clock (one timer, at the next due
 * time), pushes `focus.escalation` when the prompt appears, changes or goes,
 * and tells onDue listeners (the Electron shell's OS notification) once each
 * time a prompt becomes due. "Not yet" and "acted on" are kept per subject
 * while its work session or call lasts, in memory: a restart forgets them.
 * escalation-due.ts holds the rules; services.ts calls refresh() when focus,
 * the phone or policy change.
 */
export function createEscalationDesk(ports: EscalationDeskPorts) {
  const { clock } = ports;
  const snoozedUntil = new Map<string, Date>();
  const actedOn = new Set<string>();
  const dueListeners = new Set<(prompt: EscalationPrompt) => void>();
  let cancelTimer: (() => void) | undefined;
  let lastPushed = '';
  let lastNotified = '';
  let closed = false;
  let current: EscalationView = toView({ prompt: null, nextAt: null }, ports.settings(), []);

  function refresh(): EscalationView {
    if (closed) return current;
    const settings = ports.settings();
    const focus = ports.focusState();
    const calls = ports.calls();
    forgetEnded(focus, calls);
    const due = escalationDue({ now: clock.now(), afterMinutes: settings['focus.escalateAfterMinutes'], focus, calls, snoozedUntil, actedOn });
    current = toView(due, settings, ports.psaCoworkers());
    arm(due.nextAt);
    const pushed = JSON.stringify(current);
    if (pushed !== lastPushed) {
      lastPushed = pushed;
      ports.bus.emit('focus.escalation', current);
    }
    const prompt = current.prompt;
    const notified = prompt ? `${prompt.key}@${prompt.dueAt}` : '';
    if (prompt && notified !== lastNotified) for (const listener of [...dueListeners]) listener(prompt);
    lastNotified = notified;
    return current;
  }

  /** Snoozes and "acted on" last while their subject does: a new work session or call starts clean. */
  function forgetEnded(focus: FocusState, calls: readonly TimedCall[]): void {
    const ticket = focus.mode === 'ticket' ? focus.ticket : focus.mode === 'dnd' ? focus.resumeTicket : undefined;
    const present = new Set(calls.map((c) => callKey(c.id)));
    if (ticket) present.add(ticketKey(ticket.id));
    for (const key of [...snoozedUntil.keys()]) if (!present.has(key)) snoozedUntil.delete(key);
    for (const key of [...actedOn]) if (!present.has(key)) actedOn.delete(key);
  }

  function arm(at: Date | null): void {
    cancelTimer?.();
    cancelTimer = at ? clock.setTimer(at, () => refresh()) : undefined;
  }

  /** "Not yet" (and "Ask a coworker"): the prompt comes back after another afterMinutes. */
  function snooze(key: string): EscalationView {
    const minutes = ports.settings()['focus.escalateAfterMinutes'];
    if (minutes > 0) snoozedUntil.set(key, new Date(clock.now().getTime() + minutes * MINUTE_MS));
    return refresh();
  }

  /** Acted on (escalated, transferred): `key`, and the escalated ticket's work session, won't prompt again. */
  function markEscalated(key: string, ticketId?: string): EscalationView {
    for (const k of ticketId === undefined ? [key] : [key, ticketKey(ticketId)]) {
      actedOn.add(k);
      snoozedUntil.delete(k);
    }
    return refresh();
  }

  const handlers: Handlers = {
    'focus.getEscalation': () => current,
    'focus.snoozeEscalation': ({ key }) => snooze(key),
    'focus.markEscalated': ({ key, ticketId }) => markEscalated(key, ticketId),
  };

  refresh();
  return {
    handlers,
    refresh,
    snooze,
    markEscalated,
    view: () => current,
    /**
     * A prompt became due (once each time): the shell shows an OS notification.
     * A prompt already due when the listener comes (a restart after 15 minutes
     * of work) is told at once.
     */
    onDue(listener: (prompt: EscalationPrompt) => void): () => void {
      dueListeners.add(listener);
      if (current.prompt) listener(current.prompt);
      return () => dueListeners.delete(listener);
    },
    close(): void {
      closed = true;
      cancelTimer?.();
      cancelTimer = undefined;
      dueListeners.clear();
    },
  };
}

export type EscalationDesk = ReturnType<typeof createEscalationDesk>;

/** The OS notification's words for a prompt that became due. */
export function escalationNotice(prompt: EscalationPrompt): { title: string; body: string } {
  const minutes = `${prompt.minutes} minutes`;
  if (prompt.why === 'call') {
    const who = prompt.call ? prompt.call.remoteName || prompt.call.remoteUri : 'this caller';
    return { title: `${minutes} on the call with ${who}`, body: 'Stuck? Ask a coworker, escalate, or transfer to the service manager.' };
  }
  const ticket = prompt.ticket ? ticketLabel(prompt.ticket) : 'this ticket';
  return { title: `${minutes} on ${ticket}`, body: 'Stuck? Ask a coworker or escalate the ticket (the 15-minute rule).' };
}

function toView(due: EscalationDue, settings: Settings, psaCoworkers: readonly DirectoryEntry[]): EscalationView {
  const prompt = due.prompt;
  return {
    afterMinutes: settings['focus.escalateAfterMinutes'],
    prompt: prompt && {
      key: prompt.key,
      why: prompt.why,
      startedAt: prompt.startedAt.toISOString(),
      dueAt: prompt.dueAt.toISOString(),
      minutes: prompt.minutes,
      ticket: prompt.ticket && { ...prompt.ticket, status: 'in-progress' },
      call: prompt.call && { id: prompt.call.id, direction: prompt.call.direction, remoteUri: prompt.call.remoteUri, remoteName: prompt.call.remoteName },
    },
    coworkers: coworkersOf([...settings['directory.coworkers'], ...(settings['psa.coworkersFromPsa'] ? psaCoworkers : [])]),
    serviceManager: settings['focus.redirectTarget'],
  };
}

/** Whom to call: each coworker's SIP URI, else extension, else number; each target once. */
function coworkersOf(entries: readonly DirectoryEntry[]): EscalationView['coworkers'] {
  const seen = new Set<string>();
  const out: EscalationView['coworkers'] = [];
  for (const entry of entries) {
    const target = (entry.sipUris?.[0] ?? entry.extensions?.[0] ?? entry.numbers?.[0] ?? '').trim();
    if (target === '' || seen.has(target) || out.length >= MAX_COWORKERS) continue;
    seen.add(target);
    out.push({ name: entry.name.slice(0, 256), target: target.slice(0, 512) });
  }
  return out;
}
