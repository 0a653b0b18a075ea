/**
 * "Who can reach you while focused", read from policy values: plain words
 * for the directory and the business hours (which managers write as JSON).
 */
export type DirectoryEntry = { name: string; extensions?: string[]; numbers?: string[]; sipUris?: string[] };
export type TimeRange = { start: string; end: string };
export type WeeklyHours = Partial<Record<(typeof DAYS)[number], TimeRange[]>> | null;

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY_NAMES: Record<(typeof DAYS)[number], string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

/** "Sam Okafor (ext. 2002)" */
export function entryWords(e: DirectoryEntry): string {
  const how = [...(e.extensions ?? []).map((x) => `ext. ${x}`), ...(e.numbers ?? []), ...(e.sipUris ?? [])];
  return how.length > 0 ? `${e.name} (${how.join(', ')})` : e.name;
}

/** "Mon–Fri 08:00–17:00; Sat 09:00–12:00"; days with the same hours in a row are joined. null: no business hours. */
export function hoursWords(weekly: WeeklyHours): string | null {
  if (!weekly) return null;
  const rangesOf = (d: (typeof DAYS)[number]) => (weekly[d] ?? []).map((r) => `${r.start}–${r.end}`).join(', ');
  const runs: { from: string; to: string; hours: string }[] = [];
  for (const day of DAYS) {
    const hours = rangesOf(day);
    const last = runs[runs.length - 1];
    if (hours && last && last.hours === hours && DAYS.indexOf(last.to as (typeof DAYS)[number]) === DAYS.indexOf(day) - 1) last.to = day;
    else if (hours) runs.push({ from: day, to: day, hours });
  }
  if (runs.length === 0) return 'Closed every day';
  return runs
    .map((r) => `${DAY_NAMES[r.from as (typeof DAYS)[number]]}${r.to !== r.from ? `–${DAY_NAMES[r.to as (typeof DAYS)[number]]}` : ''} ${r.hours}`)
    .join('; ');
}
