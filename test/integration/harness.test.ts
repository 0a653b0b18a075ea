// Self-test of the real-peer harness: every peer is a real process (or the
// real sip.js stack) on 127.0.0.1, and every assertion is about what went
// over the wire (status codes, events), not merely that something ran.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBaresip, type Baresip } from '../harness/baresip.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { isListening } from '../harness/ports.js';
import { isPidOrGroupAlive, startedProcesses, stopAll, waitFor } from '../harness/processes.js';
import { startRtpengine, type Rtpengine } from '../harness/rtpengine.js';
import { startSipjsNodeUa, type AnswerPolicy, type SipjsNodeUa } from '../harness/sipjs-node-ua.js';
import { runSipp, startSippCall } from '../harness/sipp.js';

const MANAGER_URI = 'sip:manager@127.0.0.1';

// One UA plays every callee behaviour; the caller's user part picks it.
function policyFor(caller: string): AnswerPolicy {
  switch (caller) {
    case 'mallory':
      return { kind: 'reject', code: 486 };
    case 'bob':
      return { kind: 'redirect', contact: MANAGER_URI };
    case 'carol':
      return { kind: 'answer', ringMs: 100, hangupAfterMs: 300 };
    case 'dave':
      return { kind: 'ring' };
    default:
      return { kind: 'answer', ringMs: 100 };
  }
}

describe('real-peer harness', () => {
  let kamailio: Kamailio;
  let ua: SipjsNodeUa;
  const extraUas: SipjsNodeUa[] = [];
  let baresip: Baresip | undefined;

  beforeAll(async () => {
    kamailio = await startKamailio({ auth: true });
    console.log(`kamailio listening after ${kamailio.startupMs} ms (udp ${kamailio.udpPort}, ws ${kamailio.wsPort})`);
    ua = startSipjsNodeUa({ wsUrl: kamailio.wsUrl, user: 'tech1', password: 'secret1', policy: policyFor });
  });

  afterAll(async () => {
    // UAs first: they unregister while Kamailio is still there.
    for (const extra of extraUas) await extra.stop();
    await ua?.stop();
    await baresip?.stop();
    await kamailio?.stop();
    await stopAll();
    const survivors = startedProcesses().filter((p) => isPidOrGroupAlive(p.pid));
    expect(survivors).toEqual([]);
  });

  it('starts Kamailio with UDP and WS listeners on loopback', async () => {
    expect(await isListening('udp', kamailio.udpPort)).toBe(true);
    expect(await isListening('tcp', kamailio.wsPort)).toBe(true);
    expect(kamailio.wsUrl).toBe(`ws://127.0.0.1:${kamailio.wsPort}`);
    expect(isPidOrGroupAlive(kamailio.pid)).toBe(true);
  });

  it('registers tech1 with the right password', async () => {
    const outcome = await ua.registration;
    console.log(`REGISTER tech1 (with 401 challenge) took ${outcome.ms} ms`);
    expect(outcome.ok).toBe(true);
  });

  it('refuses a wrong password with 401', async () => {
    const intruder = startSipjsNodeUa({ wsUrl: kamailio.wsUrl, user: 'tech2', password: 'wrong', policy: { kind: 'ring' } });
    extraUas.push(intruder);
    const outcome = await intruder.registration;
    expect(outcome).toMatchObject({ ok: false, statusCode: 401 });
    await expect(intruder.registered).rejects.toThrow(/401/);
  });

  it('SIPp call is rung, answered and ended with BYE', async () => {
    await ua.registered;
    const result = await runSipp({ kamailio, callee: 'tech1', caller: 'alice', scenario: 'answer-then-bye', holdMs: 200, timeoutMs: 15_000 });
    expect(result.exitCode).toBe(0);
    expect(result).toMatchObject({ successful: 1, failed: 0 });
    expect(result.responses).toHaveLength(1);
    const codes = result.responses[0]?.codes.filter((code) => code !== 100);
    expect(codes).toEqual([180, 200]);
    expect(result.rtt.ring.n).toBe(1);
    expect(result.rtt.final.p50).toBeGreaterThanOrEqual(result.rtt.ring.p50);
  });

  it('SIPp gets 486 from a rejecting callee, without 180', async () => {
    const result = await runSipp({ kamailio, callee: 'tech1', caller: 'mallory', scenario: 'expect-reject', calls: 2, timeoutMs: 15_000 });
    expect(result).toMatchObject({ exitCode: 0, successful: 2, failed: 0 });
    expect(result.responses.map((call) => call.final)).toEqual([486, 486]);
    expect(result.responses.some((call) => call.ringing)).toBe(false);
  });

  it('SIPp gets a 302 whose Contact is exactly the manager URI', async () => {
    const result = await runSipp({ kamailio, callee: 'tech1', caller: 'bob', scenario: 'expect-reject', timeoutMs: 15_000 });
    expect(result.responses[0]?.final).toBe(302);
    expect(result.contacts302).toEqual([`<${MANAGER_URI}>`]);
  });

  it('answer-then-bye counts a rejected call as failed', async () => {
    const result = await runSipp({ kamailio, callee: 'tech1', caller: 'mallory', scenario: 'answer-then-bye', timeoutMs: 15_000 });
    expect(result.exitCode).toBe(1);
    expect(result).toMatchObject({ successful: 0, failed: 1 });
    expect(result.responses[0]?.final).toBe(486);
  });

  it('SIPp answers the BYE when the callee hangs up, and sends P-Asserted-Identity', async () => {
    const call = await startSippCall({
      kamailio,
      callee: 'tech1',
      caller: 'carol',
      assertedIdentity: 'manager',
      scenario: 'callee-hangs-up',
      timeoutMs: 15_000,
    });
    const result = await call.done;
    expect(result).toMatchObject({ exitCode: 0, successful: 1, failed: 0 });
    expect(ua.stats.hungUp).toBeGreaterThanOrEqual(1);
    expect(ua.invites.find((invite) => invite.caller === 'carol')?.assertedIdentity).toBe(`<${MANAGER_URI}>`);
  });

  it('SIPp cancels a ringing call and gets 487', async () => {
    const result = await runSipp({ kamailio, callee: 'tech1', caller: 'dave', scenario: 'caller-cancels', holdMs: 300, timeoutMs: 15_000 });
    expect(result).toMatchObject({ exitCode: 0, successful: 1 });
    expect(result.responses[0]?.ringing).toBe(true);
    expect(result.responses[0]?.final).toBe(487);
  });

  it('baresip dials the UA, sees CALL_ESTABLISHED, hangs up', async () => {
    baresip = await startBaresip({ callers: ['alice', 'mallory'] });
    await baresip.dial('sip:alice@127.0.0.1', kamailio.uri('tech1'));
    await baresip.waitForEvent('CALL_RINGING', 5_000);
    const established = await baresip.waitForEvent('CALL_ESTABLISHED', 5_000);
    expect(established.peeruri).toBe(kamailio.uri('tech1'));
    expect((await baresip.hangup()).ok).toBe(true);
    await baresip.waitForEvent('CALL_CLOSED', 5_000);

    await baresip.dial('sip:mallory@127.0.0.1', kamailio.uri('tech1'));
    const rejected = await baresip.waitForEvent('CALL_CLOSED', 5_000);
    expect(rejected.param).toBe('486 Busy Here');
  });

  it('startSippCall().stop() ends a call that is never answered', async () => {
    const call = await startSippCall({ kamailio, callee: 'tech1', caller: 'dave', scenario: 'answer-then-bye', timeoutMs: 15_000 });
    // dave's first call was the CANCEL test; wait until this one rings
    await waitFor(() => ua.invites.filter((invite) => invite.caller === 'dave').length >= 2, {
      timeoutMs: 5_000,
      what: "dave's second call to reach the UA",
    });
    const startedStop = performance.now();
    const result = await call.stop();
    expect(performance.now() - startedStop).toBeLessThan(3_000);
    expect(result.successful).toBe(0);
    expect(isPidOrGroupAlive(call.pid)).toBe(false);
  });

  it('after kamailio.restart() the UA registers again and calls route', async () => {
    const pidBefore = kamailio.pid;
    await kamailio.restart();
    expect(kamailio.pid).not.toBe(pidBefore);
    await waitFor(() => !ua.isConnected(), { timeoutMs: 5_000, what: 'the UA noticing the WebSocket drop' });
    const outcome = await ua.reregister();
    expect(outcome.ok).toBe(true);
    const result = await runSipp({ kamailio, callee: 'tech1', caller: 'alice', scenario: 'answer-then-bye', holdMs: 100, timeoutMs: 15_000 });
    expect(result).toMatchObject({ exitCode: 0, successful: 1 });
  });
});

