import type { HandoffKind } from './outbox.js';

/**
 * "Fix and resend": the tech's corrected summary or text applied to the
 * stored payload; everything else (caller, ids, the idempotency key) stays.
 */
export function editPayload(kind: HandoffKind, payload: unknown, summary: string | undefined, text: string | undefined): unknown {
  const base = typeof payload === 'object' && payload !== null ? { ...(payload as Record<string, unknown>) } : {};
  if (kind === 'create-ticket') {
    if (summary !== undefined) base['summary'] = summary;
    if (text !== undefined) base['description'] = text;
  } else if (text !== undefined) base['text'] = text;
  return base;
}
