import { useState } from 'react';
import type { Session } from '../session.js';
import { useAppStore } from '../state/app-store.js';
import { usePhoneStore } from '../state/phone-store.js';
import { CallsPanel } from './CallsPanel.js';
import { CoworkerPresence } from './CoworkerPresence.js';
import { DialPad } from './DialPad.js';
import { LinkConfirm } from './LinkConfirm.js';
import { useFollowUpRequests } from './follow-up-requests.js';
import { EscalationPrompt } from './EscalationPrompt.js';
import { FocusBar } from './FocusBar.js';
import { HandoffsView } from './HandoffsView.js';
import { HistoryView } from './HistoryView.js';
import { InsightsTab, useInsightsVisible } from './InsightsTab.js';
import { QuietCalls } from './QuietCalls.js';
import { SettingsView } from './SettingsView.js';
import { StatusBar } from './StatusBar.js';
import { TicketsView } from './TicketsView.js';
import { VoicemailInbox } from './VoicemailInbox.js';

type Tab = 'phone' | 'voicemail' | 'tickets' | 'history' | 'insights' | 'settings';
const TAB_LABELS: Record<Tab, string> = {
  phone: 'Phone',
  voicemail: 'Voicemail',
  tickets: 'Tickets',
  history: 'History',
  insights: 'Insights',
  settings: 'Settings',
};

export function App({ session }: { session: Session }) {
  const hasAccount = useAppStore((s) => s.settings?.account != null);
  const [tab, setTab] = useState<Tab>(hasAccount ? 'phone' : 'settings');
  useFollowUpRequests(() => setTab('phone'));
  const notice = useAppStore((s) => s.notice);
  const digest = useAppStore((s) => s.digest);
  const ringing = usePhoneStore((s) => s.calls.some((c) => c.state === 'ringing'));
  const followUps = useAppStore((s) => s.unhandled.length);
  const voicemailWaiting = useAppStore((s) => s.voicemails.filter((m) => m.handled === null && m.state !== 'recording').length);
  const insightsVisible = useInsightsVisible();
  const tabs = (Object.keys(TAB_LABELS) as Tab[]).filter((t) => t !== 'insights' || insightsVisible);
  const badge = (t: Tab) => (t === 'phone' && (ringing || followUps > 0) ? ' •' : t === 'voicemail' && voicemailWaiting > 0 ? ` (${voicemailWaiting})` : '');
  return (
    <div className="app">
      <StatusBar onCall={() => setTab('phone')} />
      <FocusBar api={session.api} />
      <EscalationPrompt api={session.api} phone={session.phone} />
      <LinkConfirm call={(target) => session.phone.call(target)} />
      <CoworkerPresence api={session.api} />
      <nav className="tabs" role="tablist">
        {tabs.map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)} data-testid={`tab-${t}`}>
            {TAB_LABELS[t]}
            {badge(t)}
          </button>
        ))}
      </nav>
      {digest && (
        <div className="notice digest" role="status" data-testid="digest">
          <span>{digest}</span>
          <button className="link" onClick={() => useAppStore.getState().set({ digest: '' })} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
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
            <div className="column">
              <CallsPanel phone={session.phone} api={session.api} />
              <QuietCalls api={session.api} phone={session.phone} />
              <HandoffsView api={session.api} />
            </div>
            <DialPad phone={session.phone} />
          </div>
        )}
        {tab === 'voicemail' && <VoicemailInbox api={session.api} phone={session.phone} onCall={() => setTab('phone')} />}
        {tab === 'tickets' && <TicketsView api={session.api} />}
        {tab === 'history' && (
          <div className="column">
            <HistoryView phone={session.phone} api={session.api} onCall={() => setTab('phone')} />
          </div>
        )}
        {tab === 'insights' && insightsVisible && <InsightsTab api={session.api} />}
        {tab === 'settings' && <SettingsView api={session.api} onSaved={() => setTab('phone')} />}
      </main>
    </div>
  );
}
