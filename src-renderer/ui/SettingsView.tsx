import { Headphones, Keyboard, ShieldCheck, Target, Ticket, UserRound, Voicemail } from 'lucide-react';
import { useEffect, useState, type FormEvent } from 'react';
import type { AudioDevices, FocuslineApi } from '../../src-main/ipc/contract.js';
import { AccountSchema } from '../../src-shared/vocabulary.js';
import { createRingtone, listAudioDevices, type AudioDeviceList } from '../media/audio-output.js';
import { useAppStore } from '../state/app-store.js';
import { PolicyView } from './PolicyView.js';
import { PsaSettings } from './PsaSettings.js';
import { GreetingsSettings } from './GreetingsSettings.js';
import { Managed } from './Managed.js';
import { HeadsetSettings } from './HeadsetSettings.js';
import { GlobalHotkeysSettings } from './GlobalHotkeysSettings.js';
import { SaveScope, useTrackSave } from './SaveStatus.js';
import { TabList, TabPanel } from './Tabs.js';
import { ShortcutsList } from './ShortcutsList.js';
import { VoicemailChoice, WhoCanReach } from './FocusSettings.js';
import { PolicyField } from './PolicyField.js';
import { messageOf } from '../../src-shared/errors.js';

/**
 * Settings in sections, one shown at a time (a single page was 4,875 px tall).
 * Each section has its own "Saved" line. A new section is one entry here.
 */
const SECTIONS = [
  { id: 'account', label: 'Account', icon: UserRound },
  { id: 'audio', label: 'Audio', icon: Headphones },
  { id: 'focus', label: 'Focus', icon: Target },
  { id: 'voicemail', label: 'Voicemail & greetings', icon: Voicemail },
  { id: 'psa', label: 'PSA', icon: Ticket },
  { id: 'shortcuts', label: 'Shortcuts', icon: Keyboard },
  { id: 'policy', label: 'Policy', icon: ShieldCheck },
] as const;
type SectionId = (typeof SECTIONS)[number]['id'];

export function SettingsView({ api, onSaved }: { api: FocuslineApi; onSaved: () => void }) {
  const [section, setSection] = useState<SectionId>('account');
  return (
    <section className="settings" aria-label="Settings">
      <TabList
        items={SECTIONS}
        value={section}
        onChange={setSection}
        label="Settings sections"
        idPrefix="settings"
        orientation="vertical"
        className="settings-nav"
        testIdPrefix="settings-section-"
      />
      <TabPanel idPrefix="settings" id={section} className="settings-panel">
        {/* keyed: a section's "Saved" belongs to it, not to the next one opened */}
        <SaveScope key={section}>
          {section === 'account' && <AccountForm api={api} onSaved={onSaved} />}
          {section === 'audio' && (
            <>
              <DevicesForm api={api} />
              <HeadsetSettings api={api} />
            </>
          )}
          {section === 'focus' && <FocusSettings api={api} />}
          {section === 'voicemail' && (
            <>
              <VoicemailChoice api={api} />
              <GreetingsSettings api={api} />
            </>
          )}
          {section === 'psa' && <PsaSettings api={api} />}
          {section === 'shortcuts' && (
            <>
              <ShortcutsList />
              <GlobalHotkeysSettings api={api} />
            </>
          )}
          {section === 'policy' && <PolicyView />}
        </SaveScope>
      </TabPanel>
    </section>
  );
}

type AccountDraft = { wsServer: string; sipUri: string; authUser: string; displayName: string; password: string };

function AccountForm({ api, onSaved }: { api: FocuslineApi; onSaved: () => void }) {
  const settings = useAppStore((s) => s.settings);
  const a = settings?.account;
  const [draft, setDraft] = useState<AccountDraft>({
    wsServer: a?.wsServer ?? '',
    sipUri: a?.sipUri ?? '',
    authUser: a?.authUser ?? '',
    displayName: a?.displayName ?? '',
    password: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const locked = new Set(settings?.locked ?? []);
  const entries = useAppStore((s) => s.policy.entries);
  const track = useTrackSave();
  // A locked field shows what the phone really uses (the enforced value), never the tech's own old one.
  const enforced = (key: keyof AccountDraft): string | undefined => {
    if (!locked.has(`account.${key}`)) return undefined;
    const text = entries.find((e) => e.key === `account.${key}`)?.value;
    const value: unknown = text === undefined ? undefined : JSON.parse(text);
    return typeof value === 'string' ? value : undefined;
  };
  const field = (key: keyof AccountDraft) => ({
    value: enforced(key) ?? draft[key],
    disabled: locked.has(`account.${key}`),
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
    'aria-invalid': errors[key] ? true : undefined,
    'data-testid': `account-${key}`,
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = AccountSchema.safeParse({ ...draft, wsServer: enforced('wsServer') ?? draft.wsServer });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message])));
      return;
    }
    if (!settings?.hasPassword && draft.password === '') {
      setErrors({ password: 'Enter the SIP password.' });
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      await track(api.invoke('settings.saveAccount', { account: parsed.data, ...(draft.password ? { password: draft.password } : {}) }));
      setDraft((d) => ({ ...d, password: '' }));
      onSaved();
    } catch (err) {
      setErrors({ form: messageOf(err) });
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="account-heading">
      <h2 id="account-heading">Phone account (SIP)</h2>
      <label>
        Server (WebSocket URL)
        <input placeholder="wss://pbx.example.com:8089/ws" {...field('wsServer')} />
        {locked.has('account.wsServer') && <Managed />}
        {errors.wsServer && <span className="error">{errors.wsServer}</span>}
      </label>
      <label>
        SIP URI
        <input placeholder="sip:1001@pbx.example.com" {...field('sipUri')} />
        {errors.sipUri && <span className="error">{errors.sipUri}</span>}
      </label>
      <label>
        Auth user <small>(if different from the SIP URI's user)</small>
        <input {...field('authUser')} autoComplete="username" />
      </label>
      <label>
        Password
        <input
          type="password"
          placeholder={settings?.hasPassword ? 'Saved (leave blank to keep)' : ''}
          {...field('password')}
          autoComplete="current-password"
        />
        {errors.password && <span className="error">{errors.password}</span>}
      </label>
      <label>
        Display name
        <input {...field('displayName')} />
      </label>
      {settings?.secretStorage.warning && <p className="warning">{settings.secretStorage.warning}</p>}
      {errors.form && (
        <p className="error" role="alert">
          {errors.form}
        </p>
      )}
      <button type="submit" disabled={saving} data-testid="account-save">
        {saving ? 'Saving…' : 'Save and connect'}
      </button>
    </form>
  );
}