describe('sip.js UA without its Kamailio', () => {
  it('stop() returns promptly when Kamailio is already gone', async () => {
    const kamailio = await startKamailio();
    const ua = startSipjsNodeUa({ wsUrl: kamailio.wsUrl, user: 'tech3', policy: { kind: 'ring' } });
    await ua.registered;
    await kamailio.stop();
    const startedStop = performance.now();
    await ua.stop();
    expect(performance.now() - startedStop).toBeLessThan(1_500);
  });
});

describe('Kamailio with rtpengine', () => {
  let rtpengine: Rtpengine;
  let kamailio: Kamailio;
  let ua: SipjsNodeUa;

  beforeAll(async () => {
    rtpengine = await startRtpengine();
    kamailio = await startKamailio({ auth: true, rtpengineNgPort: rtpengine.ngPort });
    ua = startSipjsNodeUa({ wsUrl: kamailio.wsUrl, user: 'tech1', password: 'secret1', policy: { kind: 'answer', ringMs: 50 } });
    await ua.registered;
  });

  afterAll(async () => {
    await ua?.stop();
    await kamailio?.stop();
    await rtpengine?.stop();
    const survivors = startedProcesses().filter((p) => isPidOrGroupAlive(p.pid));
    expect(survivors).toEqual([]);
  });

  it('routes a UDP -> WS call through rtpengine offer/answer/delete', async () => {
    const result = await runSipp({ kamailio, callee: 'tech1', caller: 'alice', scenario: 'answer-then-bye', holdMs: 200, timeoutMs: 15_000 });
    expect(result).toMatchObject({ exitCode: 0, successful: 1, failed: 0 });
    await waitFor(() => rtpengine.commandsSeen().includes('delete'), { timeoutMs: 2_000, what: 'rtpengine delete after BYE' });
    expect(rtpengine.commandsSeen().filter((c) => c !== 'ping')).toEqual(['offer', 'answer', 'delete']);
    expect(kamailio.log()).toContain('harness: rtpengine offer plain->webrtc');
  });
});
