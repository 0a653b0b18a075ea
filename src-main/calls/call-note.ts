import { dialableNumber } from './call-caller.js';
import type { HistoryEntry } from '../ipc/contract.js';

/**
 * "Document the encounter": the note a call leaves on its ticket when the
 * tech logs it at hang-up. Who, when, how long, then the tech's summary.
 * Times are the machine's local time, as the tech saw them.
 */
export function callNoteText(entry: HistoryEntry, summary: string): string {
  const who =
    entry.remoteName && entry.remoteName !== dialableNumber(entry.remoteUri)
      ? `${entry.remoteName} (${dialableNumber(entry.remoteUri)})`
      : dialableNumber(entry.remoteUri);
  const start = new Date(entry.answeredAt ?? entry.startedAt);
  const end = new Date(entry.endedAt);
  const talked = entry.answeredAt === null ? 'not connected' : duration(end.getTime() - start.getTime());
  const direction = entry.direction === 'incoming' ? 'from' : 'to';
  const lines = [`Phone call ${direction} ${who}, ${day(start)} ${clock(start)}–${clock(end)} (${talked}).`];
  const text = summary.trim();
  if (text) lines.push('', text);
  return lines.join('\n');
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m === 0 ? `${s} s` : `${m} min ${s} s`;
}

function day(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function clock(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
