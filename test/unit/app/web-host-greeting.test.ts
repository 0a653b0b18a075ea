// A 60 s greeting saved over web mode's WebSocket, as the Settings page saves
// it: in parts, each under the socket's 1 MiB message limit. Sent whole it
// used to end the host (WS_ERR_UNSUPPORTED_MESSAGE_LENGTH).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createServices } from '../../../src-main/app/services.js';
import { startWebHost, type WebHost } from '../../../src-main/app/web-host.js';
import type { CommandName, CommandRequest, CommandResponse } from '../../../src-main/ipc/contract.js';
import { encodeTake, savedSampleRate, takeOf } from '../../../src-renderer/voicemail/greeting-recorder.js';
import { saveGreeting } from '../../../src-renderer/voicemail/save-greeting.js';
import { MAX_FRAME_BYTES } from '../../../src-shared/ipc/ws-protocol.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

let dir: string;
let host: WebHost;
let ws: WebSocket;
let nextId = 1;
let largestFrame = 0;

/** The page's side of the socket: one call, one answer. */
function invoke<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
  const id = nextId++;
  const frame = JSON.stringify({ t: 'call', id, name, payload: request });
  largestFrame = Math.max(largestFrame, Buffer.byteLength(frame));
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const reply = JSON.parse(String(data)) as { t: string; id?: number; ok?: boolean; value?: unknown; error?: { message: string } };
      if (reply.t !== 'result' || reply.id !== id) return;
      ws.off('message', onMessage);
      if (reply.ok) resolve(reply.value as CommandResponse<K>);
      else reject(new Error(reply.error?.message));
    };
    ws.on('message', onMessage);
    ws.send(frame);
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-greeting-'));
  await mkdir(join(dir, 'policy', 'managed'), { recursive: true });
  await writeFile(join(dir, 'policy', 'managed', 'focusline.json'), JSON.stringify({ 'voicemail.maxGreetingSeconds': 90 }));
  const services = await createServices({
    mode: 'web',
    version: '1.0.0',
    dataDir: join(dir, 'data'),
    secrets: new InMemorySecretStore(),
    log: () => {},
    env: { FOCUSLINE_POLICY_DIR: join(dir, 'policy') },
  });
  host = await startWebHost({ services, rendererDir: join(dir, 'renderer') });
  ws = new WebSocket(`ws://127.0.0.1:${host.port}/ipc?token=${host.token}`, { headers: { Origin: `http://127.0.0.1:${host.port}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
});

afterAll(async () => {
  ws?.close();
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a long greeting in web mode', () => {
  it('saves 60 s in parts under the message limit, and the host answers after it', async () => {
    const rate = savedSampleRate(90);
    const samples = new Float32Array(rate * 60).map((_, i) => 0.25 * Math.sin((2 * Math.PI * 440 * i) / rate));
    const take = takeOf(samples, rate);
    const { app, pbx } = encodeTake(take);
    expect(app.length).toBeGreaterThan(MAX_FRAME_BYTES); // sent whole, this would not fit one message

    const saved = await saveGreeting({ invoke }, { variant: 'standard', durationMs: take.durationMs, app, pbx });
    expect(saved).toMatchObject({ variant: 'standard', recorded: true, durationMs: 60_000 });
    expect(largestFrame).toBeLessThan(MAX_FRAME_BYTES);

    const audio = await invoke('greetings.audio', { variant: 'standard' });
    expect(Buffer.from(audio?.data ?? '', 'base64').length).toBe(app.length);
    expect((await invoke('app.info', {})).mode).toBe('web');
  }, 30_000);
});
