import { createHash } from 'node:crypto';
import type { Clock } from '../../src-shared/time/clock.js';
import type { TicketSource } from '../focus/focus-controller.js';
import type { CreateTicketPayload, EscalateTicketPayload } from '../handoffs/handoff-payloads.js';
import type { EscalationReason } from '../../src-shared/vocabulary.js';
import { handoffKey, type Handoff, type Outbox } from '../handoffs/outbox.js';
import { shownNumber, type CallOnRecord } from '../calls/call-caller.js';
import type { TicketView } from '../ipc/contract.js';
import type { SettingsValues } from '../policy/schema.js';
import type { Db } from '../storage/database.js';
import { LocalCallerIndex, type LocalCaller } from './local/local-caller.js';
import { LocalTicketStore, type LocalTicket, type NewLocalTicket } from './local/local-ticket-store.js';
import type { PsaConnection } from './psa-connection.js';
import type { CallerMatch, PsaTicket } from './psa.js';
import { callerLabel } from './caller-label.js';
import { messageOf } from '../../src-shared/errors.js';

/** How long "Start work on #…" waits for the PSA before starting Focus with what it knows. */
const TICKET_FETCH_TIMEOUT_MS = 5_000;

export type TicketDeskOptions = {
  db: Db;
  clock: Clock;
  psa: PsaConnection;
  outbox: Outbox;
  settings: () => SettingsValues;
  log: (message: string) => void;
};

/** What "create ticket instead" or "add note" produced: a local ticket at once, or a PSA handoff on its way. */
export type DeskResult = { ticket: TicketView | null; handoff: Handoff | null };

/**
 * The tickets Focusline works with: the connected PSA's, or the embedded
 * local store when none is set up. Focus and the UI only talk to this desk,
 * so they never learn which one is in use. Every write to a PSA goes through
 * the durable outbox.
 */
