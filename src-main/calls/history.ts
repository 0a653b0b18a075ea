import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HistoryEntrySchema, type HistoryEntry } from '../ipc/contract.js';
import { appendLine } from '../storage/json-file.js';

const MAX_IN_MEMORY = 5000;

/**
 * The call history: one JSON line per finished call, appended so a crash can
 * cost at most the line being written. Damaged lines are skipped and counted,
 * never fatal.
 */
export class CallHistory {
  private entries: HistoryEntry[] = [];
  skippedLines = 0;
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'call-history.jsonl');
  }

  async load(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const { entries, skipped } = parseHistoryLines(text);
    this.entries = entries.slice(-MAX_IN_MEMORY);
    this.skippedLines = skipped;
  }

  async record(entry: HistoryEntry): Promise<void> {
    await appendLine(this.path, JSON.stringify(entry));
    this.entries.push(entry);
    if (this.entries.length > MAX_IN_MEMORY) this.entries.splice(0, this.entries.length - MAX_IN_MEMORY);
  }

  /** One call by its id (the SIP Call-ID), the newest entry if there are several. */
  get(id: string): HistoryEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]?.id === id) return this.entries[i];
    return undefined;
  }

  /** Newest first. */
  list(limit: number): HistoryEntry[] {
    return this.entries.slice(-limit).reverse();
  }
}

export function parseHistoryLines(text: string): { entries: HistoryEntry[]; skipped: number } {
  const entries: HistoryEntry[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = HistoryEntrySchema.safeParse(JSON.parse(line));
      if (parsed.success) entries.push(parsed.data);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { entries, skipped };
}
