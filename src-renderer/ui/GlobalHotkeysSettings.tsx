import { useState } from 'react';
import type { FocuslineApi, HotkeyStatus } from '../../src-main/ipc/contract.js';
import { HOTKEY_ACTIONS, parseAccelerator, type HotkeyAction } from '../../src-shared/hotkeys/accelerator.js';
import { useDesktopStore } from '../state/desktop-store.js';
import { Managed } from './Managed.js';
import { saveSetting, useSettingEntry } from './setting-entry.js';

const LABELS: Record<HotkeyAction, string> = {
  answer: 'Answer',
  hangup: 'Hang up',
  mute: 'Mute / unmute',
  toggleDnd: 'Do not disturb on / off',
  createTicket: 'Create ticket instead (newest held-back call)',
};

/**
 * Settings → Hotkeys: keys that work from any app (desktop app only), and
 * the Play/Pause media key. Each says whether it holds its key, and why not
 * ("taken by another app"); a key policy sets is shown, not editable.
 */
export function GlobalHotkeysSettings({ api }: { api: FocuslineApi }) {
  const desktop = useDesktopStore((s) => s.desktop);
  const media = useSettingEntry('hotkeys.mediaKeys', false);
  const statusOf = (action: HotkeyStatus['action']) => desktop?.hotkeys.find((h) => h.action === action);
  return (
    <div className="card" aria-label="Hotkeys" data-testid="hotkeys-settings">
      <h2>Hotkeys</h2>
      {desktop?.available !== true && <p className="hint">Hotkeys that work from any app need the Focusline desktop app.</p>}
      <p className="hint">Type a combination such as Ctrl+Alt+A (Cmd on a Mac: CommandOrControl+Alt+A). Leave empty for none.</p>
      {HOTKEY_ACTIONS.map((action) => (
        <HotkeyField key={action} api={api} action={action} status={statusOf(action)} />
      ))}
      <label>
        <input
          type="checkbox"
          checked={media.value}
          disabled={media.locked}
          onChange={(e) => void saveSetting(api, 'hotkeys.mediaKeys', e.target.checked)}
          data-testid="hotkeys-media"
        />
        The Play/Pause media key answers and hangs up
        {media.locked && <Managed />}
      </label>
      <HotkeyProblem status={statusOf('playPause')} />
    </div>
  );
}

function HotkeyField({ api, action, status }: { api: FocuslineApi; action: HotkeyAction; status: HotkeyStatus | undefined }) {
  const entry = useSettingEntry(`hotkeys.${action}`, '');
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const shown = draft ?? entry.value;
  const parsed = parseAccelerator(shown);
  const save = () => {
    if (draft === undefined) return;
    if (!parsed.ok) return;
    setDraft(undefined);
    if (parsed.accelerator !== entry.value) void saveSetting(api, `hotkeys.${action}`, parsed.accelerator);
  };
  return (
    <label>
      {LABELS[action]}
      <input
        value={shown}
        disabled={entry.locked}
        placeholder="none"
        aria-invalid={parsed.ok ? undefined : true}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={save}
        onKeyDown={(e) => e.key === 'Enter' && save()}
        data-testid={`hotkey-${action}`}
      />
      {entry.locked && <Managed />}
      {!parsed.ok && (
        <span className="error" role="alert">
          {shown.trim()} {parsed.message}.
        </span>
      )}
      {parsed.ok && draft === undefined && <HotkeyProblem status={status} />}
    </label>
  );
}

function HotkeyProblem({ status }: { status: HotkeyStatus | undefined }) {
  if (!status || (status.state !== 'taken' && status.state !== 'duplicate')) return null;
  return (
    <span className="error" role="alert" data-testid={`hotkey-problem-${status.action}`}>
      {status.message}
    </span>
  );
}
