import type { FocuslineApi, SettingsView } from '../src-main/ipc/contract.js';
import { connectIpc } from './ipc/client.js';
import { Phone } from './phone/phone.js';
import { watchForWake } from './phone/wake-detector.js';
import { useAppStore } from './state/app-store.js';
import { usePhoneStore } from './state/phone-store.js';
import { messageOf } from '../src-shared/errors.js';

export type Session = { api: FocuslineApi; phone: Phone; restartPhone(): Promise<void> };

/**
 * Wires the face to the body: connects to main, loads settings and history,
 * starts the phone, and keeps all three in step with main's events.
 */
export async function startSession(): Promise<Session> {
  let resync = async (): Promise<void> => {};
  const api = await connectIpc((connected) => {
    const was = useAppStore.getState().host;
    useAppStore.getState().set({ host: connected ? 'connected' : 'lost' });
    // Back after a restart: what main holds may have changed while it was gone.
    if (connected && was === 'lost') resync().catch((e: unknown) => useAppStore.getState().setNotice(messageOf(e)));
  });
  const settings = await loadState(api);
  const phone = new Phone(api, settings.devices);

  // One (re)start at a time; a restart with the credentials already in use is
  // skipped unless the last attempt failed ("Save and connect" retries it).
  let running = '';
  let chain: Promise<void> = Promise.resolve();
  const restartPhone = (): Promise<void> => {
    chain = chain
      .then(async () => {
        let creds = await api.invoke('phone.credentials', {});
        let fingerprint = JSON.stringify(creds);
        if (fingerprint === running && usePhoneStore.getState().registration !== 'failed') return;
        // A change from policy or Settings mid-call waits for the calls to end: restarting the phone would hang them up.
        if (running !== '' && phone.hasCalls) {
          useAppStore.getState().setNotice('Your phone settings changed; Focusline will reconnect with them when your call ends.');
          await phone.whenIdle();
          creds = await api.invoke('phone.credentials', {});
          fingerprint = JSON.stringify(creds);
        }
        running = fingerprint;
        if (!creds) {
          await phone.stop();
          usePhoneStore.getState().setRegistration('unconfigured', 'Enter your SIP account in Settings to start.');
          return;
        }
        await phone.start(creds);
      })
      .catch((err: unknown) => usePhoneStore.getState().setRegistration('failed', messageOf(err)));
    return chain;
  };

  api.on('settings.changed', (next: SettingsView) => {
    useAppStore.getState().setSettings(next);
    phone.setDevices(next.devices);
    void restartPhone();
  });
  api.on('history.changed', ({ entries }) => useAppStore.getState().setHistory(entries));
  api.on('focus.changed', (focus) => useAppStore.getState().set({ focus }));
  api.on('tickets.changed', ({ tickets }) => useAppStore.getState().set({ tickets }));
  api.on('callLog.changed', ({ unhandled }) => useAppStore.getState().set({ unhandled }));
  api.on('focus.digest', ({ text, calls }) => {
    if (calls > 0) useAppStore.getState().set({ digest: text });
  });
  api.on('policy.changed', (policy) => useAppStore.getState().set({ policy }));
  api.on('handoffs.changed', ({ handoffs }) => useAppStore.getState().set({ handoffs }));
  api.on('psa.changed', (psa) => {
    const before = useAppStore.getState().psa;
    // Another PSA (or reconnected): earlier screen pops named people from the old one.
    const samePsa = before?.kind === psa.kind && before.label === psa.label && before.state === psa.state;
    useAppStore.getState().set(samePsa ? { psa } : { psa, pops: {} });
  });
  api.on('reminders.due', ({ text }) => {
    notifyQuietly(text);
    useAppStore.getState().setNotice(`Reminder: ${text}`);
  });
  api.on('voicemail.changed', ({ messages }) => useAppStore.getState().set({ voicemails: messages }));
  void loadLists(api).catch((e: unknown) => useAppStore.getState().setNotice(messageOf(e)));
  api.on('calls.suppressed', (attempt) => notifyQuietly(`${attempt.callerName || attempt.callerNumber}: ${attempt.reason}`));
  api.on('phone.dial', ({ target }) => void phone.call(target).catch((e: unknown) => useAppStore.getState().setNotice(messageOf(e))));
  api.on('phone.reconnectNow', () => phone.reconnectNow());
  window.addEventListener('online', () => phone.reconnectNow());
  watchForWake(() => phone.reconnectNow());
  window.addEventListener('beforeunload', () => void phone.stop());

  resync = async () => {
    await loadState(api);
    await loadLists(api);
    await restartPhone();
  };
  await restartPhone();
  // Subscribed to everything: main may now hand over a dial link that launched the app.
  await api.invoke('app.rendererReady', {});
  return { api, phone, restartPhone };
}

/** What main holds that the face shows first: settings, history, focus, tickets, the call log, policy. */
async function loadState(api: FocuslineApi): Promise<SettingsView> {
  const settings = await api.invoke('settings.get', {});
  useAppStore.getState().setSettings(settings);
  useAppStore.getState().setHistory((await api.invoke('history.list', { limit: 200 })).entries);
  await loadFocusState(api);
  return settings;
}

/** The lists that may come a moment later: handoffs, the PSA's status, voicemail. */
async function loadLists(api: FocuslineApi): Promise<void> {
  const [{ handoffs }, psa, { messages }] = await Promise.all([
    api.invoke('handoffs.list', {}),
    api.invoke('psa.status', {}),
    api.invoke('voicemail.list', { includeHandled: true }),
  ]);
  useAppStore.getState().set({ handoffs, psa, voicemails: messages });
}

async function loadFocusState(api: FocuslineApi): Promise<void> {
  const [focus, tickets, callLog, policy] = await Promise.all([
    api.invoke('focus.get', {}),
    api.invoke('tickets.list', {}),
    api.invoke('callLog.list', { limit: 200, unhandledOnly: true }),
    api.invoke('policy.get', {}),
  ]);
  useAppStore.getState().set({ focus, tickets: tickets.tickets, unhandled: callLog.attempts, policy });
}

/** A suppressed call is news, not an interruption: a silent notification, only when the window is in the background. */
function notifyQuietly(body: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.hasFocus()) return;
  new Notification('Handled while you focus', { body, silent: true });
}
