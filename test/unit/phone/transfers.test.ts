/**
 * The transfer state machine (src-main/phone/transfers.ts), driven through a fake
 * TransferHost (the phone's calls, with a log of what was asked of it) and fake
 * sip.js sessions whose REFER the tests answer as the far end would.
 *
 * Covered:
 * - blind: hold first, Refer-To is the bracketed AOR, NOTIFY 1xx updates the
 *   reason, NOTIFY 2xx notes the transfer (host.transferred) and hangs the
 *   caller up; every failure (REFER refused,
 *   no 202 in 10 s, final NOTIFY >= 300, no final NOTIFY in 60 s) resumes the
 *   caller and says why; a garbage NOTIFY changes nothing;
 * - warm: consult (caller held, target dialled with the subject, both calls
 *   marked), the consult failing or ending before leave, merge (needs the
 *   consult answered; media failure puts the caller back on hold), mergedWith,
 *   leave (Refer-To with Replaces; success hangs up both legs; failure puts
 *   things back to consulting), the caller hanging up during the consult;
 * - misuse: each step refused with a clear error.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionState, UserAgent, type Core, type Notification, type Session, type SessionReferOptions, type URI } from 'sip.js';
import type { CallView, TransferMode } from '../../../src-main/ipc/contract.js';
import { Transfers, type TransferHost } from '../../../src-main/phone/transfers.js';

const CALLER = 'caller-1';
const CONSULT = 'consult-1';
const TARGET_AOR = '<sip:2002@pbx.example.com>';
/** The consult dialog (Call-ID, to-tag = the target's, from-tag = ours), as Replaces carries it. */
const REPLACES = 'consult-1%40focusline%3Bto-tag%3Dtarget-tag%3Bfrom-tag%3Dour-tag';

function uriOf(user: string): URI {
  const uri = UserAgent.makeURI(`sip:${user}@pbx.example.com`);
  if (!uri) throw new Error(`not a SIP URI: ${user}`);
  return uri;
}

/** A sip.js session as far as transfers.ts sees it: its state, its dialog, whom it is with, and REFER. */
class FakeSession {
  dialog: { callId: string; remoteTag: string; localTag: string } | undefined;
  readonly remoteIdentity: { uri: URI };
  readonly refers: { referTo: string; options: SessionReferOptions }[] = [];

  constructor(
    readonly id: string,
    user: string,
    public state: SessionState,
    private readonly events: string[],
  ) {
    this.remoteIdentity = { uri: uriOf(user) };
    if (state === SessionState.Established) this.connect();
  }

  connect(): void {
    this.state = SessionState.Established;
    this.dialog = { callId: `${this.id}@focusline`, remoteTag: 'target-tag', localTag: 'our-tag' };
  }

  refer(target: URI, options: SessionReferOptions): Promise<unknown> {
    this.refers.push({ referTo: target.toString(), options });
    this.events.push(`REFER ${this.id} ${target.toString()}`);
    return Promise.resolve({});
  }
}

/** The far end of our last REFER: what it was asked, and its answers (202 or a rejection, then NOTIFYs). */
type FarEnd = { referTo: string; accept(): void; reject(code: number, phrase: string): void; notify(body: string | undefined): void };

function farEnd(session: FakeSession): FarEnd {
  const sent = session.refers.at(-1);
  if (!sent) throw new Error(`no REFER was sent on ${session.id}`);
  const response = (statusCode: number, reasonPhrase: string) => ({ message: { statusCode, reasonPhrase } }) as unknown as Core.IncomingResponse;
  return {
    referTo: sent.referTo,
    accept: () => sent.options.requestDelegate?.onAccept?.(response(202, 'Accepted')),
    reject: (code, phrase) => sent.options.requestDelegate?.onReject?.(response(code, phrase)),
    notify: (body) => sent.options.onNotify?.({ accept: () => Promise.resolve(), request: { body } } as unknown as Notification),
  };
}

function viewOf(id: string, state: CallView['state']): CallView {
  return {
    id,
    direction: 'incoming',
    remoteUri: `sip:${id}@pbx.example.com`,
    remoteName: id,
    state,
    silent: false,
    muted: false,
    startedAt: 0,
    answeredAt: null,
    heldSince: null,
    reason: '',
    subject: null,
    transfer: null,
  };
}

