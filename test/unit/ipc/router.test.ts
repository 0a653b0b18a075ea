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
    for (const name of ['app.info', 'settings.get', 'phone.credentials', 'history.list'] as const) {
      const r = await s.route(name, name === 'history.list' ? { limit: 3 } : {});
      expect(r.ok).toBe(true);
      if (r.ok) expect(() => commands[name].response.parse(r.value)).not.toThrow();
    }
  });

  it('rings a call when the tech is not focused, and logs the attempt', async () => {
    const s = await services();
    const r = await s.route('calls.decide', {
      call: { callId: 'x', fromUri: 'sip:+15550199@pbx', fromUser: '+15550199', displayName: '', assertedIdentity: null, toUri: 'sip:tech1@pbx' },
    });
    expect(r).toMatchObject({ ok: true, value: { action: 'ring', rule: 'ring', repeatCaller: false } });
    expect(s.callLog.list(5).map((a) => [a.callId, a.action, a.callerKey])).toEqual([['x', 'ring', '+15550199']]);
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
    expect(Object.keys(events)).toContain('phone.reconnectNow');
  });
});

describe('a call the phone rang without a decision', () => {
  const call = { callId: 'late@pbx', fromUri: 'sip:+15550199@pbx', fromUser: '+15550199', displayName: '', assertedIdentity: null, toUri: 'sip:tech1@pbx' };

  it('is logged as rung by fallback, even when main never decided it', async () => {
    const s = await services();
    expect(await s.route('calls.decisionFallback', { call, reason: 'too slow' })).toEqual({ ok: true, value: { ok: true } });
    expect(s.callLog.list(5).map((a) => [a.callId, a.action, a.rule, a.reason])).toEqual([['late@pbx', 'ring', 'fallback', 'too slow']]);
  });

  it('corrects a late decision that main logged meanwhile', async () => {
    const s = await services();
    await s.route('focus.dnd', {});
    await s.route('calls.decide', { call });
    expect(s.callLog.list(1)[0]?.action).not.toBe('ring');
    await s.route('calls.decisionFallback', { call, reason: 'too slow' });
    expect(s.callLog.list(5).map((a) => [a.action, a.rule])).toEqual([['ring', 'fallback']]);
  });
});
