// A local HTTP server that plays a PSA vendor's API for adapter tests. Each
// vendor module (connectwise-server.ts, autotask-server.ts, halo-server.ts)
// supplies a handler that ENFORCES the vendor's documented contract (auth
// headers, paths, query syntax, required fields) and keeps a small in-memory
// data set. This base adds what every vendor server needs:
// - a record of every request (so tests assert what the adapter sent),
// - contract violations answered 400 and collected (tests assert none),
// - injected faults: 401, 403, 404, 429 with Retry-After, 500, slow replies,
//   malformed JSON, for the next N matching requests.
// Listens on 127.0.0.1 only.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type RecordedRequest = {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Parsed JSON body, or the raw text when it isn't JSON (form posts). */
  body: unknown;
  rawBody: string;
  /** The body's bytes as sent (uploads: rawBody is its UTF-8 reading, which mangles binary). */
  bytes: Buffer;
  /** A multipart/form-data body, parsed (undefined for other bodies, or a multipart body that doesn't parse). */
  form?: FormData | undefined;
  /** The file parts of `form`, read (so a vendor handler can stay synchronous). */
  files: Map<string, { name: string; type: string; bytes: Buffer }>;
};

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

/** Thrown by a vendor handler when the request breaks the documented contract. */
export class ContractViolation extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly replyBody?: unknown,
  ) {
    super(message);
  }
}

export type Fault =
  | { kind: 'status'; status: 401 | 403 | 404 | 413 | 500 | 502 | 503; body?: unknown }
  | { kind: 'rate-limit'; retryAfterSeconds: number; body?: unknown }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'malformed' }
  | { kind: 'html' };

type PendingFault = { fault: Fault; remaining: number; match: (r: RecordedRequest) => boolean };

export type VendorHandler = (request: RecordedRequest) => Reply | Promise<Reply>;

export class PsaContractServer {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  url = '';
  private server: Server | undefined;
  private readonly faults: PendingFault[] = [];
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly vendor: string,
    private readonly handler: VendorHandler,
  ) {}

  async listen(): Promise<string> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    this.url = `http://127.0.0.1:${address.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests matching `match` (default: any) get this fault instead of the vendor's answer. */
  inject(fault: Fault, options: { times?: number; match?: (r: RecordedRequest) => boolean } = {}): void {
    this.faults.push({ fault, remaining: options.times ?? 1, match: options.match ?? (() => true) });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Requests to paths matching `pattern`, for assertions. */
  requestsTo(method: string, pattern: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const rawBody = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const type = String(req.headers['content-type'] ?? '');
    const form = type.startsWith('multipart/form-data') ? await parseMultipart(bytes, type) : undefined;
    const files = new Map<string, { name: string; type: string; bytes: Buffer }>();
    for (const [key, value] of form?.entries() ?? []) {
      if (typeof value !== 'string') files.set(key, { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: type.startsWith('multipart/') ? undefined : parseBody(rawBody),
      rawBody,
      bytes,
      form,
      files,
    };
    this.requests.push(recorded);

    const pending = this.faults.find((f) => f.remaining > 0 && f.match(recorded));
    if (pending) {
      pending.remaining -= 1;
      if (pending.remaining === 0) this.faults.splice(this.faults.indexOf(pending), 1);
      const { fault } = pending;
      if (fault.kind !== 'slow') return send(res, faultReply(fault));
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    }
    try {
      send(res, await this.handler(recorded));
    } catch (error) {
      if (error instanceof ContractViolation) {
        this.violations.push(`${recorded.method} ${recorded.path}: ${error.message}`);
        send(res, { status: error.status, body: error.replyBody ?? { message: error.message } });
        return;
      }
      this.violations.push(`${recorded.method} ${recorded.path}: handler crashed: ${String(error)}`);
      send(res, { status: 500, body: { message: 'contract server bug' } });
    }
  }
}

/** What an injected fault answers ('slow' is handled in serve: it delays the real answer). */
function faultReply(fault: Exclude<Fault, { kind: 'slow' }>): Reply {
  switch (fault.kind) {
    case 'status':
      return { status: fault.status, body: fault.body ?? { message: `injected ${fault.status}` } };
    case 'rate-limit':
      return { status: 429, body: fault.body ?? { message: 'Rate limit exceeded' }, headers: { 'retry-after': String(fault.retryAfterSeconds) } };
    case 'malformed':
      return { status: 200, body: '{"id": 1, "summary": ', headers: { 'content-type': 'application/json' } };
    case 'html':
      return { status: 200, body: '<html><body>Sign in</body></html>', headers: { 'content-type': 'text/html' } };
  }
}

/** A multipart/form-data body as the WHATWG FormData undici makes of it (files as File), or undefined when it doesn't parse. */
async function parseMultipart(bytes: Buffer, contentType: string): Promise<FormData | undefined> {
  try {
    return await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData();
  } catch {
    return undefined;
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.writableEnded || res.destroyed) return;
  const headers: Record<string, string> = { date: new Date().toUTCString(), ...reply.headers };
  let body = '';
  if (typeof reply.body === 'string') body = reply.body;
  else if (reply.body !== undefined) {
    body = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json';
  }
  res.writeHead(reply.status, headers).end(body);
}

/** Start a vendor server; the caller closes it. */
export async function startContractServer(vendor: string, handler: VendorHandler): Promise<PsaContractServer> {
  const server = new PsaContractServer(vendor, handler);
  await server.listen();
  return server;
}
