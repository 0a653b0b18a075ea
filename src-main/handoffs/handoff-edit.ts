import type { HandoffKind } from './outbox.js';

/**
 * "Fix and resend": the tech's corrected summary or text applied to the
 * stored payload; everything else (caller, ids, the idempotency key) stays.
 */
export type HandoffEdit = { summary?: string | undefined; text?: string | undefined; ticketId?: string | undefined };

export function editPayload(kind: HandoffKind, payload: unknown, edit: HandoffEdit): unknown {
  const base = typeof payload === 'object' && payload !== null ? { ...(payload as Record<string, unknown>) } : {};
  if (kind === 'create-ticket') {
    if (edit.summary !== undefined) base['summary'] = edit.summary;
    if (edit.text !== undefined) base['description'] = edit.text;
    return base;
  }
  if (edit.text !== undefined) base['text'] = edit.text;
  if (kind === 'add-note' && edit.ticketId !== undefined) base['ticketId'] = edit.ticketId;
  return base;
}

export function hasEdits(edit: HandoffEdit): boolean {
  return edit.summary !== undefined || edit.text !== undefined || edit.ticketId !== undefined;
}