/** The phone's side of the transfers (PhoneAgent), with a log of what the transfers asked of it, in order. */
class FakePhone implements TransferHost {
  readonly calls = new Map<string, { session: FakeSession; view: CallView }>();
  readonly events: string[] = [];
  /** What the next merge in the window fails with, if anything. */
  mediaError: Error | undefined;
  /** What noting a finished transfer (for the ticket) fails with, if anything. */
  transferredError: Error | undefined;
  readonly logs: string[] = [];
  /** What happens to the consult call while dial() is on its way (a fast 404, a dial that throws). */
  onDial: ((id: string) => void) | undefined;
  readonly transfers = new Transfers(this);

  constructor() {
    this.add(CALLER, '1001', SessionState.Established);
  }

  add(id: string, user: string, state: SessionState): void {
    const session = new FakeSession(id, user, state, this.events);
    this.calls.set(id, { session, view: viewOf(id, state === SessionState.Established ? 'active' : 'dialing') });
  }

  view(id: string): CallView {
    const call = this.calls.get(id);
    if (!call) throw new Error(`no call ${id}`);
    return call.view;
  }

  session(id: string): FakeSession {
    const call = this.calls.get(id);
    if (!call) throw new Error(`no call ${id}`);
    return call.session;
  }

  /** The target picks up the consult call. */
  answer(id: string): void {
    this.session(id).connect();
    this.patch(id, { state: 'active' });
  }

  /** A call ends, as PhoneAgent ends it: its reason recorded, then the transfers told, then it is gone. */
  end(id: string, reason = ''): void {
    this.patch(id, { reason });
    this.session(id).state = SessionState.Terminated;
    this.transfers.callEnded(id);
    this.calls.delete(id);
  }

  start(callId: string, mode: TransferMode, to?: string, subject: string | null = null): Promise<string> {
    return outcome(this.transfers.start(callId, mode, to, subject));
  }

  // ---- TransferHost ----

  call(id: string): { session: Session; view: CallView } | undefined {
    const call = this.calls.get(id);
    return call && { session: call.session as unknown as Session, view: call.view };
  }

  patch(id: string, patch: Partial<CallView>): void {
    const call = this.calls.get(id);
    if (call) call.view = { ...call.view, ...patch };
  }

  async setHold(id: string, hold: boolean): Promise<void> {
    this.events.push(`${hold ? 'hold' : 'resume'} ${id}`);
    const call = this.calls.get(id);
    if (call?.session.state === SessionState.Established) call.view = { ...call.view, state: hold ? 'held' : 'active' };
  }

  async dial(target: string, subject: string | null): Promise<string> {
    this.events.push(`dial ${target} ${JSON.stringify(subject)}`);
    this.add(CONSULT, target, SessionState.Establishing);
    this.onDial?.(CONSULT);
    return CONSULT;
  }

  resolve(target: string): URI {
    if (!/^\d+$/.test(target)) throw new Error(`${target} is not a number or an extension`);
    return uriOf(target);
  }

  async hangup(id: string): Promise<void> {
    this.events.push(`hangup ${id}`);
  }

  async media(id: string, method: 'merge' | 'unmerge', args: Record<string, unknown>): Promise<void> {
    this.events.push(`media ${method} ${id} ${JSON.stringify(args)}`);
    if (method === 'merge' && this.mediaError) throw this.mediaError;
  }

  transferred(event: { caller: CallView; target: string; mode: 'blind' | 'warm' }): void {
    this.events.push(`transferred ${event.mode} ${event.caller.id} to ${event.target}: ${event.caller.reason}`);
    if (this.transferredError) throw this.transferredError;
  }

  log(message: string): void {
    this.logs.push(message);
  }
}

