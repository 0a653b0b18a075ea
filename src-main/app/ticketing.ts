import type { Clock } from '../focus/clock.js';
import type { FocusController } from '../focus/focus-controller.js';
import { toHandoffView } from '../handoffs/handoff-view.js';
import { Outbox } from '../handoffs/outbox.js';
import { psaHandoffSender } from '../handoffs/psa-handoff-sender.js';
import type { AttemptView, CallerMatchView, HandoffView, PsaStatusView, TicketView } from '../ipc/contract.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { Db } from '../storage/database.js';
import type { SecretStore } from '../storage/secret-store.js';
import { ActiveTicketWatcher } from '../tickets/active-ticket-watcher.js';
import { CallerIndex } from '../tickets/caller-index.js';
import { DirectorySync, type SyncProgress } from '../tickets/directory-sync.js';
import type { PsaAdapterDeps } from '../tickets/psa-config.js';
import type { createPsaAdapter } from '../tickets/psa-factory.js';
import { PsaConnection, type PsaForm } from '../tickets/psa-connection.js';
import type { CallerMatch, PsaPerson } from '../tickets/psa.js';
import { screenPop } from '../tickets/screen-pop.js';
import { createTicketDesk } from '../tickets/ticket-desk.js';

/** The screen pop's hard bound: it runs beside ringing and never delays it, but a pop after 1.5 s is no use. */
export const SCREEN_POP_DEADLINE_MS = 1_500;
const POP_CACHE_SIZE = 200;

export type TicketingOptions = {
  db: Db;
  clock: Clock;
  policy: PolicyService;
  secrets: SecretStore;
  log: (message: string) => void;
  psaDeps?: PsaAdapterDeps;
  createPsaAdapter?: typeof createPsaAdapter;
  focus: () => FocusController;
  /** Something the UI shows changed. */
  onTickets: () => void;
  onHandoffs: () => void;
  onPsa: () => void;
  /** The PSA's coworkers changed (sync finished): the caller directory must be rebuilt. */
  onMembers: () => void;
};

/**
 * Everything between Focusline and the tickets: which PSA is connected, the
 * durable outbox, the active-ticket watcher, the caller index and its sync,
 * and the screen pop. Built once by services.ts.
 */
