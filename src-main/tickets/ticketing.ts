import type { Clock } from '../../src-shared/time/clock.js';
import type { FocusController } from '../focus/focus-controller.js';
import type { Outbox } from '../handoffs/outbox.js';
import type { DirectoryEntry } from '../focus/types.js';
import type { CallOnRecord } from '../calls/call-caller.js';
import type { CallerMatchView, PsaStatusView, TicketView } from '../ipc/contract.js';
import type { PolicyService } from '../policy/policy-service.js';
import type { Db } from '../storage/database.js';
import { ActiveTicketWatcher } from './active-ticket-watcher.js';
import { CallerIndex } from './caller-index.js';
import { DirectorySync, type SyncProgress } from './directory-sync.js';
import type { PsaConnection, PsaForm } from './psa-connection.js';
import type { CallerMatch, PsaAdapter, PsaTicket } from './psa.js';
import { screenPop } from './screen-pop.js';
import type { TicketDesk } from './ticket-desk.js';
import { messageOf } from '../../src-shared/errors.js';

/** The screen pop's hard bound: it runs beside ringing and never delays it, but a pop after 1.5 s is no use. */
export const SCREEN_POP_DEADLINE_MS = 1_500;
const POP_CACHE_SIZE = 200;

export type TicketingOptions = {
  db: Db;
  clock: Clock;
  policy: PolicyService;
  log: (message: string) => void;
  /** Which PSA is connected, and its adapter. */
  psa: PsaConnection;
  /** Every write to the PSA goes through it. */
  outbox: Outbox;
  /** The tickets Focusline knows and the ones it makes. */
  desk: TicketDesk;
  /** The PSA's active ticket drives Focus. */
  focus: FocusController;
};

/** What changed, for whoever shows it: the open tickets, the PSA's status, or its members (the coworker directory). */
export type TicketingChange = 'tickets' | 'psa' | 'members';

/**
 * Everything between Focusline and the connected PSA: following its active
 * ticket into Focus, the caller index and its sync, and the screen pop.
 */
