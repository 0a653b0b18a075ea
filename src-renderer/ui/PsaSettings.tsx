import { useEffect, useState } from 'react';
import { useTrackSave } from './SaveStatus.js';
import type { FocuslineApi, PsaFormView, PsaStatusView } from '../../src-main/ipc/contract.js';
import { useAppStore } from '../state/app-store.js';
import { Managed } from './Managed.js';
import { messageOf } from '../../src-shared/errors.js';

type Kind = PsaStatusView['kind'];

const NO_FORM: PsaFormView = { kind: 'local', label: '', hint: '', fields: [], secrets: [] };

/** The PSAs main can connect to and what each one asks for (from the PSA folders' descriptors). */
function usePsaForms(api: FocuslineApi): { forms: PsaFormView[]; problem: string } {
  const [forms, setForms] = useState<PsaFormView[]>([]);
  const [problem, setProblem] = useState('');
  useEffect(() => {
    let live = true;
    api.invoke('psa.forms', {}).then(
      (r) => live && setForms(r.forms),
      (err: unknown) => live && setProblem(`Focusline couldn't list the PSAs it connects to: ${messageOf(err)}`),
    );
    return () => {
      live = false;
    };
  }, [api]);
  return { forms, problem };
}

function usePolicyValue(key: string): { value: string; locked: boolean } {
  const entry = useAppStore((s) => s.policy.entries.find((e) => e.key === key));
  const raw = entry ? (JSON.parse(entry.value) as unknown) : '';
  return { value: typeof raw === 'string' ? raw : String(raw), locked: entry?.locked === true };
}

/** Settings → PSA: pick the PSA, fill in its keys, test, save. */
export function PsaSettings({ api }: { api: FocuslineApi }) {
  const status = useAppStore((s) => s.psa);
  const { forms, problem } = usePsaForms(api);
  const effectiveKind = usePolicyValue('psa.kind');
  const entries = useAppStore((s) => s.policy.entries);
  const [chosenKind, setKind] = useState<Kind | null>(null);
  // Until the tech picks one (and always when policy enforces it), the form shows the PSA in effect.
  const kind: Kind = effectiveKind.locked || chosenKind === null ? ((effectiveKind.value || 'local') as Kind) : chosenKind;
  const [values, setValues] = useState<Record<string, string>>({});
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [report, setReport] = useState<{
    ok: boolean;
    who?: string | undefined;
    checks: { name: string; ok: boolean; detail: string }[];
    warnings: string[];
  } | null>(null);
  const [busy, setBusy] = useState<'' | 'testing' | 'saving'>('');
  const [error, setError] = useState('');
  const form = forms.find((f) => f.kind === kind) ?? NO_FORM;
  const valueOf = (key: string) => values[key] ?? (JSON.parse(entries.find((e) => e.key === key)?.value ?? '""') as string);
  const lockedKeys = new Set(entries.filter((e) => e.locked).map((e) => e.key));
  // Only this PSA's secrets: a token typed before switching PSA must not be offered to another one.
  const ownSecrets = () => Object.fromEntries(form.secrets.map((f) => [f.field, secrets[f.field] ?? '']).filter(([, v]) => v !== ''));
  const payload = () => ({
    kind,
    values: Object.fromEntries(form.fields.filter((f) => !lockedKeys.has(f.key)).map((f) => [f.key, valueOf(f.key)])),
    secrets: ownSecrets(),
  });

  const track = useTrackSave();
  const run = async (what: 'testing' | 'saving') => {
    setBusy(what);
    setError('');
    try {
      if (what === 'testing') setReport(await api.invoke('psa.test', payload()));
      else {
        const next = await track(api.invoke('psa.save', payload()));
        useAppStore.getState().set({ psa: next });
        setSecrets({});
      }
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy('');
    }
  };

  return (
    <div className="card" aria-labelledby="psa-heading">
      <h2 id="psa-heading">Tickets (PSA)</h2>
      <PsaStatusLine status={status} />
      <label>
        PSA
        <select
          value={kind}
          disabled={effectiveKind.locked}
          onChange={(e) => {
            setKind(e.target.value as Kind);
            setReport(null);
            setSecrets({});
          }}
          data-testid="psa-kind"
        >
          {forms.map((f) => (
            <option key={f.kind} value={f.kind}>
              {f.label}
            </option>
          ))}
        </select>
        {effectiveKind.locked && <Managed />}
      </label>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <p className="hint">{form.hint}</p>
      {form.fields.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            value={valueOf(f.key)}
            placeholder={f.placeholder}
            disabled={lockedKeys.has(f.key)}
            onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
            data-testid={`psa-${f.key}`}
          />
          {lockedKeys.has(f.key) && <Managed />}
        </label>
      ))}
      {form.secrets.map((s) => (
        <label key={s.field}>
          {s.label}
          <input
            type="password"
            autoComplete="off"
            value={secrets[s.field] ?? ''}
            placeholder={status?.kind === kind && status.secretsStored[s.field] ? 'Stored in the keychain (leave blank to keep)' : ''}
            onChange={(e) => setSecrets((v) => ({ ...v, [s.field]: e.target.value }))}
            data-testid={`psa-secret-${s.field}`}
          />
        </label>
      ))}
      <div className="row">
        <button type="button" className="secondary" disabled={busy !== ''} onClick={() => void run('testing')} data-testid="psa-test">
          {busy === 'testing' ? 'Testing…' : 'Test connection'}
        </button>
        <button type="button" className="primary" disabled={busy !== ''} onClick={() => void run('saving')} data-testid="psa-save">
          {busy === 'saving' ? 'Saving…' : 'Save'}
        </button>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="psa-error">
          {error}
        </p>
      )}
      {report && (
        <div className={report.ok ? 'report ok' : 'report failed'} data-testid="psa-report" data-ok={report.ok}>
          <strong>{report.ok ? `Connected${report.who ? ` as ${report.who}` : ''}.` : 'The connection test failed.'}</strong>
          <ul>
            {report.checks.map((c) => (
              <li key={c.name} data-ok={c.ok} data-testid="psa-check">
                {c.ok ? '✓' : '✗'} {c.name}: {c.detail}
              </li>
            ))}
            {report.warnings.map((w) => (
              <li key={w} className="warning" data-testid="psa-warning">
                ⚠ {w}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function PsaStatusLine({ status }: { status: PsaStatusView | null }) {
  if (!status) return null;
  const sync = status.sync.map(
    (s) =>
      `${s.kind}: ${s.state === 'running' ? `syncing ${s.itemsDone}${s.total ? ` of ${s.total}` : ''}` : s.state === 'error' ? `sync failed (${s.error ?? ''})` : s.state === 'done' ? `${s.itemsDone} synced` : 'not synced yet'}`,
  );
  const text =
    status.state === 'local'
      ? 'Using the built-in ticket store.'
      : status.state === 'incomplete'
        ? `${status.label}: fill in ${status.missing.join(', ')}.`
        : status.state === 'error'
          ? `${status.label}: ${status.problem ?? 'not connected'}`
          : `Connected to ${status.label}.${status.pollError ? ` Last check failed: ${status.pollError}` : ''}`;
  return (
    <p className={status.pollError || status.state === 'error' ? 'hint error' : 'hint'} data-testid="psa-status" data-state={status.state}>
      {text}
      {sync.length > 0 && <span data-testid="psa-sync"> {sync.join(' · ')}</span>}
    </p>
  );
}
