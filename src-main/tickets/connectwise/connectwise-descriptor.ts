import { z } from 'zod';
import { setting } from '../../policy/setting-spec.js';
import { describePsa } from '../psa-descriptor.js';
import { escalationSetting } from '../psa-settings.js';
import { createConnectWiseAdapter } from './connectwise-adapter.js';

/** ConnectWise PSA (Manage) REST API, with the tech's member API keys. */
export const connectWisePsa = describePsa({
  kind: 'connectwise',
  label: 'ConnectWise PSA',
  settings: {
    'psa.connectwise.companyId': setting('lockable', z.string().trim().max(100), '', 'ConnectWise: the company id used to sign in.'),
    'psa.connectwise.clientId': setting(
      'lockable',
      z.string().trim().max(100),
      '',
      "ConnectWise: the integration's clientId (a GUID from developer.connectwise.com).",
    ),
    'psa.connectwise.memberIdentifier': setting(
      'user-only',
      z.string().trim().max(100),
      '',
      'ConnectWise: the technician\'s member identifier (the name they sign in with, e.g. "jdoe"): whose stopwatch and tickets Focusline follows.',
    ),
    'psa.connectwise.publicKey': setting(
      'user-only',
      z.string().trim().max(100),
      '',
      "ConnectWise: the technician's API public key (the private key is kept in the OS keychain).",
    ),
    'psa.connectwise.escalatePriority': escalationSetting(
      'ConnectWise: the priority an escalated ticket gets (its name, e.g. "Priority 1 - Emergency Response"). Empty: unchanged.',
    ),
    'psa.connectwise.escalateStatus': escalationSetting(
      'ConnectWise: the status an escalated ticket gets, a status of the ticket\'s own board (e.g. "Escalated"). Empty: unchanged.',
    ),
  },
  secrets: [{ field: 'privateKey', label: 'Private key' }],
  defaultWorkingStatuses: ['In Progress'],
  form: {
    hint: "Your own API keys (My Account → API Keys) and your member identifier, the name you sign in with: it is needed, Focusline follows that member's stopwatch and tickets. An API member's keys also work, but then what Focusline writes shows that member.",
    fields: [
      { key: 'psa.url', label: 'Site URL', placeholder: 'https://na.myconnectwise.net' },
      { key: 'psa.connectwise.companyId', label: 'Company id' },
      { key: 'psa.connectwise.memberIdentifier', label: 'Your member identifier (needed)', placeholder: 'jdoe' },
      { key: 'psa.connectwise.publicKey', label: 'Public key' },
      { key: 'psa.connectwise.clientId', label: 'Client id (GUID)' },
      { key: 'psa.queue', label: 'Board for new tickets', placeholder: 'Help Desk' },
    ],
  },
  configFrom: (values, common, secret, need) => ({
    ...common,
    kind: 'connectwise',
    url: need(values['psa.url'], 'Site URL'),
    companyId: need(values['psa.connectwise.companyId'], 'Company id'),
    publicKey: need(values['psa.connectwise.publicKey'], 'Public key'),
    clientId: need(values['psa.connectwise.clientId'], 'Client id'),
    // Not `need`: without it lookups and notes still work; what needs it says so (whoAmI, Test connection).
    memberIdentifier: values['psa.connectwise.memberIdentifier'],
    privateKey: secret('privateKey'),
    escalation: { priority: values['psa.connectwise.escalatePriority'], status: values['psa.connectwise.escalateStatus'] },
  }),
  create: createConnectWiseAdapter,
});
