import { describe, expect, it } from 'vitest';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServices } from '../../../src-main/app/services.js';
import { commands, events } from '../../../src-main/ipc/contract.js';
import { EventBus } from '../../../src-main/ipc/event-bus.js';
import { InMemorySecretStore } from '../in-memory-secret-store.js';

async function services() {
  const dataDir = await mkdtemp(join(tmpdir(), 'fl-router-'));
  return createServices({
    mode: 'web',
    version: '9.9.9',
    dataDir,
    secrets: new InMemorySecretStore(),
    log: () => {},
    env: { FOCUSLINE_POLICY_DIR: join(dataDir, 'no-policy') },
  });
}

describe('the IPC router', () => {
  it('runs a valid command', async () => {
    const s = await services();
    expect(await s.route('app.info', {})).toEqual({ ok: true, value: { version: '9.9.9', mode: 'web', platform: process.platform } });
  });

  it('refuses a name that is not in the contract', async () => {
    const s = await services();
    const r = await s.route('fs.readFile', { path: '/etc/passwd' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
  });

  it('refuses a payload that does not match, naming the field', async () => {
    const s = await services();
    const r = await s.route('settings.saveAccount', { account: { wsServer: 'http://x', sipUri: 'sip:1@x' } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-request');
      expect(r.error.message).toMatch(/account\.wsServer: The server must be a ws:\/\/ or wss:\/\/ URL/);
    }
  });

  it('refuses unknown extra fields', async () => {
    const s = await services();
    const r = await s.route('history.list', { limit: 5, sql: 'drop table' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('does not mistake prototype names for commands', async () => {
    const s = await services();
    expect(await s.route('constructor', {})).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    expect(await s.route('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
  });

  it('every command has a handler and answers in its contract shape', async () => {
    const s = await services();
    for (const name of ['app.info', 'settings.get', 'phone.get', 'history.list'] as const) {
      const r = await s.route(name, name === 'history.list' ? { limit: 3 } : {});
      expect(r.ok).toBe(true);
      if (r.ok) expect(() => commands[name].response.parse(r.value)).not.toThrow();
    }
  });

  it('rings a call when the tech is not focused, and logs the attempt', async () => {
    const s = await services();
    const decision = s.screenCall({
      callId: 'x',
      fromUri: 'sip:+15550199@pbx',
      fromUser: '+15550199',
      displayName: '',
      assertedIdentity: null,
      toUri: 'sip:tech1@pbx',
    });
    expect(decision).toMatchObject({ action: 'ring', rule: 'ring', repeatCaller: false });
    await s.callLog.written();
    expect(s.callLog.list(5).map((a) => [a.callId, a.action, a.callerKey])).toEqual([['x', 'ring', '+15550199']]);
  });

  it('offers no command that makes a decision, a call-log row or a history entry from outside main', async () => {
    const s = await services();
    const call = { callId: 'x', fromUri: 'sip:+15550199@pbx', fromUser: '+15550199', displayName: '', assertedIdentity: null, toUri: 'sip:tech1@pbx' };
    for (const name of ['calls.decide', 'calls.decisionFallback', 'history.record', 'phone.credentials', 'phone.reportStatus']) {
      expect(await s.route(name, { call })).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
    }
    expect(s.callLog.list(5)).toEqual([]);
  });
});

describe('the event bus', () => {
  it('refuses to push a payload outside the contract', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((name) => seen.push(name));
    expect(() => bus.emit('phone.dial', { target: '' })).toThrow();
    bus.emit('phone.dial', { target: 'sip:2002@pbx' });
    expect(seen).toEqual(['phone.dial']);
    expect(Object.keys(events)).toEqual(expect.arrayContaining(['phone.changed', 'media.request']));
    expect(Object.keys(events)).not.toContain('phone.reconnectNow');
  });
});
