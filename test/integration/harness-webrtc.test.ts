// Self-test of the WebRTC side of the harness: Chromium with a bare sip.js
// page, rtpengine bridging plain RTP <-> DTLS-SRTP/ICE, in both directions.
// Asserts RTP counters from getStats(), because sessions reach Established
// even when no media flows.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBaresip, type Baresip } from '../harness/baresip.js';
import { launchChromium, newCallPage } from '../harness/chromium.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { childPidsMatching, isPidOrGroupAlive, startedProcesses, waitFor } from '../harness/processes.js';
import { startRtpengine, type Rtpengine } from '../harness/rtpengine.js';
import { startSippCall } from '../harness/sipp.js';
import { serveSipjsWebPage, webUaDial, webUaHangup, webUaRtpCounters, webUaStart, webUaState, type SipjsWebPageServer } from '../harness/sipjs-web-page.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// g711a.pcap is ~2.7 s at 50 packets/s; allow for the answer/ICE delay.
const MIN_PACKETS = 50;

describe('WebRTC peers through rtpengine', () => {
  let rtpengine: Rtpengine;
  let kamailio: Kamailio;
  let web: SipjsWebPageServer;
  let browser: Browser;
  let baresip: Baresip | undefined;
  const pages: Page[] = [];

  beforeAll(async () => {
    rtpengine = await startRtpengine();
    kamailio = await startKamailio({ auth: true, rtpengineNgPort: rtpengine.ngPort });
    web = await serveSipjsWebPage();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const page of pages) await page.context().close();
    await browser?.close();
    await web?.stop();
    await baresip?.stop();
    await kamailio?.stop();
    await rtpengine?.stop();
    expect(startedProcesses().filter((p) => isPidOrGroupAlive(p.pid))).toEqual([]);
    expect(childPidsMatching(CHROMIUM)).toEqual([]);
  });

  async function registeredPage(user: string, password: string, autoAnswer: boolean): Promise<Page> {
    const page = await newCallPage(browser, web.url);
    pages.push(page);
    expect(await webUaStart(page, { wsUrl: kamailio.wsUrl, user, password, autoAnswer })).toBe(200);
    return page;
  }

  it('SIPp (plain RTP over UDP) -> browser (WebRTC over WS): the page receives the pcap audio', async () => {
    const page = await registeredPage('tech1', 'secret1', true);
    const call = await startSippCall({
      kamailio,
      callee: 'tech1',
      caller: 'alice',
      scenario: 'answer-then-bye',
      holdMs: 3_500,
      playPcap: true,
      timeoutMs: 20_000,
    });
    const counters = await waitFor(
      async () => {
        const now = await webUaRtpCounters(page);
        return now.packetsReceived >= MIN_PACKETS ? now : undefined;
      },
      { timeoutMs: 6_000, intervalMs: 200, what: `${MIN_PACKETS} RTP packets received by the page` },
    );
    expect(counters.ice).toMatch(/connected|completed/);
    expect(counters.candidates.some((c) => c.startsWith('remote-candidate:127.0.0.1:'))).toBe(true);
    const result = await call.done;
    expect(result).toMatchObject({ exitCode: 0, successful: 1 });
  });

  it('browser (WebRTC over WS) -> baresip (plain RTP over UDP): media flows both ways', async () => {
    baresip = await startBaresip({ callers: [], callee: { user: 'tech2', password: 'secret2', registrar: kamailio } });
    const page = await registeredPage('manager', 'secret3', false);
    await webUaDial(page, 'sip:tech2@127.0.0.1');
    await baresip.waitForEvent('CALL_ESTABLISHED', 5_000);
    const counters = await waitFor(
      async () => {
        const now = await webUaRtpCounters(page);
        return now.packetsReceived >= MIN_PACKETS && now.packetsSent >= MIN_PACKETS ? now : undefined;
      },
      { timeoutMs: 6_000, intervalMs: 200, what: `${MIN_PACKETS} RTP packets each way` },
    );
    expect(counters.ice).toMatch(/connected|completed/);
    await webUaHangup(page);
    const closed = await baresip.waitForEvent('CALL_CLOSED', 5_000);
    expect(closed.param).toMatch(/reset by peer|BYE/i);
    expect((await webUaState(page)).states).toContain('Established');
    expect(rtpengine.commandsSeen()).toEqual(expect.arrayContaining(['offer', 'answer', 'delete']));
    expect(kamailio.log()).toContain('harness: rtpengine offer webrtc->plain');
  });
});