function DevicesForm({ api }: { api: FocuslineApi }) {
  const devices = useAppStore((s) => s.settings?.devices);
  const [list, setList] = useState<AudioDeviceList>({ microphones: [], speakers: [] });
  const [error, setError] = useState('');
  useEffect(() => {
    const refresh = () =>
      void listAudioDevices()
        .then(setList)
        .catch((e: unknown) => setError(String(e)));
    refresh();
    navigator.mediaDevices.addEventListener('devicechange', refresh);
    return () => navigator.mediaDevices.removeEventListener('devicechange', refresh);
  }, []);
  const track = useTrackSave();
  if (!devices) return null;
  const save = (patch: Partial<AudioDevices>) => {
    setError('');
    void track(api.invoke('settings.saveDevices', { devices: { ...devices, ...patch } })).catch((e: unknown) => setError(messageOf(e)));
  };
  const testRing = () => {
    const tone = createRingtone();
    tone.start(devices.ringDeviceId);
    setTimeout(() => tone.stop(), 2500);
  };
  return (
    <div className="card" aria-labelledby="audio-heading">
      <h2 id="audio-heading">Audio devices</h2>
      <DeviceSelect
        label="Microphone"
        testId="device-microphone"
        value={devices.microphoneId}
        options={list.microphones}
        onChange={(id) => save({ microphoneId: id })}
      />
      <DeviceSelect
        label="Speaker or headset (voice)"
        testId="device-speaker"
        value={devices.speakerId}
        options={list.speakers}
        onChange={(id) => save({ speakerId: id })}
      />
      <DeviceSelect label="Ring on" testId="device-ring" value={devices.ringDeviceId} options={list.speakers} onChange={(id) => save({ ringDeviceId: id })} />
      <p className="hint">Ring on your speakers while your voice stays on the headset.</p>
      <button type="button" className="secondary" onClick={testRing}>
        Test ring
      </button>
      <NotificationPermission />
      {error && <p className="error">{error}</p>}
    </div>
  );
}

function DeviceSelect(props: { label: string; testId: string; value: string; options: MediaDeviceInfo[]; onChange: (id: string) => void }) {
  const known = props.options.some((o) => o.deviceId === props.value);
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} data-testid={props.testId}>
        <option value="default">System default</option>
        {!known && props.value !== 'default' && <option value={props.value}>Unavailable device (unplugged?)</option>}
        {props.options
          .filter((o) => o.deviceId !== 'default')
          .map((o, i) => (
            <option key={o.deviceId || i} value={o.deviceId}>
              {o.label || `Device ${i + 1}`}
            </option>
          ))}
      </select>
    </label>
  );
}

/** Browsers only grant notifications after a click; Electron grants them itself. */
function NotificationPermission() {
  const [permission, setPermission] = useState(typeof Notification === 'undefined' ? 'denied' : Notification.permission);
  if (permission === 'granted') return <p className="hint">Incoming calls also show a desktop notification.</p>;
  if (permission === 'denied')
    return (
      <p className="hint">
        Desktop notifications are blocked for Focusline; allow them in the browser's site settings to see incoming calls when the window is hidden.
      </p>
    );
  return (
    <button type="button" className="secondary" onClick={() => void Notification.requestPermission().then(setPermission)}>
      Show incoming calls as desktop notifications
    </button>
  );
}

const FOCUS_ACTIONS = [
  { value: 'redirect', label: 'Send to the service manager' },
  { value: 'voicemail', label: 'Send to voicemail' },
  { value: 'busy', label: 'Busy signal' },
  { value: 'silent', label: 'Show without ringing' },
];

function FocusSettings({ api }: { api: FocuslineApi }) {
  return (
    <>
      <div className="card" aria-labelledby="focus-heading">
        <h2 id="focus-heading">Focus</h2>
        <p className="hint">While you work a ticket, or in do-not-disturb, calls from anyone not listed under “Who can reach you” are held back:</p>
        <PolicyField api={api} settingKey="focus.action" label="Calls from others go" options={FOCUS_ACTIONS} />
        <PolicyField api={api} settingKey="focus.redirectTarget" label="Service manager (SIP address)" placeholder="sip:manager@pbx.example.com" />
        <p className="hint">Voicemail for held-back calls is chosen under Voicemail &amp; greetings.</p>
      </div>
      <WhoCanReach />
    </>
  );
}
