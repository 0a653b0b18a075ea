import { useEffect, useState } from 'react';
import type { CommandResponse, FocuslineApi } from '../../src-main/ipc/contract.js';
import { reportError } from '../state/app-store.js';
import { formatTime } from './format.js';

type Rows = CommandResponse<'reports.repeatCallers'>['rows'];

export function toCsv(rows: Rows): string {
  const quote = (v: string | number) => `"${String(v).replaceAll('"', '""')}"`;
  const header = ['caller', 'name', 'attempts', 'suppressed', 'first', 'last'];
  return (
    [header, ...rows.map((r) => [r.callerKey, r.callerName, r.attempts, r.suppressed, r.firstAt, r.lastAt])]
      .map((line) => line.map(quote).join(','))
      .join('\n') + '\n'
  );
}

/** For the service manager: who called again and again, and how often it didn't ring. */
export function RepeatCallersReport({ api }: { api: FocuslineApi }) {
  const [days, setDays] = useState(7);
  const [rows, setRows] = useState<Rows>([]);
  useEffect(() => {
    api
      .invoke('reports.repeatCallers', { days })
      .then((r) => setRows(r.rows))
      .catch(reportError);
  }, [api, days]);
  const copy = () => void navigator.clipboard.writeText(toCsv(rows)).catch(reportError);
  return (
    <section className="card report" aria-label="Repeat callers">
      <h2>
        Repeat callers{' '}
        <select value={days} onChange={(e) => setDays(Number(e.target.value))} aria-label="Period">
          <option value={1}>today</option>
          <option value={7}>last 7 days</option>
          <option value={30}>last 30 days</option>
        </select>
      </h2>
      {rows.length === 0 ? (
        <p className="hint">Nobody called repeatedly in this period.</p>
      ) : (
        <>
          <table>
            <thead>
              <tr>
                <th>Caller</th>
                <th>Calls</th>
                <th>Didn’t ring</th>
                <th>Last</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.callerKey} data-testid="repeat-caller" data-caller={r.callerKey}>
                  <td>
                    {r.callerKey}
                    {r.callerName && <small> {r.callerName}</small>}
                  </td>
                  <td data-testid="repeat-attempts">{r.attempts}</td>
                  <td>{r.suppressed}</td>
                  <td>
                    <time dateTime={r.lastAt}>{formatTime(r.lastAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button className="secondary" onClick={copy}>
            Copy as CSV
          </button>
        </>
      )}
    </section>
  );
}
