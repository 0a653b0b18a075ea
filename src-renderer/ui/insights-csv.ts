import type { InsightsView } from '../../src-main/ipc/contract.js';

/** The Insights charts, by the name their CSV file and test ids use. */
export const INSIGHT_CHARTS = ['interruptions', 'focus', 'callbacks', 'voicemail', 'repeat-callers'] as const;
export type InsightChart = (typeof INSIGHT_CHARTS)[number];

type Cell = string | number | null;

/**
 * One chart's numbers as CSV (RFC 4180: every field quoted, CRLF lines), for
 * a spreadsheet. Caller names come from phones and PSAs, so a text cell that
 * a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with
 * an apostrophe; a phone number ("+14155550100") is left as it is. The text
 * starts with a UTF-8 byte order mark: without it Excel reads the file as
 * the system's code page, and "15–60 min" or "Zoë" comes out garbled.
 */
export function chartCsv(view: InsightsView, chart: InsightChart): { fileName: string; text: string } {
  return { fileName: `focusline-${chart}-${view.from}-to-${view.to}.csv`, text: UTF8_BOM + toCsv(chartTable(view, chart)) };
}

export const UTF8_BOM = '\uFEFF';

/** The chart's numbers as rows, the header first: what the CSV holds and the tab's table shows. */
export function chartTable(view: InsightsView, chart: InsightChart): Cell[][] {
  switch (chart) {
    case 'interruptions':
      return [
        ['day', 'redirected', 'voicemail', 'busy', 'silent', 'total'],
        ...view.interruptions.rows.map((r) => [r.day, r.redirected, r.voicemail, r.busy, r.silent, r.total]),
      ];
    case 'focus':
      return [['day', 'minutes_in_focus'], ...view.focus.rows.map((r) => [r.day, r.minutes])];
    case 'callbacks':
      return [['day', 'called_back_on_time', 'called_back_late', 'overdue'], ...view.callbacks.rows.map((r) => [r.day, r.onTime, r.late, r.overdue])];
    case 'voicemail':
      return [['response_time', 'voicemails'], ...view.voicemail.buckets.map((b) => [b.label, b.count])];
    case 'repeat-callers':
      return [
        ['company', 'caller', 'number', 'calls', 'held_back', 'last_call'],
        ...view.repeatCallers.rows.flatMap((row) => row.callers.map((c) => [row.company, c.name, c.number, c.calls, c.heldBack, c.lastAt])),
      ];
  }
}

const PHONE_NUMBER = /^\+?[\d ()-]+$/;
const FORMULA_START = /^[=+\-@\t\r]/;

function field(cell: Cell): string {
  if (cell === null) return '""';
  let text = String(cell);
  if (typeof cell === 'string' && FORMULA_START.test(text) && !PHONE_NUMBER.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

function toCsv(rows: Cell[][]): string {
  return rows.map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