export function createTicketing(options: TicketingOptions) {
  const { db, clock, policy, log } = options;
  const values = () => policy.current().values;
  const psa = new PsaConnection({
    secrets: options.secrets,
    clock,
    log,
    ...(options.psaDeps ? { deps: options.psaDeps } : {}),
    ...(options.createPsaAdapter ? { createAdapter: options.createPsaAdapter } : {}),
  });
  const outbox = new Outbox({ db, clock, sender: psaHandoffSender(() => psa.adapter()) });
  const desk = createTicketDesk({ db, clock, psa, outbox, settings: values, log });
  const index = new CallerIndex(db, { defaultRegion: values()['numbers.defaultRegion'] });
  const pops = new Map<string, CallerMatch>();
  let watcher: ActiveTicketWatcher | undefined;
  let sync: DirectorySync | undefined;
  let syncProgress: SyncProgress[] = [];
  let members: PsaPerson[] = [];
  let pollFailing = false;

  // A handoff that got through after failing means the PSA is back: the rest need not wait out their backoff.
  outbox.onChange((h) => {
    if (h.state === 'sent' && h.attempts > 1) outbox.wake();
  });

  const refreshTickets = async () => {
    try {
      await desk.refreshOpen();
    } catch (error) {
      log(`Open tickets: ${error instanceof Error ? error.message : String(error)}`);
    }
    options.onTickets();
  };

  const startFollowing = (instanceKey: string | null) => {
    const adapter = psa.adapter();
    if (!adapter || !instanceKey) return;
    const v = values();
    watcher = new ActiveTicketWatcher({
      adapter,
      clock,
      pace: { baseMs: v['psa.pollSeconds'] * 1000, maxMs: 300_000 },
      autoEngage: () => values()['focus.autoEngage'],
      focusedTicketId: () => options.focus().activeTicketId(),
      act: async (action) => {
        if (action.kind === 'engage') options.focus().engage(desk.fromPsa(action.ticket));
        else options.focus().stopTicket(action.ticketId);
        await refreshTickets();
      },
      onState: (state) => {
        // The PSA answers again after failing: what waited in the outbox goes now, not at its next backoff step.
        if (state.lastError === null && pollFailing) outbox.wake();
        pollFailing = state.lastError !== null;
        options.onPsa();
      },
      log,
    });
    watcher.start();
    sync = new DirectorySync({ db, index, adapter, psaKey: instanceKey, clock, intervalMinutes: v['psa.syncMinutes'] });
    sync.onProgress((p) => {
      syncProgress = sync?.progress() ?? [];
      if (p.kind === 'members' && p.state === 'done') refreshMembers();
      options.onPsa();
    });
    syncProgress = sync.progress();
    sync.start();
    refreshMembers();
    void refreshTickets();
    outbox.wake();
  };

  const refreshMembers = () => {
    const key = psa.instanceKey();
    members = key ? index.members(key) : [];
    options.onMembers();
  };

  const stopFollowing = async () => {
    watcher?.stop();
    watcher = undefined;
    const stopping = sync?.stop();
    sync = undefined;
    syncProgress = [];
    desk.forgetPsaTickets();
    pops.clear();
    await stopping;
  };

  psa.onAdapterChange((_adapter, instanceKey) => {
    void stopFollowing().then(() => {
      startFollowing(instanceKey);
      refreshMembers();
      options.onTickets();
      options.onPsa();
    });
  });

  const status = (): Promise<PsaStatusView> =>
    psa.status({
      lastPollAt: watcher?.current.lastPollAt ? new Date(watcher.current.lastPollAt).toISOString() : null,
      pollError: watcher?.current.lastError ?? null,
      sync: syncProgress.map((p) => ({
        kind: p.kind,
        state: p.state,
        itemsDone: p.itemsDone,
        total: p.total ?? null,
        error: p.error ?? null,
        finishedAt: p.finishedAt ? new Date(p.finishedAt).toISOString() : null,
      })),
    });

  /** Screen pop: who is calling. Never throws; bounded by SCREEN_POP_DEADLINE_MS. */
  const lookup = async (number: string, attemptId?: string): Promise<CallerMatchView> => {
    const adapter = psa.adapter();
    const key = psa.instanceKey();
    if (!adapter || !key) return { number, person: null, company: null, openTickets: [], via: 'none', timedOut: false };
    const result = await screenPop(number, { index, psaKey: key, adapter, defaultRegion: values()['numbers.defaultRegion'], deadlineMs: SCREEN_POP_DEADLINE_MS, clock });
    if (attemptId && result.person) remember(attemptId, result);
    return {
      number,
      person: result.person ? { id: result.person.id, kind: result.person.kind, name: result.person.name, company: result.person.company, numbers: result.person.numbers, ...(result.person.companyId ? { companyId: result.person.companyId } : {}) } : null,
      company: result.company,
      openTickets: result.openTickets.map(desk.fromPsa),
      via: result.via,
      timedOut: result.timedOut,
      ...(result.error ? { error: result.error } : {}),
    };
  };

  const remember = (attemptId: string, match: CallerMatch) => {
    pops.set(attemptId, match);
    if (pops.size > POP_CACHE_SIZE) pops.delete(pops.keys().next().value as string);
  };

  /** The caller as last popped for this attempt, or a fresh lookup. */
  const callerOf = async (attempt: AttemptView): Promise<CallerMatch | null> => {
    const cached = pops.get(attempt.id);
    if (cached) return cached;
    if (!psa.adapter() || attempt.callerNumber === 'Withheld number') return null;
    await lookup(attempt.callerNumber, attempt.id);
    return pops.get(attempt.id) ?? null;
  };

  return {
    psa,
    outbox,
    desk,
    index,
    status,
    lookup,
    callerOf,
    /** The PSA's members with numbers, for the coworker directory when policy asks. */
    members: () => members,
    handoffs: (): HandoffView[] => outbox.list().slice(-200).reverse().map(toHandoffView),
    listTickets: (): TicketView[] => desk.listOpen(),
    refresh: async () => {
      await watcher?.pollNow();
      await refreshTickets();
      return status();
    },
    test: (form: PsaForm) => psa.test(values(), form),
    save: async (form: PsaForm) => {
      await psa.saveSecrets(form);
      const current = values();
      const changes: [string, unknown][] = [['psa.kind', form.kind], ...Object.entries(form.values)];
      for (const [key, value] of changes) {
        if (JSON.stringify(current[key as keyof typeof current]) !== JSON.stringify(value)) await policy.setUserValue(key, value);
      }
      await psa.apply(values());
      return status();
    },
    /** Policy or secrets changed: reconnect if the PSA's settings did. */
    apply: () => psa.apply(values()),
    async start() {
      await psa.apply(values());
      outbox.start();
    },
    async stop() {
      await stopFollowing();
      await outbox.stop();
    },
  };
}

export type Ticketing = ReturnType<typeof createTicketing>;
