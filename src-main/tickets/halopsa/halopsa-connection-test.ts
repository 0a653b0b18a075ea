import type { HaloConfig } from '../psa-config.js';
import { PsaError, type ConnectionReport } from '../psa.js';
import { HALO_VENDOR, haloId, phoneFieldsHidden, resolveNamed, siteBase, workingStatusIds } from './halopsa-mapping.js';
import type { HaloAgent, HaloNamed, HaloUser } from './halopsa-schemas.js';
import { messageOf } from '../../../src-shared/errors.js';

/**
 * "Test connection" for HaloPSA: each step the adapter relies on, as a named
 * check whose failure says what to fix. Reaching Halo and signing in come
 * first; when either fails the rest would only repeat the same error, so they
 * are not run.
 */

export type ConnectionProbe = {
  config: HaloConfig;
  signIn: (signal?: AbortSignal) => Promise<void>;
  whoAmI: (signal?: AbortSignal) => Promise<HaloAgent>;
  readTickets: (signal?: AbortSignal) => Promise<unknown>;
  readUsers: (signal?: AbortSignal) => Promise<{ users: HaloUser[] }>;
  statuses: (signal?: AbortSignal) => Promise<HaloNamed[]>;
  ticketTypes: (signal?: AbortSignal) => Promise<HaloNamed[]>;
  client: (id: number, signal?: AbortSignal) => Promise<{ name?: string | null | undefined }>;
};

type Check = ConnectionReport['checks'][number];

/** Failures of the first request that mean "not HaloPSA at that address" rather than "wrong credentials". */
const UNREACHABLE: ReadonlySet<PsaError['kind']> = new Set(['unavailable', 'timeout', 'malformed', 'not-found', 'cancelled']);

export async function runConnectionTest(probe: ConnectionProbe, signal?: AbortSignal): Promise<ConnectionReport> {
  const checks: Check[] = [];
  const warnings: string[] = [];
  const host = hostOf(probe.config.url);
  const report = (who?: string): ConnectionReport => ({ ok: checks.every((c) => c.ok), who, checks, warnings });

  try {
    await probe.signIn(signal);
    checks.push({ name: `Reach ${HALO_VENDOR}`, ok: true, detail: `${HALO_VENDOR} answers at ${host}.` });
    checks.push({ name: 'Credentials accepted', ok: true, detail: 'The client id and secret got an access token.' });
  } catch (error) {
    const reason = messageOf(error);
    if (error instanceof PsaError && UNREACHABLE.has(error.kind)) checks.push({ name: `Reach ${HALO_VENDOR}`, ok: false, detail: reason });
    else {
      checks.push({ name: `Reach ${HALO_VENDOR}`, ok: true, detail: `${HALO_VENDOR} answers at ${host}.` });
      checks.push({ name: 'Credentials accepted', ok: false, detail: reason });
    }
    return report();
  }

  let who: string | undefined;
  try {
    const me = await probe.whoAmI(signal);
    const name = me.name?.trim() || `agent ${me.id}`;
    who = me.email ? `${name} (${me.email})` : name;
    const how = probe.config.agent?.trim() ? 'the agent set in Settings → PSA' : 'the agent this API application acts as (Agent/me)';
    checks.push({ name: 'Who am I', ok: true, detail: `Focusline follows ${who}, ${how}: their tickets are "mine".` });
  } catch (error) {
    checks.push({ name: 'Who am I', ok: false, detail: messageOf(error) });
    return report();
  }

  await step(checks, 'Can read tickets', 'Can read tickets.', () => probe.readTickets(signal));
  await step(checks, 'Can read contact phone numbers', 'Can read contacts and their phone numbers.', async () => {
    const { users } = await probe.readUsers(signal);
    const first = users[0];
    if (first && phoneFieldsHidden(first)) {
      warnings.push(
        `${HALO_VENDOR} returns contacts without phone numbers to this API application, so callers can't be named. Give its agent permission to see users' contact details.`,
      );
    }
  });
  await step(checks, 'Working statuses', 'The working statuses exist in Halo.', async () => {
    const { ids, unknown } = workingStatusIds(await probe.statuses(signal), probe.config.workingStatuses);
    if (unknown.length > 0 && ids.length === 0) {
      throw new Error(
        `None of the working statuses (${quoteAll(unknown)}) is a HaloPSA ticket status, so no ticket will ever count as active. Fix the working statuses in policy.`,
      );
    }
    if (unknown.length > 0) warnings.push(`${HALO_VENDOR} has no ticket status ${quoteAll(unknown)}; those working statuses are ignored.`);
  });
  await step(checks, 'Can create tickets', 'Ticket type and catch-all client are set up (creating itself is only tried by a real call).', async () => {
    await checkTicketType(probe, signal);
    await checkCatchAll(probe, warnings, signal);
  });
  return report(who);
}

async function checkTicketType(probe: ConnectionProbe, signal?: AbortSignal): Promise<void> {
  const queue = probe.config.queue.trim();
  if (queue === '') return;
  const types = await probe.ticketTypes(signal);
  if (resolveNamed(types, queue) === undefined) {
    throw new Error(
      `${HALO_VENDOR} has no ticket type "${queue}" (the queue in policy). Known ticket types: ${
        types
          .map((t) => t.name)
          .slice(0, 10)
          .join(', ') || 'none visible'
      }.`,
    );
  }
}

async function checkCatchAll(probe: ConnectionProbe, warnings: string[], signal?: AbortSignal): Promise<void> {
  const catchAll = probe.config.unknownCallerCompany.trim();
  if (catchAll === '') {
    warnings.push('No catch-all client is set in policy: calls from unknown numbers cannot become HaloPSA tickets.');
    return;
  }
  const id = haloId(catchAll);
  if (id === undefined) throw new Error(`The catch-all client "${catchAll}" must be a HaloPSA client id (a number).`);
  try {
    await probe.client(id, signal);
  } catch (error) {
    if (error instanceof PsaError && error.kind === 'not-found')
      throw new Error(`${HALO_VENDOR} has no client with id ${id} (the catch-all client in policy).`, { cause: error });
    throw error;
  }
}

async function step(checks: Check[], name: string, okDetail: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
    checks.push({ name, ok: true, detail: okDetail });
  } catch (error) {
    checks.push({ name, ok: false, detail: messageOf(error) });
  }
}

function quoteAll(names: string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

function hostOf(url: string): string {
  try {
    return new URL(siteBase(url)).host;
  } catch {
    return url;
  }
}
