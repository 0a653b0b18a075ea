import { expect, test } from '@playwright/test';
import type { AttemptView, HandoffView } from '../../src-main/ipc/contract.js';
import { startKamailio, type Kamailio } from '../harness/kamailio.js';
import { startRt, type RtServer } from '../harness/rt.js';
import { runSipp } from '../harness/sipp.js';
import { startFocuslineWeb, type FocuslineWeb } from './focusline-web.js';
import { connectIpc, type IpcClient } from './ipc-client.js';
import { makePolicyFolder, type PolicyFolder } from './policy-files.js';

// "Nothing is lost", with the real app and a real RT: 20 callers held back by
// Do-not-disturb (real SIPp calls through Kamailio, decided by main's phone),
// then, while RT is down, 10 "create ticket instead" and 10 "add note"
// handoffs are queued through the same IPC contract the UI uses. The host is killed with SIGKILL (no
// shutdown code runs), started again on the same data, and RT comes back:
// exactly 10 new tickets and 10 notes arrive in RT, none twice.
const CALLS = 10;
const NOTES = 10;
const VOICEMAIL = 'sip:*97@127.0.0.1';

let kamailio: Kamailio;
let rt: RtServer;
let policy: PolicyFolder;
let app: FocuslineWeb;
let ipc: IpcClient;
let noteTicket: string;

// The tests of this file share what beforeAll starts and build on each other: after a failure the
// rest are not run (and are reported so) rather than run on a state they don't expect.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000); // Starting the peers one after the other can take longer than one test's 60 s.
  rt = await startRt();
  await rt.createUser({
    Name: 'carol@gamma.example',
    EmailAddress: 'carol@gamma.example',
    RealName: 'Carol Chen',
    Organization: 'Gamma Inc',
    WorkPhone: '+1 555 010 0303',
  });
  noteTicket = await rt.createTicket({ Subject: 'Server room too warm', Requestor: 'carol@gamma.example', Queue: 'General' });
  policy = await makePolicyFolder();
  await policy.write('managed', 'focusline.json', {
    'psa.kind': 'rt',
    'psa.url': rt.url,
    'psa.pollSeconds': 5,
    'focus.action': 'voicemail',
    'focus.voicemailTarget': VOICEMAIL,
  });
  // The held-back calls are real calls: main's phone decides them as they arrive.
  kamailio = await startKamailio({ auth: true });
  app = await startFocuslineWeb({ user: 'tech1', password: 'secret1', wsUrl: kamailio.wsUrl, env: { FOCUSLINE_POLICY_DIR: policy.dir } });
  ipc = await connectIpc(app.base, app.token);
  await expect.poll(async () => (await ipc.invoke('phone.get', {})).registration, { timeout: 15_000 }).toBe('registered');
  const saved = await ipc.invoke('psa.save', { kind: 'rt', values: {}, secrets: { token: rt.techToken } });
  expect(saved.state).toBe('connected');
});

test.afterAll(async () => {
  ipc?.close();
  await app?.stop();
  await kamailio?.stop();
  await rt?.dispose();
});

/** `n` callers, each with their own number, call during Do-not-disturb: each goes to the PBX voicemail (302), unrung, and is logged. */
async function heldBackCalls(n: number): Promise<AttemptView[]> {
  await ipc.invoke('focus.dnd', { minutes: 60 });
  const numbers: string[] = [];
  for (let i = 0; i < n; i++) {
    const number = `+1555010${String(1000 + i)}`;
    numbers.push(number);
    const r = await runSipp({ kamailio, callee: 'tech1', caller: number, displayName: `Caller ${i}`, scenario: 'expect-reject', calls: 1, timeoutMs: 15_000 });
    expect(r.responses[0]).toMatchObject({ ringing: false, final: 302 });
    expect(r.contacts302).toEqual([`<${VOICEMAIL}>`]);
  }
  const attempts = (await ipc.invoke('callLog.list', { limit: 100, unhandledOnly: true })).attempts;
  expect(attempts.map((a) => a.callerNumber).sort()).toEqual([...numbers].sort());
  expect(attempts.every((a) => a.action === 'voicemail' && a.target === VOICEMAIL)).toBe(true);
  return attempts;
}

/** The tickets and notes this test makes; the held calls' own call-log handoffs (psa.logAttempts is on by default) are not its subject. */
async function handoffs(client: IpcClient): Promise<HandoffView[]> {
  return (await client.invoke('handoffs.list', {})).handoffs.filter((h) => h.kind !== 'log-attempt');
}

test.describe('the outbox survives SIGKILL with RT down', () => {
  test('queues 20 handoffs while RT is down, each one tried and waiting', async () => {
    const attempts = await heldBackCalls(CALLS + NOTES);
    expect(attempts).toHaveLength(CALLS + NOTES);
    await rt.stop();
    for (const a of attempts.slice(0, CALLS)) {
      const r = await ipc.invoke('callLog.createTicket', { attemptId: a.id });
      expect(r.handoff?.state).toMatch(/queued|sending/);
    }
    for (const a of attempts.slice(CALLS)) {
      await ipc.invoke('tickets.addNote', { ticketId: noteTicket, text: `Voicemail from ${a.callerNumber}: please call back.`, attemptId: a.id });
    }
    await expect
      .poll(
        async () => (await handoffs(ipc)).filter((h) => h.state === 'queued' && h.attempts > 0 && /Can't reach Request Tracker/.test(h.lastError ?? '')).length,
        { timeout: 30_000 },
      )
      .toBe(CALLS + NOTES);
  });

  test('after SIGKILL, a restart and RT coming back, exactly 10 tickets and 10 notes arrive in RT', async () => {
    ipc.close();
    await app.kill();
    app = await startFocuslineWeb({
      user: 'tech1',
      password: 'secret1',
      wsUrl: kamailio.wsUrl,
      env: { FOCUSLINE_POLICY_DIR: policy.dir },
      dir: app.dir,
    });
    ipc = await connectIpc(app.base, app.token);
    const restored = await handoffs(ipc);
    expect(restored.filter((h) => h.state !== 'sent')).toHaveLength(CALLS + NOTES);
    await rt.restart();
    // Nobody touches anything: the host notices RT is back (its active-ticket poll answers again) and sends the queue.
    await expect.poll(async () => (await handoffs(ipc)).filter((h) => h.state === 'sent').length, { timeout: 60_000, intervals: [500] }).toBe(CALLS + NOTES);

    const created = await rt.searchTickets("Subject LIKE 'Call from'");
    expect(created).toHaveLength(CALLS);
    const sentTickets = (await handoffs(ipc)).filter((h) => h.kind === 'create-ticket').map((h) => h.ticketId);
    expect(new Set(sentTickets)).toEqual(new Set(created));
    const comments = (await rt.ticketHistory(noteTicket)).filter((h) => h.type === 'Comment');
    expect(comments).toHaveLength(NOTES);
    const refs = comments.map((c) => /\[Focusline ref: ([^\]]+)\]/.exec(c.content)?.[1]);
    expect(new Set(refs).size).toBe(NOTES);
  });
});
