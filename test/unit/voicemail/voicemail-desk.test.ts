// The voicemail desk behind the IPC contract: which greeting a call hears, a
// message recorded chunk by chunk, and a recording whose window went away
// settled as interrupted (never left "recording"). Injected clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices, type Services } from '../../../src-main/app/services.js';
import { RECORDING_IDLE_MS } from '../../../src-main/voicemail/voicemail-desk.js';
import type { CommandName, CommandRequest, CommandResponse } from '../../../src-main/ipc/contract.js';
import { ManualClock } from '../focus/manual-clock.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

let dir: string;
let services: Services;
const clock = new ManualClock('2026-11-23T10:30:00Z');

async function call<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>> {
  const result = await services.route(name, request);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value as CommandResponse<K>;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const chunk = (n: number) => Buffer.from(new Uint8Array(n).fill(7)).toString('base64');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fl-vmdesk-'));
  await mkdir(join(dir, 'policy', 'managed'), { recursive: true });
  await writeFile(
    join(dir, 'policy', 'managed', 'focusline.json'),
    JSON.stringify({
      'focus.action': 'voicemail',
      'focus.voicemailTarget': 'local',
      'voicemail.serviceManagerNumber': '+1 555 010 2000',
      'voicemail.maxMessageSeconds': 90,
    }),
  );
  await writeFile(
    join(dir, 'settings.json'),
    JSON.stringify({ account: { wsServer: 'wss://pbx.example/ws', sipUri: 'sip:2001@pbx.example', displayName: 'Jane Tech', authUser: '' } }),
  );
  services = await createServices({
    mode: 'web',
    version: '1.0.0',
    dataDir: join(dir, 'data'),
    configPath: join(dir, 'settings.json'),
    secrets: new InMemorySecretStore(),
    log: () => {},
    env: { FOCUSLINE_POLICY_DIR: join(dir, 'policy') },
    clock,
  });
});

afterAll(async () => {
  await services?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('voicemail desk', () => {
  it('a call held back by do-not-disturb hears the "away" greeting, filled in for this tech, within policy limits', async () => {
    await call('focus.dnd', { minutes: 60 });
    const decision = services.screenCall({
      callId: 'vm-1',
      fromUri: 'sip:+15550101@pbx',
      fromUser: '+15550101',
      displayName: 'Alice',
      assertedIdentity: null,
      toUri: 'sip:2001@pbx',
    });
    expect(decision).toMatchObject({ action: 'voicemail', target: 'local' });
    const plan = await call('voicemail.prepare', { callId: 'vm-1', rule: decision.rule });
    expect(plan.variant).toBe('away');
    expect(plan.script).toContain('Jane Tech');
    expect(plan.script).toContain('+1 555 010 2000');
    expect(plan.greeting).toBeNull(); // none recorded: the renderer plays the built-in prompt
    expect(plan.maxMessageSeconds).toBe(90);
  });

  it('records a message chunk by chunk, with its caller and a callback due today', async () => {
    const { id } = await call('voicemail.begin', { callId: 'vm-1', mimeType: 'audio/webm;codecs=opus', variant: 'away', greetingSource: 'built-in' });
    await call('voicemail.append', { id, seq: 0, data: chunk(4000), elapsedMs: 1000 });
    // Auto-update must not restart the app under a caller leaving a message.
    expect(services.restartBlocker()).toBe('a voicemail is being recorded');
    await call('voicemail.append', { id, seq: 1, data: chunk(4000), elapsedMs: 2000 });
    const done = await call('voicemail.finish', { id, durationMs: 2100, endedBy: 'hangup' });
    expect(services.restartBlocker()).toBeNull();
    expect(done).toMatchObject({ state: 'complete', durationMs: 2100, sizeBytes: 8000, callerNumber: '+15550101', handled: null });
    expect(done.callbackDueAt?.slice(0, 10)).toBe('2026-11-23');
    const audio = await call('voicemail.audio', { id });
    expect(Buffer.from(audio.data, 'base64')).toHaveLength(8000);
  });

  it('a recording whose window goes away is settled as interrupted, keeping what arrived', async () => {
    const decision = services.screenCall({
      callId: 'vm-2',
      fromUri: 'sip:+15550102@pbx',
      fromUser: '+15550102',
      displayName: 'Bob',
      assertedIdentity: null,
      toUri: 'sip:2001@pbx',
    });
    expect(decision.action).toBe('voicemail');
    const { id } = await call('voicemail.begin', { callId: 'vm-2', mimeType: 'audio/webm;codecs=opus', variant: 'away', greetingSource: 'built-in' });
    await call('voicemail.append', { id, seq: 0, data: chunk(3000), elapsedMs: 1000 });
    clock.advance(RECORDING_IDLE_MS / 2);
    await settle();
    expect((await call('voicemail.list', { includeHandled: true })).messages.find((m) => m.id === id)?.state).toBe('recording');
    clock.advance(RECORDING_IDLE_MS);
    await settle();
    const message = (await call('voicemail.list', { includeHandled: true })).messages.find((m) => m.id === id);
    expect(message).toMatchObject({ state: 'recovered', sizeBytes: 3000 });
    expect(message?.note).toMatch(/lost the recording/);
  });

  it('marking a voicemail handled settles its call in the call log', async () => {
    const { messages } = await call('voicemail.list', { includeHandled: false });
    const first = messages.find((m) => m.callerNumber === '+15550101');
    if (!first) throw new Error('no message');
    await call('voicemail.handle', { id: first.id, how: 'called-back' });
    const attempts = (await call('callLog.list', { limit: 10, unhandledOnly: true })).attempts;
    expect(attempts.map((a) => a.callerNumber)).not.toContain('+15550101');
    expect(attempts.map((a) => a.callerNumber)).toContain('+15550102');
  });

  it('a variant the tech never recorded plays their recorded standard greeting, not the built-in prompt', async () => {
    const wav = new Uint8Array(4_000).fill(3);
    const { uploadId } = await call('greetings.beginSave', {
      variant: 'standard',
      mimeType: 'audio/wav',
      durationMs: 2_000,
      sizes: { app: wav.length, pbx: 0 },
    });
    await call('greetings.savePart', { uploadId, part: 'app', offset: 0, data: Buffer.from(wav).toString('base64') });
    await call('greetings.save', { uploadId });
    await call('focus.dnd', { minutes: 60 });
    const decision = services.screenCall({
      callId: 'vm-std',
      fromUri: 'sip:+15550109@pbx',
      fromUser: '+15550109',
      displayName: 'Bo',
      assertedIdentity: null,
      toUri: 'sip:2001@pbx',
    });
    const plan = await call('voicemail.prepare', { callId: 'vm-std', rule: decision.rule });
    expect(plan.variant).toBe('standard'); // "away" was never recorded
    expect(plan.greeting?.durationMs).toBe(2_000);
    expect(plan.script).toContain('Jane Tech');
  });
});