/** What start() came to: 'resolved', or the message it threw. Attached at once, so a rejection is never unhandled. */
function outcome(step: Promise<unknown>): Promise<string> {
  return step.then(
    () => 'resolved',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
}

/** Lets the promise chains the last step started run to their end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

const advance = async (ms: number) => {
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
};

/** Starts a blind transfer of the caller to 2002; the REFER is out, unanswered. */
async function blind(phone: FakePhone): Promise<{ done: Promise<string>; far: FarEnd }> {
  const done = phone.start(CALLER, 'blind', '2002');
  await settle();
  return { done, far: farEnd(phone.session(CALLER)) };
}

/** A warm transfer to 2002 that is consulting (the target answered), or merged. */
async function warm(phone: FakePhone, state: 'consulting' | 'merged' = 'consulting'): Promise<void> {
  expect(await phone.start(CALLER, 'warm', '2002', 'About #1001')).toBe('resolved');
  phone.answer(CONSULT);
  if (state === 'merged') expect(await phone.start(CALLER, 'merge')).toBe('resolved');
  phone.events.length = 0;
}

/** Starts leave on a warm transfer; the REFER with Replaces is out, unanswered. */
async function leave(phone: FakePhone): Promise<{ done: Promise<string>; far: FarEnd }> {
  const done = phone.start(CALLER, 'leave', '2002');
  await settle();
  return { done, far: farEnd(phone.session(CALLER)) };
}

const transferOf = (role: 'caller' | 'consult', state: string, partnerId: string | null) => ({ role, state, partnerId, target: '2002' });

let phone: FakePhone;

beforeEach(() => {
  vi.useFakeTimers();
  phone = new FakePhone();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('blind transfer', () => {
  it('holds the caller, REFERs to the bracketed AOR, shows the ringing, and hangs up on NOTIFY 200', async () => {
    const { done, far } = await blind(phone);
    expect(phone.events).toEqual(['hold caller-1', `REFER caller-1 ${TARGET_AOR}`]);
    expect(phone.view(CALLER).transfer).toEqual(transferOf('caller', 'transferring', null));

    far.accept();
    expect(await done).toBe('resolved');
    far.notify('SIP/2.0 180 Ringing');
    expect(phone.view(CALLER).reason).toBe('Transferring to 2002: 180 Ringing');
    expect(phone.events).not.toContain('hangup caller-1');

    far.notify('SIP/2.0 200 OK');
    await settle();
    expect(phone.events).toEqual([
      'hold caller-1',
      `REFER caller-1 ${TARGET_AOR}`,
      'transferred blind caller-1 to 2002: Transferred to 2002',
      'hangup caller-1',
    ]);
    expect(phone.view(CALLER)).toMatchObject({ transfer: null, reason: 'Transferred to 2002' });

    // Done: the 60 s final timeout no longer gives the caller back.
    await advance(60_000);
    expect(phone.events).not.toContain('resume caller-1');
  });

  type Failure = { name: string; far: (far: FarEnd) => Promise<void>; start: string; reason: string };
  const failures: Failure[] = [
    {
      name: 'the REFER is refused with 405',
      far: async (far) => far.reject(405, 'Method Not Allowed'),
      start: "Transfer to 2002 failed: the caller's phone can't be transferred (405 Method Not Allowed). The caller is back with you.",
      reason: "Transfer to 2002 failed: the caller's phone can't be transferred (405 Method Not Allowed). The caller is back with you.",
    },
    {
      name: 'the REFER is refused with 501',
      far: async (far) => far.reject(501, 'Not Implemented'),
      start: "Transfer to 2002 failed: the caller's phone can't be transferred (501 Not Implemented). The caller is back with you.",
      reason: "Transfer to 2002 failed: the caller's phone can't be transferred (501 Not Implemented). The caller is back with you.",
    },
    {
      name: 'the REFER is refused with 403',
      far: async (far) => far.reject(403, 'Forbidden'),
      start: 'Transfer to 2002 failed: 403 Forbidden. The caller is back with you.',
      reason: 'Transfer to 2002 failed: 403 Forbidden. The caller is back with you.',
    },
    {
      name: 'the REFER is not accepted within 10 s',
      far: async () => {
        await advance(9_999);
        expect(phone.view(CALLER)).toMatchObject({ state: 'held', transfer: transferOf('caller', 'transferring', null) });
        await advance(1);
      },
      start: 'Transfer to 2002 failed: the far end did not answer the transfer request. The caller is back with you.',
      reason: 'Transfer to 2002 failed: the far end did not answer the transfer request. The caller is back with you.',
    },
    {
      name: 'the final NOTIFY is 404',
      far: async (far) => {
        far.accept();
        far.notify('SIP/2.0 404 Not Found');
      },
      start: 'resolved',
      reason: 'Transfer to 2002 failed (404 Not Found). The caller is back with you.',
    },
    {
      name: 'no final NOTIFY comes within 60 s',
      far: async (far) => {
        far.accept();
        far.notify('SIP/2.0 180 Ringing');
        await advance(59_999);
        expect(phone.view(CALLER)).toMatchObject({ state: 'held', transfer: transferOf('caller', 'transferring', null) });
        await advance(1);
      },
      start: 'resolved',
      reason: 'Transfer to 2002 failed (nobody answered in time). The caller is back with you.',
    },
  ];

  it.each(failures)('$name: the caller is resumed and told why', async ({ far, start, reason }) => {
    const sent = await blind(phone);
    await far(sent.far);
    await settle();
    expect(await sent.done).toBe(start);
    expect(phone.view(CALLER)).toMatchObject({ state: 'active', transfer: null, reason });
    expect(phone.events).toEqual(['hold caller-1', `REFER caller-1 ${TARGET_AOR}`, 'resume caller-1']);

    // The transfer is over: it can be tried again.
    const retry = phone.start(CALLER, 'blind', '2003');
    await settle();
    expect(phone.session(CALLER).refers.at(-1)?.referTo).toBe('<sip:2003@pbx.example.com>');
    farEnd(phone.session(CALLER)).accept();
    expect(await retry).toBe('resolved');
  });

  it('a failure to note the transfer is logged and does not stop the hang-up', async () => {
    phone.transferredError = new Error('ticket desk is down');
    const { done, far } = await blind(phone);
    far.accept();
    expect(await done).toBe('resolved');
    far.notify('SIP/2.0 200 OK');
    await settle();
    expect(phone.events.at(-1)).toBe('hangup caller-1');
    expect(phone.logs).toContain('Call caller-1: noting the transfer failed: ticket desk is down');
  });

  it.each([undefined, '', 'hello', 'SIP/2.0 99 Low', 'HTTP/1.1 200 OK', 'SIP/2.0 700 Nope'])('ignores a garbage NOTIFY body (%j)', async (body) => {
    const { done, far } = await blind(phone);
    far.accept();
    expect(await done).toBe('resolved');
    far.notify(body);
    await settle();
    expect(phone.view(CALLER)).toMatchObject({ state: 'held', reason: '', transfer: transferOf('caller', 'transferring', null) });
    expect(phone.events).toEqual(['hold caller-1', `REFER caller-1 ${TARGET_AOR}`]);

    far.notify('SIP/2.0 200 OK');
    await settle();
    expect(phone.events).toContain('hangup caller-1');
  });

  it('the caller hanging up while the target rings ends the transfer (no resume 60 s later)', async () => {
    const { done, far } = await blind(phone);
    far.accept();
    expect(await done).toBe('resolved');
    phone.end(CALLER, 'BYE');
    await advance(60_000);
    expect(phone.events).toEqual(['hold caller-1', `REFER caller-1 ${TARGET_AOR}`]);
  });
});

describe('warm transfer: consult', () => {
  it('holds the caller, dials the target with the subject, and marks both calls', async () => {
    expect(await outcome(phone.transfers.start(CALLER, 'warm', ' 2002 ', 'About #1001: Printer down'))).toBe('resolved');
    await expect(phone.transfers.start(CALLER, 'warm', '2003', null)).rejects.toThrow('This call is already being transferred.');
    expect(phone.events).toEqual(['hold caller-1', 'dial 2002 "About #1001: Printer down"']);
    expect(phone.view(CALLER)).toMatchObject({ state: 'held', transfer: transferOf('caller', 'consulting', CONSULT) });
    expect(phone.view(CONSULT).transfer).toEqual(transferOf('consult', 'consulting', CALLER));
  });

  it('returns the consult call id', async () => {
    await expect(phone.transfers.start(CALLER, 'warm', '2002', null)).resolves.toEqual({ consultCallId: CONSULT });
  });

  it.each([
    {
      name: 'dial() throws',
      onDial: () => {
        throw new Error('No route to 2002.');
      },
      error: 'Calling 2002 failed: No route to 2002. The caller is back with you.',
    },
    {
      name: 'the consult call is already gone when dial() returns (a fast 404)',
      onDial: (id: string) => phone.end(id, '404 Not Found'),
      error: 'Calling 2002 failed: the call did not connect. The caller is back with you.',
    },
  ])('$name: the caller is resumed and start() rejects', async ({ onDial, error }) => {
    phone.onDial = onDial;
    expect(await phone.start(CALLER, 'warm', '2002')).toBe(error);
    expect(phone.view(CALLER)).toMatchObject({ state: 'active', transfer: null, reason: error });
    expect(phone.events.at(-1)).toBe('resume caller-1');
  });

  it.each([
    {
      name: 'while ringing, busy',
      answered: false,
      merged: false,
      reason: '486 Busy Here',
      told: 'The call to 2002 ended (486 Busy Here); the caller is back with you.',
    },
    { name: 'after answering', answered: true, merged: false, reason: '', told: 'The call to 2002 ended; the caller is back with you.' },
    { name: 'while merged', answered: true, merged: true, reason: '', told: 'The call to 2002 ended; the caller is back with you.' },
  ])('the consult call ending before leave ($name) gives the caller back', async ({ answered, merged, reason, told }) => {
    await phone.start(CALLER, 'warm', '2002');
    if (answered) phone.answer(CONSULT);
    if (merged) await phone.start(CALLER, 'merge');
    phone.events.length = 0;

    phone.end(CONSULT, reason);
    await settle();
    expect(phone.view(CALLER)).toMatchObject({ state: 'active', transfer: null, reason: told });
    // Held: resumed. Merged: already talking to the tech, only the mixing stops.
    expect(phone.events).toEqual([`media unmerge caller-1 {}`, ...(merged ? [] : ['resume caller-1'])]);
    expect(phone.transfers.mergedWith(CALLER)).toBeUndefined();
  });

  it.each([
    { name: 'consulting', merged: false },
    { name: 'merged', merged: true },
  ])('the caller hanging up ($name) leaves the consult call as a normal call', async ({ merged }) => {
    await warm(phone, merged ? 'merged' : 'consulting');
    phone.end(CALLER, 'BYE');
    await settle();
    expect(phone.view(CONSULT)).toMatchObject({ state: 'active', transfer: null, reason: 'The caller hung up; the transfer is off.' });
    expect(phone.events).toEqual(['media unmerge consult-1 {}']);
    expect(phone.transfers.mergedWith(CONSULT)).toBeUndefined();
  });
});

describe('warm transfer: merge', () => {
  it('resumes both calls, asks the window to mix them, and pairs them both ways', async () => {
    await warm(phone);
    expect(phone.transfers.mergedWith(CALLER)).toBeUndefined();

    expect(await phone.start(CALLER, 'merge')).toBe('resolved');
    expect(phone.events).toEqual(['resume consult-1', 'resume caller-1', 'media merge caller-1 {"callIds":["caller-1","consult-1"]}']);
    expect(phone.view(CALLER)).toMatchObject({ state: 'active', transfer: transferOf('caller', 'merged', CONSULT) });
    expect(phone.view(CONSULT)).toMatchObject({ state: 'active', transfer: transferOf('consult', 'merged', CALLER) });
    expect(phone.transfers.mergedWith(CALLER)).toBe(CONSULT);
    expect(phone.transfers.mergedWith(CONSULT)).toBe(CALLER);

    // Merging again is a no-op.
    expect(await phone.start(CALLER, 'merge', '2002')).toBe('resolved');
    expect(phone.events).toHaveLength(3);
  });

  it('puts the caller back on hold when the window cannot mix the calls', async () => {
    await warm(phone);
    phone.mediaError = new Error('no audio window');
    expect(await phone.start(CALLER, 'merge')).toBe('The calls could not be merged: no audio window');
    expect(phone.events).toEqual(['resume consult-1', 'resume caller-1', 'media merge caller-1 {"callIds":["caller-1","consult-1"]}', 'hold caller-1']);
    expect(phone.view(CALLER)).toMatchObject({ state: 'held', transfer: transferOf('caller', 'consulting', CONSULT) });
    expect(phone.transfers.mergedWith(CALLER)).toBeUndefined();
  });
});

describe('warm transfer: leave', () => {
  it('REFERs the caller to the target’s AOR with Replaces naming the consult dialog', async () => {
    await warm(phone, 'merged');
    const { far } = await leave(phone);
    expect(far.referTo).toBe(`<sip:2002@pbx.example.com?Replaces=${REPLACES}>`);
    expect(phone.view(CALLER).transfer).toEqual(transferOf('caller', 'leaving', CONSULT));
    expect(phone.view(CONSULT).transfer).toEqual(transferOf('consult', 'leaving', CALLER));
  });

  it.each([
    { name: 'consulting', merged: false },
    { name: 'merged', merged: true },
  ])('from $name: NOTIFY 200 hangs up the caller, and the consult call 5 s later', async ({ merged }) => {
    await warm(phone, merged ? 'merged' : 'consulting');
    const { done, far } = await leave(phone);
    far.accept();
    expect(await done).toBe('resolved');
    far.notify('SIP/2.0 200 OK');
    await settle();
    expect(phone.events).toEqual([
      `REFER caller-1 <sip:2002@pbx.example.com?Replaces=${REPLACES}>`,
      'transferred warm caller-1 to 2002: Handed over to 2002',
      'hangup caller-1',
    ]);
    expect(phone.view(CALLER)).toMatchObject({ transfer: null, reason: 'Handed over to 2002' });
    expect(phone.view(CONSULT)).toMatchObject({ transfer: null, reason: '2002 took the caller over' });

    await advance(4_999);
    expect(phone.events).not.toContain('hangup consult-1');
    await advance(1);
    expect(phone.events.at(-1)).toBe('hangup consult-1');
  });

  it('the target ending the consult call (Replaces) before the NOTIFY 200 does not give the caller back', async () => {
    await warm(phone, 'merged');
    const { done, far } = await leave(phone);
    far.accept();
    expect(await done).toBe('resolved');
    phone.end(CONSULT, 'BYE');
    await settle();
    expect(phone.view(CALLER).transfer?.state).toBe('leaving');
    far.notify('SIP/2.0 200 OK');
    await settle();
    expect(phone.events).toEqual([
      `REFER caller-1 <sip:2002@pbx.example.com?Replaces=${REPLACES}>`,
      'transferred warm caller-1 to 2002: Handed over to 2002',
      'hangup caller-1',
    ]);
    expect(phone.view(CALLER)).toMatchObject({ transfer: null, reason: 'Handed over to 2002' });
  });

  type Failure = { name: string; merged: boolean; far: (far: FarEnd) => Promise<void>; start: string; why: string };
  const failures: Failure[] = [
    {
      name: 'merged, final NOTIFY 486',
      merged: true,
      far: async (far) => {
        far.accept();
        far.notify('SIP/2.0 486 Busy Here');
      },
      start: 'resolved',
      why: 'Handing the caller to 2002 failed (486 Busy Here).',
    },
    {
      name: 'consulting, final NOTIFY 486',
      merged: false,
      far: async (far) => {
        far.accept();
        far.notify('SIP/2.0 486 Busy Here');
      },
      start: 'resolved',
      why: 'Handing the caller to 2002 failed (486 Busy Here).',
    },
    {
      name: 'merged, REFER refused 403',
      merged: true,
      far: async (far) => far.reject(403, 'Forbidden'),
      start: 'Handing the caller to 2002 failed: 403 Forbidden.',
      why: 'Handing the caller to 2002 failed: 403 Forbidden.',
    },
    {
      name: 'merged, no 202 within 10 s',
      merged: true,
      far: () => advance(10_000),
      start: 'Handing the caller to 2002 failed: the far end did not answer the transfer request.',
      why: 'Handing the caller to 2002 failed: the far end did not answer the transfer request.',
    },
    {
      name: 'merged, no final NOTIFY within 60 s',
      merged: true,
      far: async (far) => {
        far.accept();
        await advance(60_000);
      },
      start: 'resolved',
      why: 'Handing the caller to 2002 failed (no answer from the caller’s phone).',
    },
  ];

  it.each(failures)('$name: unmerges, holds the target, resumes the caller, back to consulting', async ({ merged, far, start, why }) => {
    await warm(phone, merged ? 'merged' : 'consulting');
    const sent = await leave(phone);
    await far(sent.far);
    await settle();
    expect(await sent.done).toBe(start);
    expect(phone.events).toEqual([
      `REFER caller-1 <sip:2002@pbx.example.com?Replaces=${REPLACES}>`,
      ...(merged ? ['media unmerge caller-1 {}'] : []),
      'hold consult-1',
      'resume caller-1',
    ]);
    expect(phone.view(CALLER)).toMatchObject({
      state: 'active',
      transfer: transferOf('caller', 'consulting', CONSULT),
      reason: `${why} The caller is back with you; 2002 is on hold.`,
    });
    expect(phone.view(CONSULT)).toMatchObject({ state: 'held', transfer: transferOf('consult', 'consulting', CALLER) });
    expect(phone.transfers.mergedWith(CALLER)).toBeUndefined();
    expect(phone.events).not.toContain('hangup caller-1');
  });
});

describe('refused steps', () => {
  type Refusal = { name: string; given: (phone: FakePhone) => Promise<void>; callId: string; mode: TransferMode; to?: string; error: string };
  const nothing = async () => undefined;
  const consulting = (answered: boolean) => async (phone: FakePhone) => {
    await phone.start(CALLER, 'warm', '2002');
    if (answered) phone.answer(CONSULT);
  };
  const refusals: Refusal[] = [
    { name: 'a call that has ended', given: nothing, callId: 'gone', mode: 'blind', to: '2002', error: 'That call has ended.' },
    { name: 'blind without a target', given: nothing, callId: CALLER, mode: 'blind', to: '  ', error: 'Say where to transfer the call' },
    { name: 'warm without a target', given: nothing, callId: CALLER, mode: 'warm', error: 'Say where to transfer the call' },
    { name: 'a target that does not resolve', given: nothing, callId: CALLER, mode: 'blind', to: 'nobody', error: 'nobody is not a number or an extension' },
    {
      name: 'a call not connected yet',
      given: async (phone) => phone.add('ringing-1', '1003', SessionState.Establishing),
      callId: 'ringing-1',
      mode: 'blind',
      to: '2002',
      error: 'Only a connected call can be transferred.',
    },
    { name: 'merge without a warm transfer', given: nothing, callId: CALLER, mode: 'merge', error: 'Start a warm transfer first (mode=warm)' },
    { name: 'leave without a warm transfer', given: nothing, callId: CALLER, mode: 'leave', error: 'Start a warm transfer first (mode=warm)' },
    {
      name: 'merge during a blind transfer',
      given: async (phone) => void (await blind(phone)),
      callId: CALLER,
      mode: 'merge',
      error: 'Start a warm transfer first (mode=warm)',
    },
    { name: 'blind while consulting', given: consulting(true), callId: CALLER, mode: 'blind', to: '2003', error: 'This call is already being transferred.' },
    {
      name: 'a transfer of the consult call',
      given: consulting(true),
      callId: CONSULT,
      mode: 'blind',
      to: '2003',
      error: 'This is the call to the transfer target: transfer the caller’s call instead.',
    },
    { name: 'merge on the consult call', given: consulting(true), callId: CONSULT, mode: 'merge', error: 'Start a warm transfer first (mode=warm)' },
    { name: 'merge before the target answered', given: consulting(false), callId: CALLER, mode: 'merge', error: '2002 has not answered yet.' },
    { name: 'leave before the target answered', given: consulting(false), callId: CALLER, mode: 'leave', error: '2002 has not answered yet.' },
    {
      name: 'leave naming another target',
      given: consulting(true),
      callId: CALLER,
      mode: 'leave',
      to: '2003',
      error: 'This call is being transferred to 2002, not 2003.',
    },
    {
      name: 'merge naming another target',
      given: consulting(true),
      callId: CALLER,
      mode: 'merge',
      to: '2003',
      error: 'This call is being transferred to 2002, not 2003.',
    },
    {
      name: 'merge while leaving',
      given: async (phone) => {
        await consulting(true)(phone);
        await leave(phone);
      },
      callId: CALLER,
      mode: 'merge',
      error: 'The transfer is already being completed.',
    },
  ];

  it.each(refusals)('$name', async ({ given, callId, mode, to, error }) => {
    await given(phone);
    const before = phone.events.length;
    await expect(phone.transfers.start(callId, mode, to, null)).rejects.toThrow(error);
    expect(phone.events).toHaveLength(before);
  });
});
