import { useState } from 'react';
import type { Session } from '../session.js';
import { useAppStore } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';
import { CallsPanel } from './CallsPanel.js';
import { DialPad } from './DialPad.js';
import { HistoryView } from './HistoryView.js';
import { SettingsView } from './SettingsView.js';
import { StatusBar } from './StatusBar.js';

type Tab = 'phone' | 'history' | 'settings';

export function App({ session }: { session: Session }) {
  const hasAccount = useAppStore((s) => s.settings?.account != null);
  const [tab, setTab] = useState<Tab>(hasAccount ? 'phone' : 'settings');
  const notice = useAppStore((s) => s.notice);
  const ringing = usePhoneStore((s) => s.calls.some((c) => c.state === 'ringing'));
  return (
    <div className="app">
      <StatusBar />
      <nav className="tabs" role="tablist">
        {(['phone', 'history', 'settings'] as const).map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)} data-testid={`tab-${t}`}>
            {t === 'phone' ? (ringing ? 'Phone •' : 'Phone') : t === 'history' ? 'History' : 'Settings'}
          </button>
        ))}
      </nav>
      {notice && (
        <div className="notice" role="alert" data-testid="notice">
          <span>{notice}</span>
          <button className="link" onClick={() => useAppStore.getState().setNotice('')} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      <main>
        {tab === 'phone' && (
          <div className="phone">
            <CallsPanel phone={session.phone} />
            <DialPad phone={session.phone} />
          </div>
        )}
        {tab === 'history' && <HistoryView phone={session.phone} onCall={() => setTab('phone')} />}
        {tab === 'settings' && <SettingsView api={session.api} onSaved={() => setTab('phone')} />}
      </main>
    </div>
  );
}
