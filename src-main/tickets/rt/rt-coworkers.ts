import { PsaError } from '../psa.js';
import type { RtClient } from './rt-client.js';
import { tokenOwnerId } from './rt-mapping.js';
import { RtGroupPageSchema, RtGroupSchema, RtOwnGroupsSchema, RtPrivilegedSchema } from './rt-schemas.js';

/**
 * Who a technician's coworkers are in Request Tracker, by names of RT users.
 *
 * Where REST2 shows RT's Privileged system group (RT 5 before the fix for
 * CVE-2026-108353), its members are RT's own people. RT with that fix
 * (Debian's 5.0.3+dfsg-3~deb12u7, and upstream since) serves only
 * user-defined groups over REST2: POST /groups ignores Domain and adds
 * Domain = 'UserDefined', and GET /group/{id} loads user-defined groups only.
 * No REST2 user search can filter on Privileged either (the collection's
 * Privileged field comes back empty). So there the coworkers are the members
 * of the user-defined groups the technician belongs to, which is how RT
 * admins grant staff their rights ("Technicians", "Service desk"), keeping
 * only RT's privileged users. Member groups are followed, bounded; a group
 * the token can't read is left out and logged. Both ways need SeeGroup.
 */
export interface RtCoworkers {
  names: string[];
  /** 'privileged': RT's Privileged group; 'groups': the technician's own groups, named in groupNames. */
  source: 'privileged' | 'groups';
  groupNames: string[];
}

/** At most this many groups are read for one listing (the tech's groups and the groups inside them). */
const MAX_GROUPS = 50;
/** At most this many people in those groups are checked for being RT staff. */
const MAX_PEOPLE = 500;
/** User records read at once while checking them. */
const PARALLEL_READS = 5;

const SEE_GROUP_HINT = 'Ask your RT admin to grant the SeeGroup right (Admin → Global → User Rights).';

export async function rtCoworkers(
  client: RtClient,
  token: string,
  signal: AbortSignal | undefined,
  log: (message: string) => void = () => {},
): Promise<RtCoworkers> {
  const privileged = await client.post(
    '/groups',
    { fields: 'Name,Domain', per_page: 1 },
    [
      { field: 'Name', value: 'Privileged' },
      { field: 'Domain', value: 'SystemInternal' },
    ],
    RtGroupPageSchema,
    signal,
  );
  // RT with the fix ignores the Domain filter, so a user-defined group named
  // "Privileged" could answer: only the system group counts.
  const privilegedId = privileged.items.find((g) => g.Domain === 'SystemInternal')?.id;
  if (privilegedId !== undefined) {
    const group = await readGroup(client, privilegedId, signal);
    return { names: group.userNames, source: 'privileged', groupNames: ['Privileged'] };
  }

  const me = tokenOwnerId(token);
  if (me === null) {
    throw new PsaError(
      'invalid-request',
      "This token isn't in RT 5's usual form (1-<user id>-…), so Focusline can't tell which RT groups are yours to list your coworkers.",
    );
  }
  const own = await client.get(`/user/${me}`, {}, RtOwnGroupsSchema, signal);
  const queue = own.Memberships.filter((m) => m.type === 'group').map((m) => m.id);
  if (queue.length === 0) {
    // RT lists only the groups the token may see: no memberships and no
    // visible group at all means no SeeGroup, not a tech without a team.
    const visible = await client.post('/groups', { fields: 'Name', per_page: 1 }, [], RtGroupPageSchema, signal);
    if (visible.items.length === 0) throw seeGroupMissing();
    return { names: [], source: 'groups', groupNames: [] };
  }
  const seen = new Set<string>();
  const names = new Set<string>();
  const groupNames: string[] = [];
  const unreadable: string[] = [];
  while (queue.length > 0 && seen.size < MAX_GROUPS) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const group = await readGroup(client, id, signal).catch((error: unknown) => {
      // One group the token can't see (a nested one, another team's) costs only its members.
      if (error instanceof PsaError && error.kind === 'forbidden') return null;
      throw error;
    });
    if (group === null) {
      unreadable.push(id);
      continue;
    }
    groupNames.push(group.name);
    for (const name of group.userNames) names.add(name);
    queue.push(...group.groupIds);
  }
  if (groupNames.length === 0) throw seeGroupMissing();
  if (unreadable.length > 0) log(`RT: can't read group(s) ${unreadable.join(', ')} (SeeGroup); their members aren't listed as coworkers`);
  if (queue.some((id) => !seen.has(id))) log(`RT: read the first ${MAX_GROUPS} of your groups for coworkers; the rest were left out`);
  return { names: await onlyStaff(client, [...names], log, signal), source: 'groups', groupNames };
}

/**
 * A tech's groups may hold requesters too (an "everyone" group with customer
 * accounts in it): only RT's privileged users are coworkers. REST2 can't
 * filter a user search on Privileged, but every user record says it, so each
 * name is read, a few at a time, at most MAX_PEOPLE of them.
 */
async function onlyStaff(client: RtClient, names: string[], log: (message: string) => void, signal: AbortSignal | undefined): Promise<string[]> {
  if (names.length > MAX_PEOPLE) log(`RT: your groups hold ${names.length} people; the first ${MAX_PEOPLE} were checked for coworkers`);
  const candidates = names.slice(0, MAX_PEOPLE);
  const staff: string[] = [];
  for (let i = 0; i < candidates.length; i += PARALLEL_READS) {
    const batch = candidates.slice(i, i + PARALLEL_READS);
    const records = await Promise.all(
      batch.map((name) =>
        client.get(`/user/${encodeURIComponent(name)}`, {}, RtPrivilegedSchema, signal).catch((error: unknown) => {
          if (error instanceof PsaError && (error.kind === 'forbidden' || error.kind === 'not-found')) return null;
          throw error;
        }),
      ),
    );
    batch.forEach((name, k) => {
      if (String(records[k]?.Privileged ?? '0') === '1') staff.push(name);
    });
  }
  return staff;
}

async function readGroup(client: RtClient, id: string, signal: AbortSignal | undefined): Promise<{ name: string; userNames: string[]; groupIds: string[] }> {
  try {
    const group = await client.get(`/group/${encodeURIComponent(id)}`, {}, RtGroupSchema, signal);
    return {
      name: group.Name ?? `group ${id}`,
      userNames: group.Members.filter((m) => m.type === 'user').map((m) => m.id),
      groupIds: group.Members.filter((m) => m.type === 'group').map((m) => m.id),
    };
  } catch (error) {
    if (error instanceof PsaError && (error.kind === 'forbidden' || error.kind === 'not-found')) {
      throw seeGroupMissing(error);
    }
    throw error;
  }
}

function seeGroupMissing(cause?: PsaError): PsaError {
  return new PsaError('forbidden', `Request Tracker doesn't let this token see your RT groups, so Focusline can't list your coworkers. ${SEE_GROUP_HINT}`, {
    status: cause?.status,
    cause,
  });
}
