import type { HandoffView } from '../ipc/contract.js';
import type { Handoff } from './outbox.js';

type Loose = Record<string, unknown>;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** A handoff as the tech reads it in the list: what it is, where it stands, what to do. */
export function toHandoffView(h: Handoff): HandoffView {
  const p = (typeof h.payload === 'object' && h.payload !== null ? h.payload : {}) as Loose;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: h.id,
    kind: h.kind,
    state: h.state,
    title: titleOf(h.kind, p, h.ticketId),
    attempts: h.attempts,
    createdAt: new Date(h.createdAt).toISOString(),
    updatedAt: new Date(h.updatedAt).toISOString(),
    nextAttemptAt: iso(h.nextAttemptAt),
    lastError: h.lastError,
    ticketId: h.ticketId,
    url: h.url,
    attemptId: str(p['attemptId']) || null,
    summary: str(p['summary']),
    text: h.kind === 'create-ticket' ? str(p['description']) : str(p['text']),
    noteTicketId: h.kind === 'add-note' ? str(p['ticketId']) || null : null,
  };
}

function titleOf(kind: Handoff['kind'], p: Loose, ticketId: string | null): string {
  switch (kind) {
    case 'create-ticket':
      return `New ticket: ${str(p['summary'])}`;
    case 'add-note':
      return `Note on #${str(p['ticketId'])}`;
    case 'log-attempt': {
      const on = str(p['ticketId']) || ticketId;
      return `Call logged${on ? ` on #${on}` : ''}: ${str(p['callerName']) || str(p['callerNumber'])}`;
    }
    case 'escalate-ticket':
      return `Escalate #${str(p['ticketId'])}${typeof p['minutes'] === 'number' ? ` (${p['minutes']} min)` : ''}`;
  }
}
