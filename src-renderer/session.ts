import type { EventPayload, FocuslineApi, PhoneView, SettingsView } from '../src-main/ipc/contract.js';
import { connectIpc } from './ipc/client.js';
import { Phone } from './actions/phone.js';
import { MediaEndpoint } from './media/media-endpoint.js';
import { useAppStore } from './state/app-store.js';
import { offerLink, useDesktopStore } from './state/desktop-store.js';
import { startHeadset } from './media/headset.js';
import { usePhoneStore } from './state/phone-store.js';
import { messageOf } from '../src-shared/errors.js';

export type Session = { api: FocuslineApi; phone: Phone };

/**
 * Wires the face to main: connects, loads settings, the phone and the lists,
 * attaches this window as the calls' media endpoint, and keeps all of it in
 * step with main's events. The phone itself (SIP, registration, every ring
 * decision) runs in main and keeps working while this window is closed.
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
  let devices = settings.devices;
  let iceServers = settings.iceServers;
  const phone = new Phone(api, devices);
  const media = new MediaEndpoint(
    api,
    () => devices,
    () => iceServers,
  );
  usePhoneStore.getState().setVoicemailDialer(() => phone.callVoicemail());

  api.on('settings.changed', (next: SettingsView) => {
    useAppStore.getState().setSettings(next);
    devices = next.devices;
    iceServers = next.iceServers;
    phone.setDevices(next.devices);
  });
  api.on('phone.changed', (view) => {
    showPhone(view);
    media.follow(view.mediaEndpoint);
  });
  api.on('history.changed', ({ entries }) => useAppStore.getState().setHistory(entries));
  api.on('focus.changed', (focus) => useAppStore.getState().set({ focus }));
  api.on('focus.escalation', (escalation) => {
    const before = useAppStore.getState().escalation?.prompt;
    const prompt = escalation.prompt;
    if (prompt && (before?.key !== prompt.key || before.dueAt !== prompt.dueAt)) notifyEscalation(prompt.minutes);
    useAppStore.getState().set({ escalation });
  });
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
    useAppStore.getState().setNotice(`Reminder: ${text}`, 'info');
  });
  api.on('voicemail.changed', ({ messages }) => useAppStore.getState().set({ voicemails: messages }));
  void loadLists(api).catch((e: unknown) => useAppStore.getState().setNotice(messageOf(e)));
  api.on('app.desktopChanged', (desktop) => useDesktopStore.getState().set({ desktop }));
  api.on('app.show', ({ attemptId }) => useDesktopStore.getState().set({ showFollowUps: { attemptId: attemptId ?? null, at: Date.now() } }));
  void api
    .invoke('app.desktop', {})
    .then((desktop) => useDesktopStore.getState().set({ desktop }))
    .catch(() => {});
  // In the desktop app main notifies (with Create ticket / Call back); web mode has only the page's own notification.
  api.on('calls.suppressed', (attempt) => {
    if (useDesktopStore.getState().desktop?.available !== true) notifyQuietly(`${attempt.callerName || attempt.callerNumber}: ${attempt.reason}`);
  });
  api.on('phone.dial', (request) => takeDialRequest(request, (target) => phone.call(target)));
  api.on('app.focusLink', takeFocusLink);
  startHeadset(api);
  window.addEventListener('online', () => void api.invoke('phone.reconnect', {}).catch(() => {}));
  // The first click unlocks audio in a browser tab: the window that carries media says so (main clears its
  // "click once" hint). Another tab's click must not take the calls' audio over.
  window.addEventListener(
    'pointerdown',
    () => {
      const owner = usePhoneStore.getState().mediaEndpoint;
      if (owner === null || owner === media.id) void media.attach().catch(() => {});
    },
    { once: true },
  );

  resync = async () => {
    const next = await loadState(api);
    devices = next.devices;
    iceServers = next.iceServers;
    await loadLists(api);
    showPhone(await api.invoke('phone.get', {}));
    await media.attach();
  };
  showPhone(await api.invoke('phone.get', {}));
  await media.attach();
  // Subscribed to everything: main may now hand over a dial link that launched the app.
  await api.invoke('app.rendererReady', {});
  return { api, phone };
}

const TOO_MANY_LINKS = 'Ignored a link from another app: answer the links already on screen first.';

/** A dial request from main: from another app's link (`confirm`), shown and asked first (ui/LinkConfirm.tsx); else dialled. */
export function takeDialRequest({ target, confirm }: EventPayload<'phone.dial'>, dial: (target: string) => Promise<unknown>): void {
  if (confirm) {
    if (!offerLink({ kind: 'dial', target })) useAppStore.getState().setNotice(TOO_MANY_LINKS);
    return;
  }
  void dial(target).catch((e: unknown) => useAppStore.getState().setNotice(messageOf(e)));
}

/** A focusline:// link main holds until the tech answers (ui/LinkConfirm.tsx). */
export function takeFocusLink({ id, summary }: EventPayload<'app.focusLink'>): void {
  if (!offerLink({ kind: 'focus', id, summary })) useAppStore.getState().setNotice(TOO_MANY_LINKS);
}

/** main's view of the phone; a notice from main (a restart waiting for the call, voicemail audio blocked) shows once. */
let lastPhoneNotice: string | null = null;
function showPhone(view: PhoneView): void {
  usePhoneStore.getState().setPhone(view);
  if (view.notice && view.notice !== lastPhoneNotice) useAppStore.getState().setNotice(view.notice);
  lastPhoneNotice = view.notice;
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
  const [focus, tickets, callLog, policy, escalation] = await Promise.all([
    api.invoke('focus.get', {}),
    api.invoke('tickets.list', {}),
    api.invoke('callLog.list', { limit: 200, unhandledOnly: true }),
    api.invoke('policy.get', {}),
    api.invoke('focus.getEscalation', {}),
  ]);
  useAppStore.getState().set({ focus, tickets: tickets.tickets, unhandled: callLog.attempts, policy, escalation });
}

/** A suppressed call is news, not an interruption: a silent notification, only when the window is in the background. */
function notifyQuietly(body: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.hasFocus()) return;
  // One tag: each quiet call replaces the last one's notification, so a call storm is one entry, not a thousand.
  new Notification('Handled while you focus', { body, silent: true, tag: 'focusline-handled' });
}

/** Web mode's counterpart of the Electron shell's notification: the 15-minute rule's card waits in the window. */
function notifyEscalation(minutes: number): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.hasFocus()) return;
  new Notification(`${minutes} minutes on it`, { body: 'Stuck? Ask a coworker or escalate (the 15-minute rule).', silent: true, tag: 'focusline-escalation' });
}
