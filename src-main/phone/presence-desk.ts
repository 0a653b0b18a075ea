import { UserAgent } from 'sip.js';
import type { Clock } from '../../src-shared/time/clock.js';
import type { DirectoryEntry, FocusState } from '../focus/types.js';
import { coalesce } from '../ipc/coalesce.js';
import type { CallView, PresenceView } from '../ipc/contract.js';
import type { EventBus } from '../ipc/event-bus.js';
import type { CommandHandlers } from '../ipc/router.js';
import { parseAddress, sipKey } from '../numbers/sip-uri.js';
import type { SettingsValues } from '../policy/schema.js';
import { ownPresence } from './own-presence.js';
import { pidfDocument, type OwnPresence } from './presence-document.js';
import { PresencePublication } from './presence-publication.js';
import { PresenceWatch, type Watched } from './presence-watch.js';

export type PresenceDeskPorts = {
  clock: Clock;
  /** The effective settings; a new object whenever policy or the tech changed something. */
  settings(): SettingsValues;
  focusState(): FocusState;
  /** The calls on screen (the phone desk's view); read when `refresh()` is called. */
  calls(): readonly CallView[];
  bus: EventBus;
  log(message: string): void;
};

/** More than an office's worth of people is a mistake in the directory, not a team to watch. */
const MAX_WATCHED = 100;

/**
 * The phone room's presence desk (policy presence.enabled): follows the
 * phone's line (`line`, handed to the phone desk), publishes the tech's own
 * state whenever focus, the calls or policy change it, watches the coworkers
 * with a SIP address or extension in the directory and the service manager
 * (focus.redirectTarget), and tells the decision who is offline. Owns
 * `presence.get` and `presence.changed`.
 */
export function createPresenceDesk(ports: PresenceDeskPorts) {
  const push = coalesce(() => ports.bus.emit('presence.changed', view()));
  const watch = new PresenceWatch(
    () => {
      push.request();
      // The manager going offline or coming back changes where the tech's note says calls go.
      if (!refreshing) refresh();
    },
    (message) => ports.log(`Presence: ${message}`),
  );
  let ua: UserAgent | undefined;
  let publication: PresencePublication | undefined;
  let own: OwnPresence = { state: 'available', note: '' };
  let followedFrom: SettingsValues | undefined;
  let refreshing = false;
  const enabled = () => ports.settings()['presence.enabled'];

  function view(): PresenceView {
    const on = enabled();
    return {
      enabled: on,
      own: on && ua ? own : { state: 'unknown', note: '' },
      people: on
        ? watch
            .list()
            .slice(0, 200)
            .map(({ uri, name, role, state, note }) => ({ uri, name, role, state, note }))
        : [],
    };
  }

  /** Who to watch, from the settings (only when they changed: compiling is per policy change, not per call). */
  function follow(): void {
    const values = ports.settings();
    if (followedFrom === values) return;
    followedFrom = values;
    watch.follow(values['presence.enabled'] ? watchList(values) : []);
  }

  /** Recomputes the tech's own state and publishes it when it changed. */
  function refresh(): void {
    refreshing = true;
    try {
      publishOwn();
    } finally {
      refreshing = false;
    }
  }

  function publishOwn(): void {
    follow();
    const values = ports.settings();
    const next = ownPresence({
      now: ports.clock.now(),
      focus: ports.focusState(),
      calls: ports.calls(),
      focusAction: values['focus.action'],
      hasRedirectTarget: values['focus.redirectTarget'].trim() !== '',
      redirectTargetOffline: isOffline(values['focus.redirectTarget']),
      shareTicketSummary: values['presence.shareTicketSummary'],
    });
    if (next.state !== own.state || next.note !== own.note) {
      own = next;
      push.request();
    }
    if (!values['presence.enabled']) {
      void publication?.stop();
      publication = undefined;
      return;
    }
    if (!ua) return;
    const aor = UserAgent.makeURI(values['account.sipUri']);
    if (!aor) return;
    publication ??= new PresencePublication(ua, aor, (message) => ports.log(`Presence: ${message}`));
    publication.set(pidfDocument(aor.toString(), own));
  }

  const line = {
    lineUp: (next: UserAgent) => {
      if (ua !== next) {
        void publication?.stop();
        publication = undefined;
      }
      ua = next;
      follow();
      watch.lineUp(next);
      publication?.resume();
      refresh();
      push.request();
    },
    lineDown: async () => {
      const withdrawing = publication?.stop();
      publication = undefined;
      ua = undefined;
      watch.lineDown();
      push.request();
      await withdrawing;
    },
  };

  /** Policy changed: maybe other people to watch, presence switched on or off. */
  function settingsChanged(): void {
    refresh();
    push.request();
  }

  /** Whether presence says this SIP address is offline (false when unknown, or presence is off). */
  function isOffline(uri: string): boolean {
    const key = keyOf(uri);
    return enabled() && key !== undefined && watch.stateOf(key) === 'offline';
  }

  const handlers: Pick<CommandHandlers, 'presence.get'> = { 'presence.get': () => view() };

  return {
    handlers,
    line,
    refresh,
    settingsChanged,
    /** sipKey()s of the people whose presence says offline: the decision won't redirect to them. */
    offlineTargets(): ReadonlySet<string> {
      if (!enabled()) return EMPTY;
      return new Set(
        watch
          .list()
          .filter((p) => p.state === 'offline')
          .map((p) => p.key),
      );
    },
    /** Whether presence says this SIP address is offline (false when unknown, or presence is off). */
    isOffline,
    close() {
      push.cancel();
    },
  };
}

