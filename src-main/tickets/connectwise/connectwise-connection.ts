import { z } from 'zod';
import { PsaError, type CallOptions, type ConnectionReport } from '../psa.js';
import { type ConnectWiseClient, type KeyOwner, missingSettings } from './connectwise-client.js';
import { cwString, whoLabel } from './connectwise-mapping.js';
import { cwBoardSchema, cwCompanySchema, cwContactSchema, cwStopwatchSchema, type CwMember } from './connectwise-schemas.js';
import { messageOf } from '../../../src-shared/errors.js';

/**
 * "Test connection" for ConnectWise PSA: one line per thing Focusline needs,
 * each saying what failed and what to do. Nothing is written: whether the
 * keys may create tickets can't be read without admin rights, so the check
 * is that the board and the catch-all company new tickets need exist.
 *
 * Reaching the site is GET /system/info, so a 404 there (and only there)
 * means a wrong URL. The technician is the member the settings name; a 404 or
 * an empty answer for them is a settings problem, reported as such. Whether
 * the keys are that member's own is checked through /system/myAccount/{id}
 * (keyOwner): an answer naming someone else is a warning (the stopwatch and
 * tickets followed are still the tech's, but what Focusline writes shows the
 * keys' owner); a refusal is a softer "could not confirm", never "not yours".
 */

type Check = ConnectionReport['checks'][number];

/** Errors that mean the request never reached a ConnectWise API. */
const UNREACHABLE = new Set(['unavailable', 'timeout', 'not-found', 'malformed', 'cancelled', 'config']);

export async function testConnectWiseConnection(cw: ConnectWiseClient, options: CallOptions): Promise<ConnectionReport> {
  const checks: Check[] = [];
  const warnings: string[] = [];
  const host = safeHost(cw.config.url);

  const missing = missingSettings(cw.config);
  if (missing.length > 0) {
    checks.push({ name: 'Settings complete', ok: false, detail: `Set the ${missing.join(', ')} in Settings → PSA.` });
    return { ok: false, checks, warnings };
  }

  try {
    await cw.get('/system/info', z.object({ version: z.string().nullish() }), options);
    checks.push({ name: `Reach ConnectWise at ${host}`, ok: true, detail: 'The API answered.' });
  } catch (error) {
    const e = asPsaError(error);
    if (UNREACHABLE.has(e.kind)) {
      checks.push({
        name: `Reach ConnectWise at ${host}`,
        ok: false,
        detail: `${e.message}${e.kind === 'not-found' || e.kind === 'malformed' ? ' The URL should be the site only, e.g. https://na.myconnectwise.net.' : ''}`,
      });
      return { ok: false, checks, warnings };
    }
    checks.push({ name: `Reach ConnectWise at ${host}`, ok: true, detail: 'The API answered.' });
    if (e.kind === 'auth' || e.kind === 'clock-skew') {
      checks.push({ name: 'Credentials accepted', ok: false, detail: credentialAdvice(e) });
      return { ok: false, checks, warnings };
    }
  }

  let me: CwMember | undefined;
  try {
    me = await cw.whoAmI(options);
    checks.push({ name: 'Credentials accepted', ok: true, detail: 'The company ID, keys and clientId were accepted.' });
    checks.push({ name: 'Technician', ok: true, detail: `Focusline follows ${whoLabel(me)}: their stopwatch and their tickets.` });
  } catch (error) {
    const e = asPsaError(error);
    if (e.kind === 'auth' || e.kind === 'clock-skew') {
      checks.push({ name: 'Credentials accepted', ok: false, detail: credentialAdvice(e) });
      return { ok: false, checks, warnings };
    }
    const hint = e.kind === 'forbidden' ? " The keys' security role needs System → Members (Inquire) so Focusline can find the technician by identifier." : '';
    checks.push({ name: 'Technician', ok: false, detail: `${e.message}${hint}` });
  }

  if (me !== undefined) {
    try {
      const warning = keyOwnerWarning(me, await cw.keyOwner(me, options));
      if (warning !== undefined) warnings.push(warning);
    } catch (error) {
      warnings.push(`Could not check whose API keys these are: ${asPsaError(error).message}`);
    }
  }

  checks.push(
    await check('Can read tickets', 'Service Desk → Service Tickets (Inquire)', async () => {
      await cw.list('/service/tickets', z.object({ id: z.number() }), { fields: 'id', pageSize: 1 }, options);
      return 'Service tickets are readable.';
    }),
  );

  if (me !== undefined) {
    const identifier = me.identifier;
    checks.push(
      await check('Can read stopwatches (active ticket)', 'Time & Expense → Time Entry (Inquire)', async () => {
        await cw.list('/time/ticketstopwatches', cwStopwatchSchema, { conditions: `member/identifier=${cwString(identifier)}`, pageSize: 1 }, options);
        return `${identifier}'s ticket stopwatches are readable.`;
      }),
    );
  }

  checks.push(
    await check('Can read contact phone numbers', 'Companies → Contacts (Inquire)', async () => {
      const { items } = await cw.list('/company/contacts', cwContactSchema, { fields: 'id,communicationItems,defaultPhoneNbr', pageSize: 1 }, options);
      const first = items[0];
      if (first !== undefined && first.communicationItems === undefined && first.defaultPhoneNbr === undefined) {
        warnings.push(
          'Contacts come back without phone numbers (communication items hidden by field-level security?): screen pop and the caller index will find nobody.',
        );
      }
      return 'Contacts and their communication items are readable.';
    }),
  );

  const catchAll = cw.config.unknownCallerCompany.trim();
  if (catchAll === '') {
    warnings.push(
      'No catch-all company is set for unknown callers: "Create ticket" will fail for callers ConnectWise does not know. Set one in the PSA policy.',
    );
  } else {
    checks.push(
      await check('Catch-all company for unknown callers', 'Companies → Company Maintenance (Inquire)', async () => {
        const { items } = await cw.list('/company/companies', cwCompanySchema, { conditions: `identifier=${cwString(catchAll)}`, pageSize: 1 }, options);
        if (items[0] === undefined)
          throw new PsaError(
            'invalid-request',
            `ConnectWise has no company with the identifier "${catchAll}". Set an existing company identifier as the catch-all company in the PSA policy.`,
          );
        return `New tickets from unknown callers go to ${items[0].name}.`;
      }),
    );
  }

  const board = cw.config.queue.trim();
  if (board !== '') {
    checks.push(
      await check('Board for new tickets', 'Service Desk → Service Boards (Inquire)', async () => {
        const { items } = await cw.list('/service/boards', cwBoardSchema, { conditions: `name=${cwString(board)}`, pageSize: 1 }, options);
        if (items[0] === undefined)
          throw new PsaError('invalid-request', `ConnectWise has no service board named "${board}". Fix the board name in the PSA policy.`);
        return `New tickets go to the ${items[0].name} board.`;
      }),
    );
  }

  return { ok: checks.every((c) => c.ok), who: me ? whoLabel(me) : undefined, checks, warnings };
}

