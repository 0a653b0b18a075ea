import { describe, expect, it, vi } from 'vitest';
import type { CallOnRecord } from '../../../src-main/calls/call-caller.js';
import { createAttemptLogging } from '../../../src-main/tickets/attempt-logging.js';
import type { Ticketing } from '../../../src-main/tickets/ticketing.js';

const attempt: CallOnRecord = {
  id: 'att-1',
  at: Date.UTC(2026, 11, 7, 14, 2),
  callerUri: 'sip:+15550101@pbx',
  callerNumber: '+15550101',
  callerName: 'Jane Doe',
  rule: 'redirect',
  reason: 'Held by Focus',
  ticketId: null,
  repeatCaller: false,
};

function setup(logAttempts: 'off' | 'not-rung' | 'all') {
  const enqueue = vi.fn();
  const ticketing = {
    desk: { usesPsa: () => true },
    callerFromIndex: () => null,
    outbox: { enqueue },
  } as unknown as Pick<Ticketing, 'desk' | 'callerFromIndex' | 'outbox'>;
  const logging = createAttemptLogging({ ticketing, settings: () => ({ 'psa.logAttempts': logAttempts }), log: () => undefined });
  const sent = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return enqueue.mock.calls.map(([h]) => h as { idempotencyKey: string; payload: { outcome: string } });
  };
  return { logging, sent };
}

describe('contact attempts logged in the PSA', () => {
  it('each try to call back is its own attempt on the trail (one handoff per returned call)', async () => {
    const { logging, sent } = setup('all');
    logging.calledBack(attempt, 'ret-1@host', 'not reached (480 Temporarily Unavailable)');
    logging.calledBack(attempt, 'ret-2@host', 'answered');
    const handoffs = await sent();
    expect(handoffs.map((h) => h.payload.outcome)).toEqual(['Called back: not reached (480 Temporarily Unavailable)', 'Called back: answered']);
    expect(new Set(handoffs.map((h) => h.idempotencyKey)).size).toBe(2);
  });

  it('callbacks are logged unless policy turns logging off', async () => {
    for (const [setting, count] of [
      ['all', 1],
      ['not-rung', 1],
      ['off', 0],
    ] as const) {
      const { logging, sent } = setup(setting);
      logging.calledBack(attempt, 'ret@host', 'answered');
      expect(await sent()).toHaveLength(count);
    }
  });

  it('held calls are logged unless off; calls that rang only with "all"', async () => {
    const { logging, sent } = setup('not-rung');
    logging.held(attempt, 'redirect');
    logging.rang(attempt, 'missed');
    expect((await sent()).map((h) => h.payload.outcome)).toEqual(['Held by Focus: redirect']);
  });
});
