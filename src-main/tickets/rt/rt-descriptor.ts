import { describePsa } from '../psa-descriptor.js';
import { createRtAdapter } from './rt-adapter.js';

/** Request Tracker 5 over REST2, with a tech's auth token. */
export const rtPsa = describePsa({
  kind: 'rt',
  label: 'Request Tracker',
  settings: {},
  secrets: [{ field: 'token', label: 'Auth token' }],
  defaultWorkingStatuses: ['open'],
  form: {
    hint: 'Create a token in RT: Logged in as … → Settings → Auth Tokens.',
    fields: [
      { key: 'psa.url', label: 'RT URL', placeholder: 'https://rt.example.com' },
      { key: 'psa.queue', label: 'Queue for new tickets', placeholder: 'General' },
    ],
  },
  configFrom: (values, common, secret, need) => ({ ...common, kind: 'rt', url: need(values['psa.url'], 'URL'), token: secret('token') }),
  create: createRtAdapter,
});
