import { parsePhoneText } from '../../../src-main/numbers/phone-number.js';
import {
  PsaError,
  type AttemptLogRequest,
  type CallerMatch,
  type CallOptions,
  type ConnectionReport,
  type EscalationRequest,
  type NewTicketRequest,
  type NoteRequest,
  type PsaAdapter,
  type PsaErrorKind,
  type PsaKind,
  type PsaPage,
  type PsaPerson,
  type PsaTicket,
  type WriteResult,
} from '../../../src-main/tickets/psa.js';

/**
 * An in-memory PSA for tests: people, tickets, paging, and scripted failures,
 * recording every call it gets (arguments and signal). Every answer is
 * asynchronous, like a real PSA's, and every call honours its signal.
 *
 *   const psa = new FakePsaAdapter({ contacts, pageSize: 2 });
 *   psa.failNext('listContacts', psaError('rate-limited', { retryAfterMs: 5_000 }));
 *   psa.failWhen('listContacts', (cursor) => cursor === 'offset:4', psaError('auth'));
 *   psa.hangNext('findCaller');            // never answers until its signal aborts
 *   psa.override('findCaller', async () => ({ person: null, company: null, openTickets: [] }));
 *   psa.pagesRequested('contacts')         // [null, 'offset:2', …]
 *
 * Paging: cursors are "offset:N" over the current `contacts` / `members`
 * arrays, so a test may change them between passes (delete someone, add someone).
 */

type Methods = Omit<PsaAdapter, 'kind' | 'label' | 'acceptsAttachments'>;
export type FakeMethod = keyof Methods;

export type FakeCall = { method: FakeMethod; args: readonly unknown[]; signal: AbortSignal | undefined };

type Args<M extends FakeMethod> = Parameters<Methods[M]>;
type Result<M extends FakeMethod> = Awaited<ReturnType<Methods[M]>>;

type Behaviour = { kind: 'fail'; error: Error } | { kind: 'hang' } | { kind: 'delay'; ms: number };
type Rule = { method: FakeMethod; when: (args: readonly unknown[]) => boolean; behaviour: Behaviour; remaining: number };

export type FakePsaOptions = {
  kind?: PsaKind;
  label?: string;
  contacts?: PsaPerson[];
  members?: PsaPerson[];
  /** Page size of listContacts / listMembers. Default 100. */
  pageSize?: number;
  /** Say the total in every page (progress bars). Default true. */
  reportTotal?: boolean;
  tickets?: PsaTicket[];
  /** The ticket activeTicket() answers (by id). */
  activeTicketId?: string | null;
  /** Region for findCaller's number comparison. Default 'US'. */
  defaultRegion?: string;
};

const CLOSED = /^(closed|resolved|completed|cancelled|rejected)$/i;

/** A PsaError, with a default message, for failure injection. */
export function psaError(kind: PsaErrorKind, details: { message?: string; retryAfterMs?: number; status?: number } = {}): PsaError {
  return new PsaError(kind, details.message ?? `Fake PSA failure (${kind}).`, { retryAfterMs: details.retryAfterMs, status: details.status });
}

/** A contact (or, with kind 'member', a coworker) for fixtures. */
export function person(id: string, numbers: string[], extra: Partial<PsaPerson> = {}): PsaPerson {
  return { id, kind: 'contact', name: `Person ${id}`, company: 'Acme', companyId: 'acme', numbers, ...extra };
}

export function ticket(id: string, extra: Partial<PsaTicket> = {}): PsaTicket {
  return {
    id,
    summary: `Ticket ${id}`,
    status: 'New',
    company: 'Acme',
    companyId: 'acme',
    contactName: 'Person',
    contactNumbers: [],
    companyNumbers: [],
    ...extra,
  };
}

export class FakePsaAdapter implements PsaAdapter {
  readonly kind: PsaKind;
  readonly label: string;
  contacts: PsaPerson[];
  members: PsaPerson[];
  tickets: PsaTicket[];
  activeTicketId: string | null;
  pageSize: number;
  reportTotal: boolean;
  readonly calls: FakeCall[] = [];
  readonly notes: NoteRequest[] = [];
  readonly attempts: AttemptLogRequest[] = [];
  readonly escalations: EscalationRequest[] = [];
  /** Idempotency: ref → ticket id of what createTicket made. */
  readonly createdByRef = new Map<string, string>();

  private readonly region: string;
  private readonly rules: Rule[] = [];
  private readonly overrides = new Map<FakeMethod, (...args: never[]) => unknown>();
  private readonly callWaiters: { method: FakeMethod; count: number; resolve: () => void }[] = [];
  private nextTicketId = 5000;

  constructor(options: FakePsaOptions = {}) {
    this.kind = options.kind ?? 'local';
    this.label = options.label ?? 'Fake PSA';
    this.contacts = options.contacts ?? [];
    this.members = options.members ?? [];
    this.tickets = options.tickets ?? [];
    this.activeTicketId = options.activeTicketId ?? null;
    this.pageSize = options.pageSize ?? 100;
    this.reportTotal = options.reportTotal ?? true;
    this.region = options.defaultRegion ?? 'US';
  }

