// The same fault table for every vendor: whatever the PSA answers, the
// adapter turns it into a PsaError of the right kind (never a crash, never a
// silent success). Each vendor's test file calls describeFaultBehaviour with
// its own server and an operation to try; vendor quirks (Autotask answers bad
// credentials with 500) are passed as overrides.
import { describe, expect, it } from 'vitest';
import { PsaError, type PsaErrorKind } from '../../../src-main/tickets/psa.js';
import type { Fault, PsaContractServer } from '../../harness/psa-contract-server.js';

export type FaultCase = { name: string; fault: Fault; kind: PsaErrorKind; retryAfterMs?: number };

/** Delay for the 'slow' case; the adapter under test must be built with a timeout well below it. */
export const SLOW_REPLY_MS = 1_500;

export const STANDARD_FAULTS: FaultCase[] = [
  { name: '401 (wrong key)', fault: { kind: 'status', status: 401 }, kind: 'auth' },
  { name: '403 (missing permission)', fault: { kind: 'status', status: 403 }, kind: 'forbidden' },
  { name: '404 (wrong URL or gone)', fault: { kind: 'status', status: 404 }, kind: 'not-found' },
  { name: '429 with Retry-After', fault: { kind: 'rate-limit', retryAfterSeconds: 7 }, kind: 'rate-limited', retryAfterMs: 7_000 },
  { name: '500', fault: { kind: 'status', status: 500 }, kind: 'unavailable' },
  { name: 'a slow reply', fault: { kind: 'slow', delayMs: SLOW_REPLY_MS }, kind: 'timeout' },
  { name: 'malformed JSON', fault: { kind: 'malformed' }, kind: 'malformed' },
  { name: 'an HTML page instead of JSON', fault: { kind: 'html' }, kind: 'malformed' },
];

export type FaultSubject = {
  server: () => PsaContractServer;
  /** One adapter call that reaches the server (after any token/zone step the adapter caches). */
  operations: Record<string, () => Promise<unknown>>;
  /** Run before each case, e.g. to warm a token or zone cache so the fault hits the operation itself. */
  prepare?: () => Promise<void>;
  /** Vendor quirks: replace or add cases. */
  cases?: FaultCase[];
};

export function describeFaultBehaviour(vendor: string, subject: FaultSubject): void {
  const cases = subject.cases ?? STANDARD_FAULTS;
  describe(`${vendor}: faults become clear PsaErrors`, () => {
    for (const [operation, run] of Object.entries(subject.operations)) {
      for (const c of cases) {
        it(`${operation}: ${c.name} → ${c.kind}`, async () => {
          await subject.prepare?.();
          const server = subject.server();
          server.clearFaults();
          server.inject(c.fault, { times: 1 });
          const error = await run().then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error, `${operation} should have failed on ${c.name}`).toBeInstanceOf(PsaError);
          const psaError = error as PsaError;
          expect(psaError.kind).toBe(c.kind);
          expect(psaError.message).toMatch(new RegExp(vendor, 'i'));
          if (c.retryAfterMs !== undefined) expect(psaError.retryAfterMs).toBe(c.retryAfterMs);
          server.clearFaults();
        });
      }
    }
  });
}