async function check(name: string, permission: string, run: () => Promise<string>): Promise<Check> {
  try {
    return { name, ok: true, detail: await run() };
  } catch (error) {
    const e = asPsaError(error);
    const hint = e.kind === 'forbidden' ? ` The keys' security role needs "${permission}".` : '';
    return { name, ok: false, detail: `${e.message}${hint}` };
  }
}

function credentialAdvice(e: PsaError): string {
  if (e.kind === 'clock-skew') return e.message;
  if (e.kind === 'auth') {
    return `${e.message} ConnectWise signs in with "companyId+publicKey" and the private key (My Account → API Keys for your own, or System → Members → API Members → API Keys), plus the integration's clientId from developer.connectwise.com. Check all four.`;
  }
  return e.message;
}

function asPsaError(error: unknown): PsaError {
  if (error instanceof PsaError) return error;
  return new PsaError('malformed', `ConnectWise: unexpected problem: ${messageOf(error)}`, { cause: error });
}

/** Only an answer naming another member says "not yours"; a refusal says the check couldn't be made, and why. */
export function keyOwnerWarning(me: CwMember, owner: KeyOwner): string | undefined {
  const who = me.identifier;
  switch (owner.kind) {
    case 'theirs':
      return undefined;
    case 'someone-else': {
      const owns = owner.identifier === undefined ? `member ${owner.id}` : owner.identifier;
      return `These API keys are ${owns}'s, not ${who}'s own. Focusline still follows ${who}'s stopwatch and tickets, but the tickets, notes and call logs it writes show ${owns}. Give each technician their own keys (My Account → API Keys) to have them show the technician.`;
    }
    case 'unconfirmed':
      return owner.refusal === 'forbidden'
        ? `Could not confirm whose API keys these are: ConnectWise refused to show My Account. If someone other than ${who} owns them, what Focusline writes shows that person. To have this checked, give the keys' security role access to System → My Account.`
        : `Could not confirm whose API keys these are: ConnectWise did not show My Account for ${who}. If someone other than ${who} owns them, what Focusline writes shows that person.`;
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
