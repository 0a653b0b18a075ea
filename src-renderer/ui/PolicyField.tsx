import type { FocuslineApi } from '../../src-main/ipc/contract.js';
import { useAppStore } from '../state/app-store.js';
import { Managed } from './Managed.js';
import { useTrackSave } from './SaveStatus.js';
import { useState } from 'react';

/** One setting as the tech may change it, or read-only with the enforced value when policy enforces it. */
export function PolicyField(props: {
  api: FocuslineApi;
  settingKey: string;
  label: string;
  options?: { value: string; label: string }[];
  placeholder?: string;
}) {
  const entry = useAppStore((s) => s.policy.entries.find((e) => e.key === props.settingKey));
  const track = useTrackSave();
  const current = entry ? (JSON.parse(entry.value) as unknown) : '';
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const locked = entry?.locked === true;
  const shown = locked ? String(current) : (draft ?? (typeof current === 'string' ? current : String(current)));
  const save = (value: string) => {
    setDraft(undefined);
    const typed: unknown = typeof current === 'number' ? Number(value) : value;
    if (JSON.stringify(typed) === entry?.value) return;
    void track(props.api.invoke('settings.setValue', { key: props.settingKey, value: typed })).catch(() => undefined); // the section's line says why
  };
  const testId = `setting-${props.settingKey}`;
  return (
    <label>
      {props.label}
      {props.options ? (
        <select value={shown} disabled={locked} onChange={(e) => save(e.target.value)} data-testid={testId}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          value={shown}
          disabled={locked}
          placeholder={props.placeholder}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={(e) => save(e.target.value)}
          data-testid={testId}
        />
      )}
      {locked && <Managed />}
    </label>
  );
}
