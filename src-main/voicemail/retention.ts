/**
 * Which voicemails to delete under the retention policy
 * (voicemail.retentionDays, voicemail.retentionCount). Pure: the store
 * applies the answer.
 *
 * An unhandled voicemail is a customer waiting for a call back, so it is
 * never deleted here, however old, and however many there are: deleting it
 * would silently lose that call. Only handled voicemails go:
 * 1. every handled one older than retentionDays (strictly older: received
 *    exactly retentionDays ago is kept);
 * 2. then, while more than retentionCount remain, the oldest handled ones.
 * When unhandled voicemails alone keep the count above the limit, or some are
 * older than retentionDays, they stay and a warning says so, for the tech to
 * deal with (the inbox shows it).
 */
export type RetainedMessage = {
  id: string;
  receivedAt: Date;
  handled: boolean;
  sizeBytes: number;
};

export type RetentionPolicy = { retentionDays: number; retentionCount: number };

export type RetentionPlan = {
  /** Oldest first. */
  deleteIds: string[];
  freedBytes: number;
  /** What stays: count and bytes. */
  keptCount: number;
  keptBytes: number;
  warnings: string[];
};

const DAY_MS = 24 * 60 * 60 * 1000;

export function retentionPlan(messages: readonly RetainedMessage[], now: Date, policy: RetentionPolicy): RetentionPlan {
  const oldestFirst = [...messages].sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || compareIds(a.id, b.id));
  const cutoff = now.getTime() - policy.retentionDays * DAY_MS;
  const expired = (m: RetainedMessage) => m.receivedAt.getTime() < cutoff;
  const doomed = new Set(oldestFirst.filter((m) => m.handled && expired(m)));
  let remaining = oldestFirst.length - doomed.size;
  for (const message of oldestFirst) {
    if (remaining <= policy.retentionCount) break;
    if (!message.handled || doomed.has(message)) continue;
    doomed.add(message);
    remaining -= 1;
  }
  const kept = oldestFirst.filter((m) => !doomed.has(m));
  return {
    deleteIds: oldestFirst.filter((m) => doomed.has(m)).map((m) => m.id),
    freedBytes: sum([...doomed].map((m) => m.sizeBytes)),
    keptCount: kept.length,
    keptBytes: sum(kept.map((m) => m.sizeBytes)),
    warnings: warningsFor(kept, expired, policy),
  };
}

function warningsFor(kept: RetainedMessage[], expired: (m: RetainedMessage) => boolean, policy: RetentionPolicy): string[] {
  const warnings: string[] = [];
  const old = kept.filter((m) => !m.handled && expired(m)).length;
  if (old > 0) {
    warnings.push(
      `${plural(old, 'unhandled voicemail')} ${old === 1 ? 'is' : 'are'} older than ${plural(policy.retentionDays, 'day')}. Unhandled voicemail is never deleted: return the call and mark it handled.`,
    );
  }
  if (kept.length > policy.retentionCount) {
    warnings.push(
      // Every handled one is gone by now (retentionPlan deletes them first): the rest are unhandled.
      `${plural(kept.length, 'voicemail')} kept, more than the limit of ${policy.retentionCount}, because unhandled voicemail is never deleted. Return the oldest calls and mark them handled so they can be cleaned up.`,
    );
  }
  return warnings;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
