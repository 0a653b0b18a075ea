import { PsaError, type CallOptions, type ConnectionReport } from '../psa.js';
import type { AutotaskClient } from './autotask-client.js';
import { ALL_ROWS, f, personName, picklistOf, picklistValue, statusValues } from './autotask-mapping.js';
import { atContactSchema, atResourceSchema, atTicketSchema } from './autotask-schemas.js';
import { messageOf } from '../../../src-shared/errors.js';

/**
 * "Test connection" for Autotask: one named check per step a tech's setup
 * can get wrong, each failure in words that say what to fix. Stops after the
 * first check that makes the rest meaningless (can't reach, wrong credentials).
 */

type Check = ConnectionReport['checks'][number];

/** Fields createTicket fills (wire names, lower-cased) — what a tenant's isRequired list is compared with. */
const TICKET_FIELDS_SENT = ['companyid', 'contactid', 'title', 'description', 'status', 'priority', 'source', 'queueid', 'externalid'];

export async function testAutotaskConnection(client: AutotaskClient, options: CallOptions = {}): Promise<ConnectionReport> {
  const checks: Check[] = [];
  const warnings: string[] = [];
  const report = (who?: string): ConnectionReport => ({ ok: checks.every((c) => c.ok), who, checks, warnings });
  const attempt = async <T>(name: string, run: () => Promise<T>, detail: (value: T) => string): Promise<{ ok: true; value: T } | { ok: false }> => {
    try {
      const value = await run();
      checks.push({ name, ok: true, detail: detail(value) });
      return { ok: true, value };
    } catch (error) {
      if (error instanceof PsaError && error.kind === 'cancelled') throw error;
      checks.push({ name, ok: false, detail: messageOf(error) });
      return { ok: false };
    }
  };

  const zone = await attempt(
    'Reach Autotask (zone discovery)',
    () => client.zone(options),
    (z) => `Tenant is in ${z.zoneName ?? 'its zone'} at ${new URL(z.url).host}`,
  );
  if (!zone.ok) return report();

  const me = await attempt(
    'Credentials accepted',
    () => client.apiUser(options),
    () => `Autotask accepted the API user ${client.config.username}`,
  );
  if (!me.ok) return report();
  const apiUser = me.value;
  const who = apiUser ? `${client.config.username} (${personName(apiUser) || 'API user'})` : client.config.username;
  checks.push(
    apiUser
      ? { name: 'Who am I', ok: true, detail: `API user ${who}, resource ${apiUser.id}` }
      : {
          name: 'Who am I',
          ok: false,
          detail: `Autotask has no resource with the user name ${client.config.username}. Check the API user name in Settings → PSA.`,
        },
  );

  const techId = client.techResourceId;
  if (techId === undefined) {
    if (client.config.impersonationResourceId.trim()) {
      checks.push({
        name: 'Technician resource',
        ok: false,
        detail: `"${client.config.impersonationResourceId}" isn't an Autotask resource id (a number). Set the technician's resource id in Settings → PSA.`,
      });
    } else {
      warnings.push(
        'No technician resource id is set, so Focusline can\'t tell which ticket you are working on (no active ticket, no "my tickets"), and notes are written as the API user. Set your Autotask resource id in Settings → PSA.',
      );
    }
  } else {
    await attempt(
      'Technician resource',
      async () => {
        const tech = await client.get('Resources', techId, atResourceSchema, options);
        if (!tech) throw new PsaError('not-found', `Autotask has no resource ${techId}. Check the technician's resource id in Settings → PSA.`);
        if (tech.isActive === false)
          throw new PsaError('config', `Autotask resource ${techId} (${personName(tech)}) is inactive. Check the technician's resource id in Settings → PSA.`);
        return tech;
      },
      (tech) => `Working as ${personName(tech) || tech.userName || `resource ${tech.id}`} (resource ${tech.id})`,
    );
  }

  await attempt(
    'Can read tickets',
    () => client.query('Tickets', [ALL_ROWS], atTicketSchema, { ...options, maxRecords: 1, includeFields: ['id', 'status'] }),
    () => 'Tickets are readable',
  );
  await attempt(
    'Can read contact phone numbers',
    () =>
      client.query('Contacts', [f.eq('isActive', 1)], atContactSchema, {
        ...options,
        maxRecords: 1,
        includeFields: ['id', 'phone', 'mobilePhone', 'alternatePhone'],
      }),
    () => 'Contacts and their phone numbers are readable',
  );
  await attempt(
    'Can create tickets',
    () => ticketSetup(client, options, warnings),
    (detail) => detail,
  );
  return report(who);
}

/** Everything createTicket and activeTicket resolve by name, checked now rather than at the first call. */
async function ticketSetup(client: AutotaskClient, options: CallOptions, warnings: string[]): Promise<string> {
  const fields = await client.fields('Tickets', options);
  const config = client.config;
  const statuses = picklistOf(fields, 'status');
  const problems: string[] = [];
  if (picklistValue(statuses, 'New') === undefined) problems.push('the ticket status "New" does not exist');
  if (picklistValue(picklistOf(fields, 'source'), 'Phone') === undefined)
    warnings.push('Autotask has no ticket source "Phone"; new tickets will have no source.');
  if (config.queue.trim() && picklistValue(picklistOf(fields, 'queueID'), config.queue) === undefined)
    problems.push(`the queue "${config.queue}" does not exist (use its name or id)`);
  const working = statusValues(statuses, config.workingStatuses);
  if (working.unknown.length > 0)
    warnings.push(`Autotask has no ticket status named ${working.unknown.map((s) => `"${s}"`).join(', ')}; check the working statuses in policy.`);
  if (working.values.length === 0) warnings.push("None of the working statuses exist in Autotask, so the active ticket can't be detected.");
  const unmet = fields.filter((field) => field.isRequired && !TICKET_FIELDS_SENT.includes(field.name.toLowerCase())).map((field) => field.name);
  if (unmet.length > 0) problems.push(`this tenant requires ticket fields Focusline doesn't fill: ${unmet.join(', ')}`);
  if (!config.unknownCallerCompany.trim())
    warnings.push('No catch-all company is set: tickets for unknown callers will be refused. Set the unknown-caller company id in policy.');
  if (problems.length > 0) throw new PsaError('config', `Autotask: ${problems.join('; ')}. Fix it in Settings → PSA or ask your Autotask administrator.`);
  return 'Ticket status, source and queue resolved';
}