  // ---- failure injection -------------------------------------------------

  /** The next `times` calls of `method` fail with `error`. */
  failNext(method: FakeMethod, error: Error, times = 1): this {
    return this.addRule(method, () => true, { kind: 'fail', error }, times);
  }

  /** Every call of `method` fails until clearFailures(). */
  failAlways(method: FakeMethod, error: Error): this {
    return this.addRule(method, () => true, { kind: 'fail', error }, Infinity);
  }

  /** Calls of `method` whose arguments satisfy `when` fail (at most `times` of them). */
  failWhen<M extends FakeMethod>(method: M, when: (...args: Args<M>) => boolean, error: Error, times = Infinity): this {
    return this.addRule(method, (args) => when(...(args as Args<M>)), { kind: 'fail', error }, times);
  }

  /** The next `times` calls never answer; they reject with PsaError('cancelled') when their signal aborts. */
  hangNext(method: FakeMethod, times = 1): this {
    return this.addRule(method, () => true, { kind: 'hang' }, times);
  }

  hangWhen<M extends FakeMethod>(method: M, when: (...args: Args<M>) => boolean, times = Infinity): this {
    return this.addRule(method, (args) => when(...(args as Args<M>)), { kind: 'hang' }, times);
  }

  /** The next `times` calls answer after `ms` of real time (cancellable by their signal). */
  delayNext(method: FakeMethod, ms: number, times = 1): this {
    return this.addRule(method, () => true, { kind: 'delay', ms }, times);
  }

  /** Answers `method` with `impl` instead of the in-memory behaviour (failure rules still apply first). */
  override<M extends FakeMethod>(method: M, impl: (...args: Args<M>) => Promise<Result<M>>): this {
    this.overrides.set(method, impl as (...args: never[]) => unknown);
    return this;
  }

  clearFailures(): this {
    this.rules.length = 0;
    return this;
  }

  // ---- call recording ----------------------------------------------------

  callsTo(method: FakeMethod): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The cursors listContacts / listMembers were called with, in order. */
  pagesRequested(kind: 'contacts' | 'members'): (string | null)[] {
    return this.callsTo(kind === 'contacts' ? 'listContacts' : 'listMembers').map((c) => c.args[0] as string | null);
  }

  /** Resolves once `method` has been called `count` times in all (at once if it already has). */
  waitForCalls(method: FakeMethod, count = 1): Promise<void> {
    if (this.callsTo(method).length >= count) return Promise.resolve();
    return new Promise((resolve) => this.callWaiters.push({ method, count, resolve }));
  }

  // ---- PsaAdapter ----------------------------------------------------------

  testConnection(options?: CallOptions): Promise<ConnectionReport> {
    return this.run('testConnection', [options], options, () => ({
      ok: true,
      who: 'fake (Fake User)',
      checks: [{ name: 'Signed in', ok: true, detail: 'Signed in as fake' }],
      warnings: [],
    }));
  }

  activeTicket(options?: CallOptions): Promise<PsaTicket | null> {
    return this.run('activeTicket', [options], options, () => this.tickets.find((t) => t.id === this.activeTicketId) ?? null);
  }

  getTicket(id: string, options?: CallOptions): Promise<PsaTicket | null> {
    return this.run('getTicket', [id, options], options, () => this.tickets.find((t) => t.id === id) ?? null);
  }

  myOpenTickets(options?: CallOptions): Promise<PsaTicket[]> {
    return this.run('myOpenTickets', [options], options, () => this.openTickets().slice(0, 200));
  }

  /** Like a PSA's `like %last7%` search: contacts first, then members; the company's open tickets. */
  findCaller(digits: string, options?: CallOptions): Promise<CallerMatch> {
    return this.run('findCaller', [digits, options], options, () => {
      const tail = digits.replace(/\D/g, '').slice(-7);
      const found = tail.length < 7 ? undefined : [...this.contacts, ...this.members].find((p) => p.numbers.some((n) => this.digitsOf(n).endsWith(tail)));
      if (found === undefined) return { person: null, company: null, openTickets: [] };
      const openTickets = found.companyId === undefined ? [] : this.openTicketsOf(found.companyId);
      return { person: found, company: { id: found.companyId, name: found.company }, openTickets };
    });
  }

  openTicketsForCompany(companyId: string, options?: CallOptions): Promise<PsaTicket[]> {
    return this.run('openTicketsForCompany', [companyId, options], options, () => this.openTicketsOf(companyId));
  }

  createTicket(request: NewTicketRequest, options?: CallOptions): Promise<WriteResult & { ticketId: string }> {
    return this.run('createTicket', [request, options], options, () => {
      const existing = this.createdByRef.get(request.ref);
      if (existing !== undefined) return { ticketId: existing, url: this.urlOf(existing) };
      const id = String(this.nextTicketId++);
      this.tickets.push(
        ticket(id, {
          summary: request.summary,
          companyId: request.companyId,
          contactId: request.contactId,
          contactName: request.callerName,
          contactNumbers: [request.callerNumber],
        }),
      );
      this.createdByRef.set(request.ref, id);
      return { ticketId: id, url: this.urlOf(id) };
    });
  }

