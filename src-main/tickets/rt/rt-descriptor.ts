import { describePsa } from '../psa-descriptor.js';
import { escalationSetting } from '../psa-settings.js';
import { createRtAdapter } from './rt-adapter.js';

/** Request Tracker 5 over REST2, with a tech's auth token. */
export const rtPsa = describePsa({
  kind: 'rt',
  label: 'Request Tracker',
  settings: {
    'psa.rt.escalatePriority': escalationSetting('RT: the Priority an escalated ticket gets (a number, e.g. 90). Empty: unchanged.'),
    'psa.rt.escalateStatus': escalationSetting('RT: the Status an escalated ticket gets (e.g. open). Empty: unchanged.'),
    'psa.rt.escalateOwner': escalationSetting('RT: the user an escalated ticket is given to (Owner, a user name, e.g. the service manager). Empty: unchanged.'),
    'psa.rt.escalateQueue': escalationSetting('RT: the queue an escalated ticket moves to (e.g. Escalations). Empty: unchanged.'),
  },
  secrets: [{ field: 'token', label: 'Auth token' }],
  defaultWorkingStatuses: ['open'],
  form: {
    hint: 'Create a token in RT: Logged in as … → Settings → Auth Tokens.',
    fields: [
      { key: 'psa.url', label: 'RT URL', placeholder: 'https://rt.example.com' },
      { key: 'psa.queue', label: 'Queue for new tickets', placeholder: 'General' },
    ],
  },
  configFrom: (values, common, secret, need) => ({
    ...common,
    kind: 'rt',
    url: need(values['psa.url'], 'URL'),
    token: secret('token'),
    escalation: {
      priority: values['psa.rt.escalatePriority'],
      status: values['psa.rt.escalateStatus'],
      owner: values['psa.rt.escalateOwner'],
      queue: values['psa.rt.escalateQueue'],
    },
  }),
  create: createRtAdapter,
});