export function createTicketDesk(options: TicketDeskOptions) {
  const { clock, psa, outbox } = options;
  const store = new LocalTicketStore(options.db);
  const now = () => clock.now().getTime();
  // The screen pop's number index, rebuilt only when a ticket was written or the region changed (local-caller.ts).
  let callers: { revision: number; region: string; index: LocalCallerIndex } | undefined;
  /** The PSA's open tickets as last fetched (the list, and Focus when the PSA is down). */
  let psaOpen: TicketView[] = [];
  const known = new Map<string, TicketView>();

  const fromPsa = (t: PsaTicket): TicketView => {
    const withCompany = options.settings()['psa.ringCompanyMainNumber'] ? [...t.contactNumbers, ...t.companyNumbers] : t.contactNumbers;
    const view: TicketView = {
      id: t.id,
      summary: t.summary,
      company: t.company,
      contactName: t.contactName,
      contactNumbers: withCompany,
      status: t.status,
      source: psa.kind,
      ...(t.url ? { url: t.url } : {}),
    };
    known.set(view.id, view);
    return view;
  };

  const source: TicketSource = {
    get: async (id) => {
      const adapter = psa.adapter();
      if (!adapter) {
        const t = store.get(id);
        return t ? toTicketView(t) : undefined;
      }
      try {
        const ticket = await adapter.getTicket(id, { signal: AbortSignal.timeout(TICKET_FETCH_TIMEOUT_MS) });
        return ticket ? fromPsa(ticket) : undefined;
      } catch (error) {
        // PSA state lags or the PSA is down: the tech's "start work" must still quiet the phone.
        options.log(`Ticket #${id}: ${messageOf(error)}; starting Focus with what is known.`);
        return known.get(id) ?? { id, summary: `Ticket #${id}`, company: '', contactName: '', contactNumbers: [], status: 'unknown', source: psa.kind };
      }
    },
    markWorking: (id, working) => {
      if (psa.adapter()) return; // the PSA's status is the tech's to set there
      const t = store.get(id);
      if (t && t.status !== 'closed') store.setStatus(id, working ? 'in-progress' : 'new', now());
    },
  };

  return {
    source,
    fromPsa,
    usesPsa: () => psa.adapter() !== null,
    listOpen: (): TicketView[] => (psa.adapter() ? psaOpen : store.listOpen().map(toTicketView)),
    /** Asks the PSA for the tech's open tickets; keeps the last list when it can't. */
    refreshOpen: async (): Promise<TicketView[]> => {
      const adapter = psa.adapter();
      if (!adapter) return store.listOpen().map(toTicketView);
      psaOpen = (await adapter.myOpenTickets({ signal: AbortSignal.timeout(TICKET_FETCH_TIMEOUT_MS) })).map(fromPsa);
      return psaOpen;
    },
    forgetPsaTickets: () => {
      psaOpen = [];
      known.clear();
    },
    create: (input: NewLocalTicket): TicketView => {
      if (psa.adapter())
        throw new Error(`New tickets are made in ${psa.kind.toUpperCase() === 'RT' ? 'RT' : 'your PSA'}; for a call, use "Create ticket instead".`);
      return toTicketView(store.create(input, now()));
    },
    /** "Create ticket instead": the call's details become the ticket, so nothing the caller said is lost. */
    createFromCall: (call: CallOnRecord, extra: CallTicketExtra, caller: CallerMatch | null): DeskResult => {
      // The PSA's name for the caller beats whatever display name their phone sent.
      const attempt = caller?.person ? { ...call, callerName: caller.person.name } : call;
      const text = callTicketText(attempt, extra);
      if (!psa.adapter()) {
        const ticket = store.create(
          {
            ...text,
            company: caller?.company?.name ?? '',
            contactName: caller?.person?.name ?? attempt.callerName,
            contactNumbers: attempt.callerNumber === null ? [] : [attempt.callerNumber],
            source: 'Phone',
          },
          now(),
        );
        return { ticket: toTicketView(ticket), handoff: null };
      }
      const payload: CreateTicketPayload = {
        ...text,
        callerNumber: shownNumber(attempt),
        callerName: caller?.person?.name ?? attempt.callerName,
        occurredAt: new Date(attempt.at).toISOString(),
        attemptId: attempt.id,
        ...(extra.voicemailId ? { voicemailId: extra.voicemailId } : {}),
        ...(caller?.person?.kind === 'contact' ? { contactId: caller.person.id } : {}),
        ...(caller?.company?.id ? { companyId: caller.company.id } : caller?.person?.companyId ? { companyId: caller.person.companyId } : {}),
      };
      return { ticket: null, handoff: outbox.enqueue({ kind: 'create-ticket', idempotencyKey: handoffKey('create-ticket', attempt.id), payload }) };
    },
    /** "Add note to ticket", from a call or by hand. */
    addNote: (ticketId: string, text: string, attempt: CallOnRecord | null): DeskResult => {
      const body = attempt ? `${text}\n\n${callLine(attempt)}` : text;
      if (!psa.adapter()) {
        store.addNote(ticketId, body, now());
        const t = store.get(ticketId);
        return { ticket: t ? toTicketView(t) : null, handoff: null };
      }
      // The same note twice (a double click) is one note; a different note about the same call is another.
      const key = handoffKey('add-note', `${attempt ? attempt.id : 'manual'}:${ticketId}:${createHash('sha256').update(body).digest('hex').slice(0, 16)}`);
      return {
        ticket: null,
        handoff: outbox.enqueue({
          kind: 'add-note',
          idempotencyKey: key,
          payload: { ticketId, text: body, internal: true, ...(attempt ? { attemptId: attempt.id } : {}) },
        }),
      };
    },
    /**
     * "Escalate the ticket" (the 15-minute rule). With a PSA (connected or not yet: the handoff
     * waits for it) a durable handoff sets what policy names for that PSA and adds the note;
     * with the built-in store the ticket is marked and the note added at once.
     */
    escalate: (request: EscalationInput): DeskResult => {
      const text = escalationText(request);
      if (psa.kind === 'local') {
        if (!store.get(request.ticketId)) throw new Error(`Ticket #${request.ticketId} isn't in Focusline's ticket list; pick one of your open tickets.`);
        return { ticket: toTicketView(store.escalate(request.ticketId, text, now())), handoff: null };
      }
      // One escalation per ticket per call, or per ticket per day of work on it: a double click, a replayed
      // command, or the card coming back after a restart (its "escalated" mark lives in memory) is the same
      // handoff, whatever the minutes count or the note say by then.
      const source = [request.ticketId, request.why, request.callId ?? new Date(now()).toISOString().slice(0, 10)];
      const payload: EscalateTicketPayload = {
        ticketId: request.ticketId,
        text,
        why: request.why,
        minutes: request.minutes,
        ...(request.callId ? { callId: request.callId } : {}),
        ...(request.attemptId ? { attemptId: request.attemptId } : {}),
      };
      return { ticket: null, handoff: outbox.enqueue({ kind: 'escalate-ticket', idempotencyKey: handoffKey('escalate-ticket', source.join(':')), payload }) };
    },
    localNotes: (ticketId: string) => store.notes(ticketId),
    /** With no PSA connected: the caller as the contacts on Focusline's own tickets name them (null when a PSA is connected, or nobody matches). */
    localCaller: (callerNumberText: string): LocalCaller | null => {
      if (psa.adapter()) return null;
      const region = options.settings()['numbers.defaultRegion'];
      if (callers === undefined || callers.revision !== store.revision || callers.region !== region) {
        callers = { revision: store.revision, region, index: new LocalCallerIndex(store.withContactNumbers(), region) };
      }
      return callers.index.find(callerNumberText);
    },
    toTicketView,
  };
}