  addNote(request: NoteRequest, options?: CallOptions): Promise<WriteResult> {
    return this.run('addNote', [request, options], options, () => {
      if (!this.notes.some((n) => n.ref === request.ref)) this.notes.push(request);
      return { ticketId: request.ticketId, url: this.urlOf(request.ticketId) };
    });
  }

  logAttempt(request: AttemptLogRequest, options?: CallOptions): Promise<WriteResult> {
    return this.run('logAttempt', [request, options], options, () => {
      if (!this.attempts.some((a) => a.ref === request.ref)) this.attempts.push(request);
      return { ticketId: request.ticketId };
    });
  }

  escalateTicket(request: EscalationRequest, options?: CallOptions): Promise<WriteResult & { ticketId: string }> {
    return this.run('escalateTicket', [request, options], options, () => {
      if (!this.escalations.some((e) => e.ref === request.ref)) this.escalations.push(request);
      return { ticketId: request.ticketId, url: this.urlOf(request.ticketId) };
    });
  }

  listContacts(cursor: string | null, options?: CallOptions): Promise<PsaPage<PsaPerson>> {
    return this.run('listContacts', [cursor, options], options, () => this.page(this.contacts, cursor));
  }

  listMembers(cursor: string | null, options?: CallOptions): Promise<PsaPage<PsaPerson>> {
    return this.run('listMembers', [cursor, options], options, () => this.page(this.members, cursor));
  }

  // ---- internals -----------------------------------------------------------

  private addRule(method: FakeMethod, when: Rule['when'], behaviour: Behaviour, times: number): this {
    this.rules.push({ method, when, behaviour, remaining: times });
    return this;
  }

  private async run<M extends FakeMethod>(method: M, args: readonly unknown[], options: CallOptions | undefined, impl: () => Result<M>): Promise<Result<M>> {
    const signal = options?.signal;
    this.calls.push({ method, args, signal });
    // Decided when the call is made, so "the next call hangs" holds even if it is aborted at once.
    const behaviour = this.takeBehaviour(method, args);
    this.notifyWaiters();
    await Promise.resolve();
    throwIfAborted(signal);
    if (behaviour?.kind === 'fail') throw behaviour.error;
    if (behaviour?.kind === 'hang') return hang<Result<M>>(signal);
    if (behaviour?.kind === 'delay') await sleep(behaviour.ms, signal);
    const custom = this.overrides.get(method);
    if (custom !== undefined) return (await (custom as (...a: readonly unknown[]) => Promise<Result<M>>)(...args)) as Result<M>;
    return impl();
  }

  private takeBehaviour(method: FakeMethod, args: readonly unknown[]): Behaviour | undefined {
    const rule = this.rules.find((r) => r.method === method && r.remaining > 0 && r.when(args));
    if (rule === undefined) return undefined;
    rule.remaining -= 1;
    return rule.behaviour;
  }

  private notifyWaiters(): void {
    for (let i = this.callWaiters.length - 1; i >= 0; i--) {
      const waiter = this.callWaiters[i];
      if (waiter !== undefined && this.callsTo(waiter.method).length >= waiter.count) {
        this.callWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private page(people: PsaPerson[], cursor: string | null): PsaPage<PsaPerson> {
    const offset = cursor === null ? 0 : Number(/^offset:(\d+)$/.exec(cursor)?.[1] ?? NaN);
    if (!Number.isInteger(offset)) throw new PsaError('invalid-request', `Fake PSA: unknown cursor ${cursor}`);
    const end = offset + this.pageSize;
    const items = people.slice(offset, end).map((p) => ({ ...p, numbers: [...p.numbers] }));
    return { items, next: end < people.length ? `offset:${end}` : null, total: this.reportTotal ? people.length : undefined };
  }

  private openTickets(): PsaTicket[] {
    return [...this.tickets].reverse().filter((t) => !CLOSED.test(t.status));
  }

  private openTicketsOf(companyId: string): PsaTicket[] {
    return this.openTickets()
      .filter((t) => t.companyId === companyId)
      .slice(0, 10);
  }

  private digitsOf(text: string): string {
    const parsed = parsePhoneText(text, this.region);
    return parsed.kind === 'number' ? parsed.digits : '';
  }

  private urlOf(id: string): string {
    return `https://psa.example.test/tickets/${id}`;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PsaError('cancelled', 'Fake PSA: the call was cancelled.');
}

function hang<T>(signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((_, reject) => {
    signal?.addEventListener('abort', () => reject(new PsaError('cancelled', 'Fake PSA: the call was cancelled.')), { once: true });
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new PsaError('cancelled', 'Fake PSA: the call was cancelled.'));
      },
      { once: true },
    );
  });
}