const EMPTY: ReadonlySet<string> = new Set();

export type PresenceDesk = ReturnType<typeof createPresenceDesk>;

/**
 * The people to watch: the service manager (the redirect target), then each
 * coworker by SIP address, or by extension at the account's own domain.
 * Each is subscribed to at the address as configured (`uri`): Kamailio
 * matches the presentity's URI case-sensitively, so "sip:Manager@pbx" must
 * stay as it is. The sipKey() (`key`) is only for finding them: one entry per
 * person, and the decision looks them up by the same spelling.
 */
export function watchList(values: SettingsValues): Watched[] {
  const own = keyOf(values['account.sipUri']);
  const account = UserAgent.makeURI(unwrapAddress(values['account.sipUri']));
  const domain = account ? `${account.host}${account.port ? `:${account.port}` : ''}` : '';
  const people = new Map<string, Watched>();
  const manager = watched(values['focus.redirectTarget'], 'Service manager', 'service-manager');
  if (manager && manager.key !== own) people.set(manager.key, manager);
  for (const entry of values['directory.coworkers']) {
    const person = coworker(entry, domain);
    if (!person || person.key === own) continue;
    const known = people.get(person.key);
    people.set(person.key, known ? { ...known, name: entry.name } : person);
  }
  return [...people.values()].slice(0, MAX_WATCHED);
}

function coworker(entry: DirectoryEntry, domain: string): Watched | undefined {
  for (const uri of entry.sipUris ?? []) {
    const person = watched(uri, entry.name, 'coworker');
    if (person) return person;
  }
  const extension = entry.extensions?.[0]?.trim();
  if (extension && domain && /^[\w.+-]+$/.test(extension)) return watched(`sip:${extension}@${domain}`, entry.name, 'coworker');
  return undefined;
}

function watched(configured: string, name: string, role: Watched['role']): Watched | undefined {
  const uri = unwrapAddress(configured);
  const key = keyOf(uri);
  return key && UserAgent.makeURI(uri) ? { uri, key, name, role } : undefined;
}

/** "Morgan <sip:Manager@pbx>" → "sip:Manager@pbx": the address itself, spelled as configured. */
function unwrapAddress(text: string): string {
  const bracketed = /<([^>]*)>/.exec(text);
  return (bracketed?.[1] ?? text).trim();
}

function keyOf(uri: string): string | undefined {
  const address = parseAddress(uri.trim());
  return address ? sipKey(address) : undefined;
}