export type TicketDesk = ReturnType<typeof createTicketDesk>;

export type EscalationInput = {
  ticketId: string;
  note: string;
  why: EscalationReason;
  minutes: number;
  callId?: string | undefined;
  attemptId?: string | undefined;
};

/** The escalation's note: the tech's words, then one line saying which rule fired and when. */
export function escalationText(request: Pick<EscalationInput, 'note' | 'why' | 'minutes'>): string {
  const rule =
    request.why === 'call'
      ? `Escalated by Focusline: the call about this ticket ran ${request.minutes} min, past the 15-minute rule.`
      : `Escalated by Focusline: ${request.minutes} min of work on this ticket without resolution (the 15-minute rule).`;
  return `${request.note.trim()}\n\n${rule}`;
}

export type CallTicketExtra = { summary?: string | undefined; notes: string; description?: string | undefined; voicemailId?: string | undefined };

function callLine(a: CallOnRecord): string {
  return `Call from ${callerLabel(a.callerName, shownNumber(a))} at ${new Date(a.at).toISOString().replace('T', ' ').slice(0, 16)} UTC. ${a.reason}`;
}

/** The summary "Call from <name/number> at <time>" and a description with the call's details, the decision's reason and the tech's notes. */
export function callTicketText(a: CallOnRecord, extra: CallTicketExtra): { summary: string; description: string } {
  const who = callerLabel(a.callerName, shownNumber(a));
  const at = new Date(a.at);
  const time = at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const details = [
    `Call from ${who} at ${time}.`,
    `Caller address: ${a.callerUri}`,
    `What Focusline did: ${a.reason}`,
    a.repeatCaller ? 'The caller had called several times in a short time.' : '',
    a.ticketId ? `The tech was working on ticket #${a.ticketId}.` : '',
    extra.notes ? `\nNotes:\n${extra.notes}` : '',
  ].filter(Boolean);
  return {
    summary:
      extra.summary?.trim() || `Call from ${a.callerName || shownNumber(a)} at ${at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`,
    description: extra.description?.trim() || details.join('\n'),
  };
}

function toTicketView(t: LocalTicket): TicketView {
  return { id: t.id, summary: t.summary, company: t.company, contactName: t.contactName, contactNumbers: t.contactNumbers, status: t.status, source: 'local' };
}
