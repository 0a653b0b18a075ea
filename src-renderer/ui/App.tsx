import { ChartColumn, Clock3, Phone as PhoneIcon, Settings, Ticket, Voicemail, type LucideIcon } from 'lucide-react';
import { useState, type ReactNode } from 'react';
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
import { TabList, TabPanel } from './Tabs.js';
import { TicketsView } from './TicketsView.js';
import { usePhoneShortcuts } from './use-phone-shortcuts.js';
import { VoicemailInbox } from './VoicemailInbox.js';

/** What a tab's panel gets: the session, and a way to show another tab (e.g. Phone when a call starts). */
type TabContext = { session: Session; show: (tab: TabId) => void };

type TabDef = { id: string; label: string; icon: LucideIcon; render: (ctx: TabContext) => ReactNode };

/**
 * The window's tabs, in order. A new tab is one entry here; its badge, if
 * any, goes in `useBadges`.
 */
const TABS = [
  {
    id: 'phone',
    label: 'Phone',
    icon: PhoneIcon,
    render: ({ session }) => (
      <div className="phone">
        <div className="column">
          <CallsPanel phone={session.phone} api={session.api} />
          <QuietCalls api={session.api} phone={session.phone} />
          <HandoffsView api={session.api} />
        </div>
        <DialPad phone={session.phone} />
      </div>
    ),
  },
  {
    id: 'voicemail',
    label: 'Voicemail',
    icon: Voicemail,
    render: ({ session, show }) => <VoicemailInbox api={session.api} phone={session.phone} onCall={() => show('phone')} />,
  },
  { id: 'tickets', label: 'Tickets', icon: Ticket, render: ({ session }) => <TicketsView api={session.api} /> },
  {
    id: 'history',
    label: 'History',
    icon: Clock3,
    render: ({ session, show }) => (
      <div className="column">
        <HistoryView phone={session.phone} api={session.api} onCall={() => show('phone')} />
      </div>
    ),
  },
  { id: 'insights', label: 'Insights', icon: ChartColumn, render: ({ session }) => <InsightsTab api={session.api} /> },
  { id: 'settings', label: 'Settings', icon: Settings, render: ({ session, show }) => <SettingsView api={session.api} onSaved={() => show('phone')} /> },
] as const satisfies readonly TabDef[];

export type TabId = (typeof TABS)[number]['id'];

/** Something waiting on a tab: a call ringing or to follow up, voicemail not yet dealt with. */
function useBadges(): Partial<Record<TabId, ReactNode>> {
  const ringing = usePhoneStore((s) => s.calls.some((c) => c.state === 'ringing'));
  const followUps = useAppStore((s) => s.unhandled.length);
  const voicemailWaiting = useAppStore((s) => s.voicemails.filter((m) => m.handled === null && m.state !== 'recording').length);
  return {
    ...((ringing || followUps > 0) && {
      phone: (
        <span className="tab-dot" role="img" aria-label={ringing ? 'a call is ringing' : 'calls to follow up'}>
          •
        </span>
      ),
    }),
    ...(voicemailWaiting > 0 && {
      voicemail: (
        <span className="tab-count" aria-label={`${voicemailWaiting} new`}>
          {voicemailWaiting}
        </span>
      ),
    }),
  };
}

/** Tabs that policy hides right now: Insights, when insights.visible is off. */
function useHiddenTabs(): ReadonlySet<TabId> {
  const insightsVisible = useInsightsVisible();
  return new Set<TabId>(insightsVisible ? [] : ['insights']);
}

export function App({ session }: { session: Session }) {
  const hasAccount = useAppStore((s) => s.settings?.account != null);
  const [tab, setTab] = useState<TabId>(hasAccount ? 'phone' : 'settings');
  useFollowUpRequests(() => setTab('phone'));
  const notice = useAppStore((s) => s.notice);
  const noticeTone = useAppStore((s) => s.noticeTone);
  const digest = useAppStore((s) => s.digest);
  const badges = useBadges();
  usePhoneShortcuts(session.phone);
  const hidden = useHiddenTabs();
  const shown = TABS.filter((t) => !hidden.has(t.id));
  const current = shown.find((t) => t.id === tab) ?? shown[0] ?? TABS[0];
  return (
    <div className="app">
      <StatusBar onCall={() => setTab('phone')} />
      <FocusBar api={session.api} />
      <EscalationPrompt api={session.api} phone={session.phone} />
      <LinkConfirm call={(target) => session.phone.call(target)} runFocusLink={(id, run) => session.api.invoke('app.answerFocusLink', { id, run })} />
      <CoworkerPresence api={session.api} />
      <nav aria-label="Focusline">
        <TabList
          items={shown.map((t) => ({ id: t.id, label: t.label, icon: t.icon, badge: badges[t.id] }))}
          value={current.id}
          onChange={setTab}
          label="Focusline"
          idPrefix="app"
          testIdPrefix="tab-"
        />
      </nav>
      {digest && (
        <div className="notice digest" aria-live="polite" data-testid="digest">
          <span>{digest}</span>
          <button className="link" onClick={() => useAppStore.getState().set({ digest: '' })} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      {notice && (
        <div
          className={`notice notice-${noticeTone}`}
          {...(noticeTone === 'problem' ? { role: 'alert' } : { 'aria-live': 'polite' as const })}
          data-testid="notice"
          data-tone={noticeTone}
        >
          <span>{notice}</span>
          <button className="link" onClick={() => useAppStore.getState().setNotice('')} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      <main>
        <TabPanel idPrefix="app" id={current.id}>
          {current.render({ session, show: setTab })}
        </TabPanel>
      </main>
    </div>
  );
}
