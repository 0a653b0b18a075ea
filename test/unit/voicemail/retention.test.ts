import { describe, expect, it } from 'vitest';
import { retentionPlan, type RetainedMessage } from '../../../src-main/voicemail/retention.js';

const NOW = new Date('2025-06-30T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

function message(id: string, daysOld: number, handled: boolean, sizeBytes = 1000): RetainedMessage {
  return { id, receivedAt: new Date(NOW.getTime() - daysOld * DAY), handled, sizeBytes };
}

describe('retentionPlan', () => {
  it('deletes handled voicemail older than retentionDays, oldest first, and counts the bytes', () => {
    const plan = retentionPlan([message('b', 100, true, 300), message('a', 200, true, 200), message('c', 10, true, 50), message('d', 95, false, 70)], NOW, {
      retentionDays: 90,
      retentionCount: 500,
    });
    expect(plan.deleteIds).toEqual(['a', 'b']);
    expect(plan).toMatchObject({ freedBytes: 500, keptCount: 2, keptBytes: 120 });
  });

  it('never deletes unhandled voicemail for its age, and warns about it', () => {
    const plan = retentionPlan([message('old', 400, false), message('older', 500, false)], NOW, { retentionDays: 90, retentionCount: 500 });
    expect(plan.deleteIds).toEqual([]);
    expect(plan.warnings).toEqual([expect.stringMatching(/^2 unhandled voicemails are older than 90 days\. Unhandled voicemail is never deleted/)]);
  });

  it('keeps a message received exactly retentionDays ago', () => {
    expect(retentionPlan([message('edge', 90, true), message('past', 90.001, true)], NOW, { retentionDays: 90, retentionCount: 10 }).deleteIds).toEqual([
      'past',
    ]);
  });

  it('over the count, deletes the oldest handled ones, skipping unhandled ones in between', () => {
    const messages = [
      message('u1', 9, false),
      message('h1', 8, true),
      message('u2', 7, false),
      message('h2', 6, true),
      message('h3', 5, true),
      message('u3', 1, false),
    ];
    const plan = retentionPlan(messages, NOW, { retentionDays: 90, retentionCount: 4 });
    expect(plan.deleteIds).toEqual(['h1', 'h2']);
    expect(plan.keptCount).toBe(4);
    expect(plan.warnings).toEqual([]);
  });

  it('counts the age deletions toward the limit before deleting more', () => {
    const messages = [message('expired', 100, true), message('h1', 5, true), message('h2', 4, true), message('h3', 3, true)];
    expect(retentionPlan(messages, NOW, { retentionDays: 90, retentionCount: 2 }).deleteIds).toEqual(['expired', 'h1']);
  });

  it('when unhandled voicemail alone exceeds the count, keeps it all and warns', () => {
    const messages = [message('u1', 3, false), message('h1', 2, true), message('u2', 1, false), message('u3', 0, false)];
    const plan = retentionPlan(messages, NOW, { retentionDays: 90, retentionCount: 2 });
    expect(plan.deleteIds).toEqual(['h1']);
    expect(plan.keptCount).toBe(3);
    expect(plan.warnings).toEqual([expect.stringMatching(/^3 voicemails kept, more than the limit of 2, because unhandled voicemail is never deleted/)]);
  });

  it('breaks ties in time by id, so the plan is the same every run', () => {
    const messages = [message('b', 5, true), message('a', 5, true), message('c', 5, true)];
    expect(retentionPlan(messages, NOW, { retentionDays: 90, retentionCount: 1 }).deleteIds).toEqual(['a', 'b']);
  });

  it('deletes nothing within the limits', () => {
    expect(retentionPlan([message('a', 1, true), message('b', 2, false)], NOW, { retentionDays: 90, retentionCount: 10 })).toEqual({
      deleteIds: [],
      freedBytes: 0,
      keptCount: 2,
      keptBytes: 2000,
      warnings: [],
    });
    expect(retentionPlan([], NOW, { retentionDays: 1, retentionCount: 10 }).deleteIds).toEqual([]);
  });
});
