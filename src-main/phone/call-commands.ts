import { TRANSFER_MODES, type TransferMode } from '../ipc/contract.js';

/**
 * Call control for scripts and PSA buttons (web mode's local endpoint; the
 * same path as MicroSIP-style command lines), parsed here so the endpoint
 * and its tests share one grammar. They act at once: the hold-permission
 * question is a step of the UI only.
 *
 *   GET  calls                     every call, one entry a leg
 *   POST calls/dial?to=<target>    dial a number, extension or SIP address
 *   POST calls/<id>/answer|hangup|hold|resume
 *   POST calls/<id>/transfer?to=<target>&mode=blind|warm|merge|leave
 *        warm holds the caller and dials the target; merge and leave are
 *        posted on the caller's call id (to=, if given, must be the same)
 */
export type CallCommand =
  | { kind: 'dial'; to: string }
  | { kind: 'answer' | 'hangup' | 'hold' | 'resume'; callId: string }
  | { kind: 'transfer'; callId: string; mode: TransferMode; to?: string };

export type ParsedCallCommand = { ok: true; command: CallCommand } | { ok: false; message: string };

const ACTIONS = ['answer', 'hangup', 'hold', 'resume'] as const;
const MAX_TARGET = 512;

/** `path` is below the endpoint's prefix and starts with `calls/`. */
export function parseCallCommand(path: string, query: URLSearchParams): ParsedCallCommand {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'calls') return { ok: false, message: `"${path}" is not a call command.` };
  if (parts.length === 2 && parts[1] === 'dial') {
    const to = (query.get('to') ?? '').trim();
    if (!to) return { ok: false, message: 'Say whom to call: calls/dial?to=<number, extension or SIP address>.' };
    if (to.length > MAX_TARGET) return { ok: false, message: `The number to call is longer than ${MAX_TARGET} characters.` };
    return { ok: true, command: { kind: 'dial', to } };
  }
  const [, callId, action] = parts;
  if (parts.length === 3 && callId && action === 'transfer') return parseTransfer(decodeURIComponent(callId), query);
  if (parts.length === 3 && callId && isAction(action)) return { ok: true, command: { kind: action, callId: decodeURIComponent(callId) } };
  return {
    ok: false,
    message: `"${path}" is not a call command. Use calls/dial?to=…, or calls/<id>/answer, hangup, hold, resume or transfer?to=…&mode=… (ids from GET calls).`,
  };
}

function parseTransfer(callId: string, query: URLSearchParams): ParsedCallCommand {
  const mode = query.get('mode') ?? 'blind';
  if (!(TRANSFER_MODES as readonly string[]).includes(mode))
    return { ok: false, message: `mode=${mode.slice(0, 40)} is not a transfer mode: use blind, warm, merge or leave.` };
  const to = (query.get('to') ?? '').trim();
  if (to.length > MAX_TARGET) return { ok: false, message: `The transfer target is longer than ${MAX_TARGET} characters.` };
  if (!to && (mode === 'blind' || mode === 'warm'))
    return { ok: false, message: 'Say where to transfer the call: transfer?to=<number, extension or SIP address>&mode=' + mode + '.' };
  return { ok: true, command: { kind: 'transfer', callId, mode: mode as TransferMode, ...(to ? { to } : {}) } };
}

function isAction(value: string | undefined): value is (typeof ACTIONS)[number] {
  return (ACTIONS as readonly string[]).includes(value ?? '');
}
