import { z } from 'zod';
import { PsaError, type ConnectionReport } from '../psa.js';
import { RT_VENDOR, type RtClient } from './rt-client.js';
import { isSystemUser, tokenOwnerId } from './rt-mapping.js';
import { rtCoworkers, type RtCoworkers } from './rt-coworkers.js';
import { RtSystemSchema, RtTicketPageSchema, RtUserPageSchema, RtUserRecordSchema, type RtUserRecord } from './rt-schemas.js';

/**
 * "Test connection" for RT. Throws when nothing works (RT unreachable:
 * 'unavailable'; token refused: 'auth'; no REST2 at the URL: 'not-found' with
 * a hint about RT's path). Otherwise reports each check; a token that
 * works but can't read requesters' phone numbers is a warning, because
 * everything else works and caller matching silently finds nobody.
 */

type Check = ConnectionReport['checks'][number];

const ADMIN_USERS_HINT =
  "Ask your RT admin to grant this user (or its group) the AdminUsers right in Admin → Global → User Rights: RT shows other users' phone fields only with it.";

export async function testRtConnection(client: RtClient, token: string, signal: AbortSignal | undefined): Promise<ConnectionReport> {
  const checks: Check[] = [];
  const warnings: string[] = [];

  const version = await reachRt(client, signal);
  checks.push({ name: 'Reach RT', ok: true, detail: `Reached Request Tracker ${version} at ${client.baseUrl}` });
  checks.push({ name: 'Token accepted', ok: true, detail: 'RT accepted the auth token' });

  const me = await whoAmI(client, token, signal);
  let who: string | undefined;
  if (me) {
    who = me.RealName ? `${me.Name} (${me.RealName})` : me.Name;
    checks.push({ name: 'Signed in', ok: true, detail: `Signed in as ${who}` });
    if (String(me.Privileged ?? '1') === '0') {
      warnings.push(`${me.Name} is an unprivileged RT user: RT hides users and most ticket data from it. Ask your RT admin to make it privileged.`);
    }
  } else {
    checks.push({
      name: 'Signed in',
      ok: true,
      detail: "The token works, but it isn't in RT 5's usual form (1-<user id>-…), so Focusline can't tell whose it is",
    });
  }

  const search = await attempt(() => client.get('/tickets', { query: "Owner = '__CurrentUser__'", fields: 'Status', per_page: 1 }, RtTicketPageSchema, signal));
  checks.push(
    search.ok
      ? { name: 'Search tickets', ok: true, detail: `Can search tickets (${search.value.total ?? search.value.count} owned by ${me?.Name ?? 'this user'})` }
      : { name: 'Search tickets', ok: false, detail: `Can't search tickets: ${search.error.message}` },
  );

  const phones = await phoneFieldsReadable(client, me?.Name, signal);
  checks.push({ name: 'Read requester phone numbers', ok: phones.ok, detail: phones.detail });
  if (!phones.ok)
    warnings.push(`This token can't read requesters' phone numbers, so caller matching and the ticket contact's numbers won't work. ${ADMIN_USERS_HINT}`);

  const coworkers = await attempt(() => rtCoworkers(client, token, signal));
  const listed = coworkers.ok && coworkers.value.names.length > 0;
  checks.push({ name: 'List coworkers', ok: listed, detail: coworkersDetail(coworkers) });
  if (!coworkers.ok) warnings.push(`Coworkers can't be listed from RT: ${coworkers.error.message}`);
  else if (!listed)
    warnings.push(
      `${me?.Name ?? 'This user'} is in no RT group, so Focusline can't tell who your coworkers are. Ask your RT admin to put your team in a group (Admin → Groups).`,
    );

  return { ok: search.ok, who, checks, warnings };
}

async function reachRt(client: RtClient, signal: AbortSignal | undefined): Promise<string> {
  try {
    return (await client.get('/rt', {}, RtSystemSchema, signal)).Version;
  } catch (error) {
    if (!(error instanceof PsaError)) throw error;
    if (error.kind === 'not-found' || error.kind === 'malformed') {
      throw new PsaError(
        'not-found',
        `No Request Tracker REST 2 API at ${client.apiUrl} (${error.message}) Use the address you open RT at in the browser; when RT lives under a path (Debian's package uses /rt), include it, e.g. https://example.com/rt.`,
        { status: error.status, cause: error },
      );
    }
    if (error.kind === 'auth') {
      throw new PsaError(
        'auth',
        `${RT_VENDOR} refused the auth token (401). Create a new token in RT (Logged in as… → Settings → Auth Tokens) and paste it in Settings → PSA.`,
        {
          status: error.status,
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** REST2 has no /me: an RT 5 token names its owner's id. */
async function whoAmI(client: RtClient, token: string, signal: AbortSignal | undefined): Promise<RtUserRecord | null> {
  const id = tokenOwnerId(token);
  if (id === null) return null;
  const result = await attempt(() => client.get(`/user/${id}`, {}, RtUserRecordSchema, signal));
  return result.ok ? result.value : null;
}

/**
 * Without AdminUsers, GET /user/{other} is a summary (RT's
 * UserSummaryExtraInfo) and the phone fields are hidden even when stored;
 * the full record (with Disabled and Memberships) comes only with the right
 * that also shows the phone fields. Probed on a real user other than me.
 */
async function phoneFieldsReadable(client: RtClient, myName: string | undefined, signal: AbortSignal | undefined): Promise<{ ok: boolean; detail: string }> {
  const users = await attempt(() => client.get('/users', { fields: 'Name', per_page: 20, orderby: 'id' }, RtUserPageSchema, signal));
  if (!users.ok) return { ok: false, detail: `Can't list RT users: ${users.error.message}` };
  const other = users.value.items.find((u) => u.Name !== myName && !isSystemUser(u)) ?? users.value.items.find((u) => u.Name !== myName);
  if (!other) return { ok: true, detail: 'No other RT user to check phone fields on yet' };
  const record = await attempt(() => client.get(`/user/${encodeURIComponent(other.Name || other.id)}`, {}, z.looseObject({}), signal));
  if (!record.ok) return { ok: false, detail: `Can't read RT user ${other.Name}: ${record.error.message}` };
  const full = 'Disabled' in record.value || 'Memberships' in record.value;
  return full
    ? { ok: true, detail: "Can read requesters' phone numbers (WorkPhone, MobilePhone, HomePhone)" }
    : { ok: false, detail: `RT shows only ${other.Name}'s public fields to this token; phone numbers come back empty` };
}

function coworkersDetail(coworkers: Attempt<RtCoworkers>): string {
  if (!coworkers.ok) return `Can't list coworkers: ${coworkers.error.message}`;
  const { names, source, groupNames } = coworkers.value;
  if (names.length === 0) return 'Found no coworkers: this user is in no RT group';
  return source === 'privileged'
    ? `Can list RT's ${names.length} privileged users (coworkers)`
    : `Can list ${names.length} coworkers from your RT groups (${groupNames.join(', ')})`;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: PsaError };

/** A check that may fail without failing the test: only PsaErrors become a failed check; cancellation still cancels. */
async function attempt<T>(run: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (error instanceof PsaError && error.kind !== 'cancelled') return { ok: false, error };
    throw error;
  }
}
