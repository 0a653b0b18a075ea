import { z } from 'zod';
import { setting } from '../../policy/setting-spec.js';
import { describePsa } from '../psa-descriptor.js';
import { escalationSetting } from '../psa-settings.js';
import { createAutotaskAdapter } from './autotask-adapter.js';

/** Where Autotask's zone discovery starts when policy names no URL. */
const AUTOTASK_DISCOVERY_URL = 'https://webservices.autotask.net/atservicesrest';

/** Autotask REST API, through an API-only user; the zone is discovered. */
export const autotaskPsa = describePsa({
  kind: 'autotask',
  label: 'Autotask',
  settings: {
    'psa.autotask.username': setting('lockable', z.string().trim().max(200), '', "Autotask: the API user's user name."),
    'psa.autotask.resourceId': setting(
      'user-only',
      z.string().trim().regex(/^\d*$/, 'must be a number (the resource id)').max(20),
      '',
      "Autotask: the technician's resource id: whose tickets are watched, and who notes are written as.",
    ),
    'psa.autotask.escalatePriority': escalationSetting('Autotask: the priority an escalated ticket gets (its label, e.g. "High", or value). Empty: unchanged.'),
    'psa.autotask.escalateStatus': escalationSetting('Autotask: the status an escalated ticket gets (its label or value). Empty: unchanged.'),
    'psa.autotask.escalateQueue': escalationSetting(
      'Autotask: the queue an escalated ticket moves to (its name or id, e.g. "Level II Support"). Empty: unchanged.',
    ),
  },
  secrets: [
    { field: 'secret', label: 'API user secret' },
    { field: 'integrationCode', label: 'Integration code' },
  ],
  defaultWorkingStatuses: ['In Progress'],
  form: {
    hint: 'The zone is found through ZoneInformation; you only need the API user.',
    fields: [
      { key: 'psa.autotask.username', label: 'API user name' },
      { key: 'psa.autotask.resourceId', label: 'Your resource id' },
      { key: 'psa.queue', label: 'Queue for new tickets' },
      { key: 'psa.url', label: 'Zone discovery URL (optional)', placeholder: AUTOTASK_DISCOVERY_URL },
    ],
  },
  configFrom: (values, common, secret, need) => ({
    ...common,
    kind: 'autotask',
    url: values['psa.url'] || AUTOTASK_DISCOVERY_URL,
    username: need(values['psa.autotask.username'], 'API user name'),
    impersonationResourceId: values['psa.autotask.resourceId'],
    secret: secret('secret'),
    integrationCode: secret('integrationCode'),
    escalation: {
      priority: values['psa.autotask.escalatePriority'],
      status: values['psa.autotask.escalateStatus'],
      queue: values['psa.autotask.escalateQueue'],
    },
  }),
  create: createAutotaskAdapter,
});