export function createTicketing(options: TicketingOptions) {
  const { db, clock, policy, log, psa, outbox, desk, focus } = options;
  const values = () => policy.current().values;
  const listeners = new Set<(change: TicketingChange) => void>();
  const changed = (change: TicketingChange) => {
    for (const listener of listeners) listener(change);
  };
  let index = new CallerIndex(db, { defaultRegion: values()['numbers.defaultRegion'] });
  let indexRegion = values()['numbers.defaultRegion'];
  const pops = new Map<string, CallerMatch>();
  /** What is following the connected PSA now; replaced as a whole on every change. */
  let following: { adapter: PsaAdapter; key: string; watcher: ActiveTicketWatcher; sync: DirectorySync } | undefined;
  /** The PSA's last answer about the active ticket, kept across a reconnect to the same PSA so a manual Stop still holds. */
  let lastObserved: { key: string; observed: PsaTicket | null } | undefined;
  let syncProgress: SyncProgress[] = [];
  let coworkers: readonly DirectoryEntry[] = [];
  let pollFailing = false;
  let closed = false;
  /** Adapter changes are handled one at a time, in order; a newer one makes an older one moot. */
  let changes: Promise<void> = Promise.resolve();
  let generation = 0;

  // A handoff that got through after failing means the PSA is back: the rest need not wait out their backoff.
  outbox.onChange((h) => {
    if (h.state === 'sent' && h.attempts > 1) outbox.wake();
  });

  const refreshTickets = async () => {
    try {
      await desk.refreshOpen();
    } catch (error) {
      log(`Open tickets: ${messageOf(error)}`);
    }
    changed('tickets');
  };

  /** National numbers are stored normalised with the region: a new region means a re-read index. */
  const indexForCurrentRegion = () => {
    const region = values()['numbers.defaultRegion'];
    if (region !== indexRegion) {
      index = new CallerIndex(db, { defaultRegion: region });
      indexRegion = region;
    }
    return index;
  };

  const startFollowing = (adapter: PsaAdapter, key: string) => {
    const v = values();
    const current = indexForCurrentRegion();
    const watcher = new ActiveTicketWatcher({
      adapter,
      clock,
      pace: () => ({ baseMs: values()['psa.pollSeconds'] * 1000, maxMs: 300_000 }),
      ...(lastObserved?.key === key ? { initialObserved: lastObserved.observed } : {}),
      autoEngage: () => values()['focus.autoEngage'],
      focusedTicketId: () => focus.activeTicketId(),
      act: async (action) => {
        if (action.kind === 'engage') focus.engage(desk.fromPsa(action.ticket));
        else focus.stopTicket(action.ticketId);
        await refreshTickets();
      },
      onState: (state) => {
        if (state.observed !== undefined) lastObserved = { key, observed: state.observed };
        // The PSA answers again after failing: what waited in the outbox goes now, not at its next backoff step.
        if (state.lastError === null && pollFailing) outbox.wake();
        pollFailing = state.lastError !== null;
        changed('psa');
      },
      log,
    });
    const sync = new DirectorySync({ db, index: current, adapter, psaKey: key, clock, intervalMinutes: v['psa.syncMinutes'] });
    following = { adapter, key, watcher, sync };
    sync.onProgress((p) => {
      syncProgress = sync.progress();
      if (p.kind === 'members' && p.state === 'done') refreshMembers();
      changed('psa');
    });
    syncProgress = sync.progress();
    watcher.start();
    sync.start();
    void refreshTickets();
    outbox.wake();
  };

  const refreshMembers = () => {
    coworkers = (following ? index.members(following.key) : []).map((m) => ({ name: m.name, numbers: m.numbers }));
    changed('members');
  };

  const stopFollowing = async () => {
    const was = following;
    following = undefined;
    syncProgress = [];
    desk.forgetPsaTickets();
    pops.clear();
    if (!was) return;
    was.watcher.stop();
    await was.sync.stop();
  };

  const stopListening = psa.onAdapterChange((adapter, key) => {
    const mine = ++generation;
    changes = changes
      .then(async () => {
        await stopFollowing();
        if (closed || mine !== generation) return;
        if (adapter && key) startFollowing(adapter, key);
        refreshMembers();
        changed('tickets');
        changed('psa');
      })
      .catch((error: unknown) => log(`Switching PSA failed: ${messageOf(error)}`));
  });

  const status = (): Promise<PsaStatusView> =>
    psa.status({
      lastPollAt: following?.watcher.current.lastPollAt ? new Date(following.watcher.current.lastPollAt).toISOString() : null,
      pollError: following?.watcher.current.lastError ?? null,
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
    const adapter = following?.adapter;
    const key = following?.key;
    if (!adapter || !key) return localLookup(number, attemptId);
    const result = await screenPop(number, {
      index,
      psaKey: key,
      adapter,
      defaultRegion: values()['numbers.defaultRegion'],
      deadlineMs: SCREEN_POP_DEADLINE_MS,
      clock,
    });
    if (attemptId && result.person) remember(attemptId, result);
    return {
      number,
      person: result.person
        ? {
            id: result.person.id,
            kind: result.person.kind,
            name: result.person.name,
            company: result.person.company,
            numbers: result.person.numbers,
            ...(result.person.companyId ? { companyId: result.person.companyId } : {}),
          }
        : null,
      company: result.company,
      openTickets: result.openTickets.map(desk.fromPsa),
      via: result.via,
      timedOut: result.timedOut,
      ...(result.error ? { error: result.error } : {}),
    };
  };

  /** No PSA connected: the contacts on Focusline's own tickets name the caller (tickets/local/local-caller.ts). */
  const localMatch = (number: string): { match: CallerMatch; view: CallerMatchView } | null => {
    const found = desk.localCaller(number);
    if (found === null) return null;
    const match: CallerMatch = { person: found.person, company: found.company, openTickets: [] };
    const view: CallerMatchView = {
      number,
      person: found.person && {
        id: found.person.id,
        kind: found.person.kind,
        name: found.person.name,
        company: found.person.company,
        numbers: found.person.numbers,
      },
      company: found.company,
      openTickets: found.openTickets.map(desk.toTicketView),
      via: 'local',
      timedOut: false,
    };
    return { match, view };
  };

  const localLookup = (number: string, attemptId: string | undefined): CallerMatchView => {
    const nobody: CallerMatchView = { number, person: null, company: null, openTickets: [], via: 'none', timedOut: false };
    try {
      const found = localMatch(number);
      if (found === null) return desk.usesPsa() ? nobody : { ...nobody, via: 'local' };
      if (attemptId) remember(attemptId, found.match);
      return found.view;
    } catch (error) {
      // The pop is a nicety: a damaged ticket row must not cost the call its card.
      log(`Screen pop from Focusline's tickets: ${messageOf(error)}`);
      return nobody;
    }
  };

  const remember = (attemptId: string, match: CallerMatch) => {
    pops.set(attemptId, match);
    if (pops.size > POP_CACHE_SIZE) pops.delete(pops.keys().next().value as string);
  };

  /** The caller as last popped for this attempt, or a fresh lookup. */
  const callerOf = async (attempt: CallOnRecord): Promise<CallerMatch | null> => {
    const cached = pops.get(attempt.id);
    if (cached) return cached;
    if (attempt.callerNumber === null) return null;
    if (!following) return localMatch(attempt.callerNumber)?.match ?? null;
    await lookup(attempt.callerNumber, attempt.id);
    return pops.get(attempt.id) ?? null;
  };

  /** Who has this number, from local data only (the PSA's caller index, or the built-in tickets): for reports, never a PSA round trip. */
  const whoIs = (number: string): CallerMatch | null => {
    if (!following) return localMatch(number)?.match ?? null;
    const hit = index.lookup(following.key, number);
    if (!hit) return null;
    const { person } = hit;
    return { person, company: person.company ? { id: person.companyId, name: person.company } : null, openTickets: [] };
  };

  /**
   * The caller from the local index only: for logging every attempt, where a
   * live search per held call would invite the PSA's rate limit in a call storm.
   */
  const callerFromIndex = (attempt: CallOnRecord): CallerMatch | null => {
    const cached = pops.get(attempt.id);
    if (cached) return cached;
    return attempt.callerNumber === null ? null : whoIs(attempt.callerNumber);
  };

  return {
    psa,
    outbox,
    whoIs,
    desk,
    status,
    lookup,
    callerOf,
    callerFromIndex,
    /** The PSA's members with numbers, as directory entries for the coworker directory when policy asks (a new array only when the sync changed them). */
    coworkers: () => coworkers,
    onChange(listener: (change: TicketingChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listTickets: (): TicketView[] => desk.listOpen(),
    refresh: async () => {
      await following?.watcher.pollNow();
      await refreshTickets();
      return status();
    },
    /** Test connection on the form as typed; locked settings keep their enforced values. */
    test: (form: PsaForm) => psa.test(values(), form, (key) => policy.isLocked(key)),
    /**
     * Save the PSA form: every value checked and the locks respected before
     * anything is written, then all values in one write, then the secrets,
     * then one reconnect. Never half a form: one PSA's secret must not meet
     * another PSA's address.
     */
    save: async (form: PsaForm) => {
      const current = values() as Record<string, unknown>;
      const changed = ([['psa.kind', form.kind], ...Object.entries(form.values)] as [string, unknown][]).filter(
        ([key, value]) => JSON.stringify(current[key]) !== JSON.stringify(value),
      );
      if (changed.length > 0) await policy.setUserValues(changed);
      await psa.saveSecrets(form);
      await psa.apply(values());
      return status();
    },
    /** Policy or secrets changed: reconnect if the PSA's connection settings did. */
    apply: () => psa.apply(values()),
    async start() {
      await psa.apply(values());
      outbox.start();
    },
    async stop() {
      closed = true;
      stopListening();
      await changes;
      await stopFollowing();
      await outbox.stop();
    },
  };
}

export type Ticketing = ReturnType<typeof createTicketing>;
