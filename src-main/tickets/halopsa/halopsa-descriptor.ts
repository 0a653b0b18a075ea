import { z } from 'zod';
import { setting } from '../../policy/setting-spec.js';
import { describePsa } from '../psa-descriptor.js';
import { escalationSetting } from '../psa-settings.js';
import { createHaloPsaAdapter } from './halopsa-adapter.js';

/** HaloPSA REST API, through an API application with client credentials. */
export const haloPsa = describePsa({
  kind: 'halopsa',
  label: 'HaloPSA',
  settings: {
    'psa.halopsa.clientId': setting('lockable', z.string().trim().max(200), '', "HaloPSA: the API application's client id."),
    'psa.halopsa.tenant': setting('lockable', z.string().trim().max(100), '', 'HaloPSA: the tenant name for hosted Halo; empty when self-hosted.'),
    'psa.halopsa.agent': setting(
      'user-only',
      z.string().trim().max(200),
      '',
      'HaloPSA: the technician as a Halo agent (id or email). Empty: the agent the API application acts as (GET /api/Agent/me).',
    ),
    'psa.halopsa.escalatePriority': escalationSetting('HaloPSA: the priority an escalated ticket gets (its name or id). Empty: unchanged.'),
    'psa.halopsa.escalateStatus': escalationSetting('HaloPSA: the status an escalated ticket gets (its name or id). Empty: unchanged.'),
    'psa.halopsa.escalateAgent': escalationSetting(
      'HaloPSA: the agent an escalated ticket is assigned to (name or id, e.g. the service manager). Empty: unchanged.',
    ),
  },
  secrets: [{ field: 'clientSecret', label: 'Client secret' }],
  defaultWorkingStatuses: ['In Progress'],
  form: {
    hint: 'An API application with client credentials (Configuration → Integrations → HaloPSA API).',
    fields: [
      { key: 'psa.url', label: 'Tenant URL', placeholder: 'https://yourcompany.halopsa.com' },
      { key: 'psa.halopsa.clientId', label: 'Client id' },
      { key: 'psa.halopsa.tenant', label: 'Tenant (hosted Halo)' },
      { key: 'psa.halopsa.agent', label: 'You as a Halo agent (optional)', placeholder: "agent id or email; empty: the API application's agent" },
      { key: 'psa.queue', label: 'Ticket type for new tickets' },
    ],
  },
  configFrom: (values, common, secret, need) => ({
    ...common,
    kind: 'halopsa',
    url: need(values['psa.url'], 'Tenant URL'),
    clientId: need(values['psa.halopsa.clientId'], 'Client id'),
    tenant: values['psa.halopsa.tenant'],
    agent: values['psa.halopsa.agent'],
    clientSecret: secret('clientSecret'),
    escalation: {
      priority: values['psa.halopsa.escalatePriority'],
      status: values['psa.halopsa.escalateStatus'],
      owner: values['psa.halopsa.escalateAgent'],
    },
  }),
  create: createHaloPsaAdapter,
});
