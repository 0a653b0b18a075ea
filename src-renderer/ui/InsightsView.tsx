import { useEffect, useState, type ReactElement, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { FocuslineApi, InsightsView as Insights } from '../../src-main/ipc/contract.js';
import { messageOf } from '../../src-shared/errors.js';
import { chartCsv, chartTable, type InsightChart } from './insights-csv.js';
import { formatTime } from './format.js';
import './insights.css';

/**
 * The Insights tab, for techs and their managers: what Focus protected and
 * how calls were returned, drawn from main's aggregation of the call log
 * (`insights.get`). Each chart shows its numbers in a table too (readable
 * without the picture) and exports them as CSV.
 */

/** A day in this computer's time zone, as the range names it: "2026-03-08". */
export function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function lastDays(n: number, today = new Date()): { from: string; to: string } {
  const from = new Date(today);
  from.setDate(from.getDate() - (n - 1));
  return { from: localDay(from), to: localDay(today) };
}

/** "2026-03-08" → "Mar 8" (the day itself, whatever the zone). */
function shortDay(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

/** A day in running text, marked up as a date. */
function Day({ day }: { day: string }) {
  return <time dateTime={day}>{shortDay(day)}</time>;
}

/** "1 call", "3 calls". */
function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function hoursAndMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}

// Colours with at least 3:1 contrast on white (WCAG 1.4.11), one meaning each.
const COLOURS = { blue: '#2563eb', violet: '#7c3aed', amber: '#b45309', slate: '#475569', green: '#15803d', red: '#b91c1c' };

const TABLE_HEADERS: Record<InsightChart, string[]> = {
  interruptions: ['Day', 'To manager', 'Voicemail', 'Busy', 'Silent', 'Total'],
  focus: ['Day', 'Minutes in Focus'],
  callbacks: ['Day', 'On time', 'Late', 'Overdue'],
  voicemail: ['Response time', 'Voicemails'],
  'repeat-callers': ['Company', 'Caller', 'Number', 'Calls', 'Held', 'Last call'],
};

/** A table cell as people read it: days as "Mar 8", the last call as a time; the CSV keeps the exact values. */
function cellText(chart: InsightChart, column: number, cell: string | number | null): ReactNode {
  if (cell === null) return '—';
  if (typeof cell === 'string' && column === 0 && chart !== 'voicemail' && chart !== 'repeat-callers') return <time dateTime={cell}>{shortDay(cell)}</time>;
  if (typeof cell === 'string' && chart === 'repeat-callers' && column === 5) return <time dateTime={cell}>{formatTime(cell)}</time>;
  return cell;
}

function download(view: Insights, chart: InsightChart): void {
  const { fileName, text } = chartCsv(view, chart);
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function InsightCard({
  chart,
  title,
  headline,
  note,
  view,
  children,
}: {
  chart: InsightChart;
  title: string;
  headline: string;
  /** What the numbers leave out, in plain words; shown under the headline. */
  note?: ReactNode;
  view: Insights;
  children: ReactNode;
}) {
  const rows = chartTable(view, chart).slice(1);
  const headingId = `insight-${chart}-title`;
  return (
    <section className="card insight" aria-labelledby={headingId} data-testid={`insight-${chart}`}>
      <div className="insight-head">
        <h2 id={headingId}>{title}</h2>
        <button className="secondary" onClick={() => download(view, chart)} data-testid={`insight-${chart}-csv`}>
          Download CSV
        </button>
      </div>
      <p className="insight-headline" data-testid={`insight-${chart}-headline`}>
        {headline}
      </p>
      {note && (
        <p className="insight-note" data-testid={`insight-${chart}-note`}>
          {note}
        </p>
      )}
      {children}
      <details className="insight-numbers">
        <summary>Show the numbers</summary>
        <table data-testid={`insight-${chart}-table`}>
          <thead>
            <tr>
              {TABLE_HEADERS[chart].map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                {row.map((cell, j) => (
                  <td key={j}>{cellText(chart, j, cell)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function Chart({ children, label }: { children: ReactElement; label: string }) {
  return (
    <div className="insight-chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={220}>
        {children}
      </ResponsiveContainer>
    </div>
  );
}

export function InsightsView({ api }: { api: FocuslineApi }) {
  const [range, setRange] = useState(() => lastDays(7));
  const [view, setView] = useState<Insights | null>(null);
  const [error, setError] = useState('');
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  useEffect(() => {
    if (range.from > range.to) return;
    let live = true;
    api
      .invoke('insights.get', { from: range.from, to: range.to, timeZone })
      .then((v) => {
        if (!live) return;
        setView(v);
        setError('');
      })
      .catch((err: unknown) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [api, range.from, range.to, timeZone]);

  const setDay = (which: 'from' | 'to', value: string) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) setRange((r) => ({ ...r, [which]: value }));
  };
  const backwards = range.from > range.to;
  const stale = view !== null && (view.from !== range.from || view.to !== range.to);

  return (
    <div className="insights" data-testid="insights">
      <section className="card insight-range" aria-label="Date range">
        <label>
          From <input type="date" value={range.from} max={range.to} onChange={(e) => setDay('from', e.target.value)} data-testid="insights-from" />
        </label>
        <label>
          To <input type="date" value={range.to} min={range.from} onChange={(e) => setDay('to', e.target.value)} data-testid="insights-to" />
        </label>
        <span className="insight-presets">
          <button className="secondary" onClick={() => setRange(lastDays(7))}>
            Last 7 days
          </button>
          <button className="secondary" onClick={() => setRange(lastDays(30))}>
            Last 30 days
          </button>
        </span>
        {backwards && <p className="error">The start day is after the end day; pick an earlier start.</p>}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </section>
      {/* The last range's charts stay while the next one loads, marked as busy, rather than vanishing. */}
      {view && (
        <div aria-busy={stale} className={stale ? 'insights-stale' : undefined} data-testid="insights-charts" data-stale={stale}>
          {stale && !backwards && !error && (
            <p className="hint" role="status">
              Loading {shortDay(range.from)} to {shortDay(range.to)}…
            </p>
          )}
          <Charts view={view} />
        </div>
      )}
    </div>
  );
}

function Charts({ view }: { view: Insights }) {
  const days = (rows: { day: string }[]) => rows.map((r) => ({ ...r, label: shortDay(r.day) }));
  const cb = view.callbacks.totals;
  const returned = cb.onTime + cb.late;
  const vm = view.voicemail;
  return (
    <div className="insight-grid">
      <InsightCard
        chart="interruptions"
        title="Interruptions prevented"
        view={view}
        headline={`${count(view.interruptions.total, 'call', 'calls')} held back by Focus`}
        note="Calls the after-hours rule handled are not counted here: they would have been held back anyway."
      >
        <Chart label={`Calls held back per day: ${view.interruptions.total} in all`}>
          <BarChart data={days(view.interruptions.rows)}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar isAnimationActive={false} dataKey="redirected" name="To the service manager" stackId="held" fill={COLOURS.blue} />
            <Bar isAnimationActive={false} dataKey="voicemail" name="Voicemail" stackId="held" fill={COLOURS.violet} />
            <Bar isAnimationActive={false} dataKey="busy" name="Busy" stackId="held" fill={COLOURS.amber} />
            <Bar isAnimationActive={false} dataKey="silent" name="Shown silently" stackId="held" fill={COLOURS.slate} />
          </BarChart>
        </Chart>
      </InsightCard>

      <InsightCard
        chart="focus"
        title="Time protected in Focus"
        view={view}
        headline={`${hoursAndMinutes(view.focus.totalMinutes)} in Focus`}
        note={
          view.focus.recordedFrom === null ? undefined : (
            <>
              Focus time is on record from <Day day={view.focus.recordedFrom} /> on (this version started keeping it then); earlier days show none.
            </>
          )
        }
      >
        <Chart label={`Minutes in Focus per day: ${view.focus.totalMinutes} in all`}>
          <BarChart data={days(view.focus.rows)}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} unit=" min" width={70} />
            <Tooltip />
            <Bar isAnimationActive={false} dataKey="minutes" name="Minutes in Focus" fill={COLOURS.blue} />
          </BarChart>
        </Chart>
      </InsightCard>

      <InsightCard
        chart="callbacks"
        title="Callbacks"
        view={view}
        headline={`${cb.onTime} of ${count(returned, 'caller', 'callers')} called back on time (same day), ${cb.late} late, ${cb.overdue} overdue`}
        note="One callback per caller per day: it counts once you reach them (or they reach you) after their last call."
      >
        <Chart label={`Callers to call back per day: ${cb.onTime} on time, ${cb.late} late, ${cb.overdue} overdue`}>
          <BarChart data={days(view.callbacks.rows)}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar isAnimationActive={false} dataKey="onTime" name="On time" stackId="cb" fill={COLOURS.green} />
            <Bar isAnimationActive={false} dataKey="late" name="Late" stackId="cb" fill={COLOURS.amber} />
            <Bar isAnimationActive={false} dataKey="overdue" name="Overdue" stackId="cb" fill={COLOURS.red} />
          </BarChart>
        </Chart>
      </InsightCard>

      <InsightCard
        chart="voicemail"
        title="Voicemail response times"
        view={view}
        note={
          vm.countedFrom === null ? undefined : (
            <>
              Handled voicemails are deleted after {count(vm.retentionDays, 'day', 'days')} (your organization&apos;s setting), so this counts those left from{' '}
              <Day day={vm.countedFrom} /> on.
            </>
          )
        }
        headline={
          vm.medianMinutes === null
            ? `${count(vm.received, 'voicemail', 'voicemails')}, none answered yet`
            : `Median response ${hoursAndMinutes(Math.round(vm.medianMinutes))}; ${vm.answered} of ${count(vm.received, 'voicemail', 'voicemails')} answered, ${vm.waiting} waiting`
        }
      >
        <Chart label={`Voicemails by response time: ${vm.answered} answered, ${vm.waiting} waiting`}>
          <BarChart data={vm.buckets} layout="vertical">
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="label" width={120} interval={0} tick={{ fontSize: 12 }} />
            <Tooltip />
            <Bar isAnimationActive={false} dataKey="count" name="Voicemails" fill={COLOURS.violet} />
          </BarChart>
        </Chart>
      </InsightCard>

      <InsightCard
        chart="repeat-callers"
        title="Repeat callers by company"
        view={view}
        headline={
          view.repeatCallers.rows.length === 0
            ? 'Nobody called repeatedly in this range'
            : `${count(view.repeatCallers.rows.length, 'company or caller', 'companies or callers')} called repeatedly`
        }
      >
        {view.repeatCallers.rows.length > 0 && (
          <>
            <Chart label="Calls from repeat callers, by company">
              <BarChart data={view.repeatCallers.rows.slice(0, 10)} layout="vertical" margin={{ left: 16 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="label" width={140} tick={{ fontSize: 12 }} />
                <Tooltip />
                <Legend />
                <Bar isAnimationActive={false} dataKey="calls" name="Calls" fill={COLOURS.blue} />
                <Bar isAnimationActive={false} dataKey="heldBack" name="Held back" fill={COLOURS.slate} />
              </BarChart>
            </Chart>
            <ul className="insight-companies">
              {view.repeatCallers.rows.map((row) => (
                <li key={row.label} data-testid="repeat-company" data-company={row.company ?? ''}>
                  <strong>{row.label}</strong> <span data-testid="repeat-company-calls">{count(row.calls, 'call', 'calls')}</span>, {row.heldBack} held back:{' '}
                  {row.callers.map((c) => `${c.name}${c.name === c.number ? '' : ` (${c.number})`}, ${c.calls}`).join('; ')}
                </li>
              ))}
            </ul>
          </>
        )}
      </InsightCard>
    </div>
  );
}
