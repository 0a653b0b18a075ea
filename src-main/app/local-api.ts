import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFocusCommand, type FocusCommand } from '../focus/focus-commands.js';
import type { FocusView, PhoneStatus } from '../ipc/contract.js';
import type { HostHealth } from './host-health.js';
import { parseCallCommand, type CallCommand } from '../phone/call-commands.js';
import type { CallLeg } from '../phone/phone-agent.js';
import { messageOf } from '../../src-shared/errors.js';

/**
 * Web mode's local endpoint for scripts and acceptance checks: the same
 * commands as focusline:// links, over HTTP on 127.0.0.1, behind the same
 * token as the UI (as a Bearer header, never in the URL). Documented in
 * docs/local-api.md.
 */
export const LOCAL_API_PREFIX = '/api/v1/';

export type FocusCommandRunner = {
  focusView(): FocusView;
  runFocusCommand(command: FocusCommand): Promise<FocusView>;
  /** The phone and the host's vital signs (GET /api/v1/health; POST /api/v1/health/reset starts a new window). */
  health(): { phone: PhoneStatus; host: HostHealth };
  resetHealth(): void;
  /** Call control for scripts (GET/POST /api/v1/calls…). */
  callLegs(): CallLeg[];
  runCallCommand(command: CallCommand): Promise<{ callId: string; consultCallId?: string }>;
};

type Reply = { status: number; body: unknown };

export async function handleLocalApi(
  req: IncomingMessage,
  res: ServerResponse,
  opts: {
    token: string;
    isOurOrigin: (origin: string) => boolean;
    runner: FocusCommandRunner;
    tokensMatch: (given: string | null, expected: string) => boolean;
  },
): Promise<void> {
  const reply = await localApiReply(req, opts);
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(reply.body) + '\n');
}

async function localApiReply(req: IncomingMessage, opts: Parameters<typeof handleLocalApi>[2]): Promise<Reply> {
  const origin = req.headers.origin;
  // A web page elsewhere can't read our answers, but it must not be able to trigger commands either.
  if (origin !== undefined && !opts.isOurOrigin(origin)) return { status: 403, body: { error: 'Requests from other web pages are refused.' } };
  const auth = req.headers.authorization ?? '';
  const given = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : null;
  if (!opts.tokensMatch(given, opts.token)) {
    return {
      status: 401,
      body: { error: 'Missing or wrong token. Send "Authorization: Bearer <token>" with the token from the URL that "npm run start:web" printed.' },
    };
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.slice(LOCAL_API_PREFIX.length);
  if (path === 'focus' && req.method === 'GET') return { status: 200, body: opts.runner.focusView() };
  if (path === 'health' && req.method === 'GET') return { status: 200, body: opts.runner.health() };
  if (path === 'calls' && req.method === 'GET') return { status: 200, body: { calls: opts.runner.callLegs() } };
  if (path.startsWith('calls/') && req.method === 'POST') return runCallCommand(path, url.searchParams, opts.runner);
  if (req.method !== 'POST') return { status: 405, body: { error: 'Use POST for commands (GET only for /api/v1/focus, /api/v1/calls and /api/v1/health).' } };
  if (path === 'health/reset') {
    opts.runner.resetHealth();
    return { status: 200, body: opts.runner.health() };
  }
  const parsed = parseFocusCommand(path, url.searchParams);
  if (!parsed.ok) return { status: 404, body: { error: parsed.message } };
  try {
    return { status: 200, body: await opts.runner.runFocusCommand(parsed.command) };
  } catch (err) {
    return { status: 409, body: { error: messageOf(err) } };
  }
}

async function runCallCommand(path: string, query: URLSearchParams, runner: FocusCommandRunner): Promise<Reply> {
  const parsed = parseCallCommand(path, query);
  if (!parsed.ok) return { status: 404, body: { error: parsed.message } };
  try {
    const { callId, consultCallId } = await runner.runCallCommand(parsed.command);
    return { status: 200, body: { callId, ...(consultCallId ? { consultCallId } : {}), calls: runner.callLegs() } };
  } catch (err) {
    return { status: 409, body: { error: messageOf(err) } };
  }
}
