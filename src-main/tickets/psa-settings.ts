import { z } from 'zod';
import { setting, type ValuesOf } from '../policy/setting-spec.js';
import { OptionalPsaUrl, StatusNames } from '../policy/value-schemas.js';

/**
 * The settings every PSA adapter reads. Each PSA's own keys live in its
 * folder's descriptor; the registry in policy/schema.ts gathers both.
 */
export const PSA_COMMON_SETTINGS = {
  'psa.url': setting(
    'lockable',
    OptionalPsaUrl,
    '',
    "The PSA's address: ConnectWise site, HaloPSA tenant, RT base URL; Autotask: where zone discovery starts (empty: webservices.autotask.net).",
  ),
  'psa.workingStatuses': setting(
    'lockable',
    StatusNames,
    [],
    'Ticket statuses that mean "being worked on" (e.g. ["In Progress"]). Empty: the PSA\'s usual one (RT: open; others: In Progress).',
  ),
  'psa.stopwatchMinSeconds': setting(
    'lockable',
    z.number().int().min(0).max(3600),
    60,
    'ConnectWise: a running stopwatch on a ticket outside the working statuses counts as work after this many seconds (guards against autoStartStopwatch).',
  ),
  'psa.queue': setting(
    'lockable',
    z.string().trim().max(200),
    '',
    "Where new tickets go: ConnectWise board, Autotask queue, HaloPSA ticket type, RT queue. Empty: the PSA's default.",
  ),
  'psa.unknownCallerCompany': setting(
    'lockable',
    z.string().trim().max(200),
    '',
    'The catch-all company for callers nobody matches (ConnectWise company identifier, Autotask company id, HaloPSA client id).',
  ),
} as const;

export type PsaCommonKey = keyof typeof PSA_COMMON_SETTINGS;
export type PsaCommonValues = ValuesOf<typeof PSA_COMMON_SETTINGS>;

/**
 * One field the 15-minute rule's escalation sets in this PSA (psa.<kind>.escalate<Field>):
 * lockable, empty by default. Empty leaves that field alone; the escalation's
 * internal note always goes. Names are the tenant's own (priority and status
 * names differ per PSA and per tenant), which is why none is assumed.
 */
export function escalationSetting(description: string) {
  return setting('lockable', z.string().trim().max(200), '', description);
}
