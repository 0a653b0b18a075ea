import { describe, expect, it } from 'vitest';
import { decide, repeatLookbackMinutes, type DecisionSnapshot, type FocusDecision } from '../../../src-main/focus/decide.js';
import { RepeatCallerWindow } from '../../../src-main/focus/repeat-callers.js';
import type { ActiveTicket, BusinessHours, FocusRules, FocusState } from '../../../src-main/focus/types.js';
import { DecisionSchema, type IncomingCall } from '../../../src-main/ipc/contract.js';
import { compileDirectory } from '../../../src-main/numbers/directory.js';
import { ticketContactMatcher } from '../../../src-main/numbers/ticket-contacts.js';

// ---- the world ------------------------------------------------------------

const nineToFive = { start: '09:00', end: '17:00' };
const NY_WEEKDAYS: BusinessHours = {
  timeZone: 'America/New_York',
  weekly: { 1: [nineToFive], 2: [nineToFive], 3: [nineToFive], 4: [nineToFive], 5: [nineToFive] },
};

const RULES: FocusRules = {
  defaultRegion: 'US',
  trustAssertedIdentity: false,
  ownDomain: 'pbx.example.com',
  trustedHosts: [],
  focusAction: 'redirect',
  redirectTarget: 'sip:manager@pbx.example.com',
  voicemailTarget: 'sip:*97@pbx.example.com',
  busyCode: 486,
  repeat: { threshold: 3, windowMinutes: 15, breakThrough: false, breakThroughWindowMinutes: 3 },
  hours: NY_WEEKDAYS,
  afterHoursAction: 'voicemail',
  afterHoursTarget: '',
};

const DIRECTORY = compileDirectory(
  {
    coworkers: [
      { name: 'Dana Desk', extensions: ['2002'], numbers: ['+1 (555) 010-2002'], sipUris: ['sip:dana@pbx.example.com'] },
      { name: 'Eddie (left)', numbers: ['555-010-7777'] },
    ],
    vips: [
      { name: 'Victor, Acme CEO', numbers: ['(555) 010-9999'] },
      { name: 'Vic Duplicate', numbers: ['+1 555 010 8888'] },
    ],
    blocked: [
      { name: 'Spam Co', numbers: ['+15550106666'] },
      { name: 'Eddie (left)', numbers: ['+1 555 010 7777'] },
      { name: 'Vic Duplicate', numbers: ['555 010 8888'] },
    ],
  },
  'US',
);

const TICKET: ActiveTicket = {
  id: '1042',
  summary: 'printer down',
  company: 'Acme',
  contactName: 'Carol Contact',
  contactNumbers: ['(555) 010-1234 x12'],
  source: 'local',
};

const CAROL = '+15550101234';
const DANA = '+15550102002';
const VICTOR = '5550109999';
const VIC_DUP = '+15550108888';
const SPAM = '+15550106666';
const EDDIE = '+15550107777';
const STRANGER = '+15550105555';

/** Tue 2026-03-10 11:00 EDT and 19:30 EDT. */
const OPEN = new Date('2026-03-10T15:00:00Z');
const CLOSED = new Date('2026-03-10T23:30:00Z');
const minutesBefore = (at: Date, ...minutes: number[]) => minutes.map((m) => new Date(at.getTime() - m * 60_000));

const OFF: FocusState = { mode: 'off' };
const FOCUSED: FocusState = { mode: 'ticket', ticket: TICKET, since: new Date('2026-03-10T14:00:00Z') };
const focusedOn = (ticket: Partial<ActiveTicket>): FocusState => ({ ...FOCUSED, ticket: { ...TICKET, ...ticket } }) as FocusState;
const DND: FocusState = { mode: 'dnd', until: null, since: new Date('2026-03-10T14:00:00Z') };

type Scenario = {
  from: string;
  focus: FocusState;
  at?: Date;
  rules?: Partial<FocusRules>;
  repeat?: Partial<FocusRules['repeat']>;
  recent?: Date[];
  assertedIdentity?: string;
  displayName?: string;
};

function call(s: Pick<Scenario, 'from' | 'assertedIdentity' | 'displayName'>): IncomingCall {
  const fromUri = s.from.includes(':') ? s.from : `sip:${s.from}@pbx.example.com`;
  return {
    callId: 'c-1',
    fromUri,
    fromUser: /^[a-z]+:([^@;]*)/i.exec(fromUri)?.[1] ?? '',
    displayName: s.displayName ?? '',
    assertedIdentity: s.assertedIdentity ?? null,
    toUri: 'sip:tech@pbx.example.com',
  };
}

function snapshot(s: Scenario): DecisionSnapshot {
  const rules: FocusRules = { ...RULES, ...s.rules, repeat: { ...RULES.repeat, ...s.rules?.repeat, ...s.repeat } };
  return { now: s.at ?? OPEN, focus: s.focus, rules, directory: DIRECTORY, recentAttempts: s.recent ?? [] };
}

const run = (s: Scenario): FocusDecision => decide(call(s), snapshot(s));

type Expected = Partial<Pick<FocusDecision, 'action' | 'rule' | 'target' | 'rejectCode' | 'repeatCaller'>> & { matched?: string };

function expectDecision(d: FocusDecision, expected: Expected): void {
  const { matched, ...rest } = expected;
  expect(d).toMatchObject(rest);
  if (matched !== undefined) expect(d.matched?.list).toBe(matched);
  if (d.action !== 'redirect' && d.action !== 'voicemail') expect(d.target).toBeUndefined();
  if (d.action !== 'reject') expect(d.rejectCode).toBeUndefined();
}

const REJECT = { action: 'reject', rule: 'blocked', rejectCode: 486, matched: 'blocked' } as const;
const TO_MANAGER = { action: 'redirect', rule: 'focus', target: 'sip:manager@pbx.example.com' } as const;
const AFTER_HOURS_VM = { action: 'voicemail', rule: 'after-hours', target: 'sip:*97@pbx.example.com' } as const;
const BREAKS_THROUGH = { action: 'ring', rule: 'repeat-breakthrough' } as const;
const BT_ON = { breakThrough: true };

// ---- precedence -----------------------------------------------------------

describe('decide: every precedence pair (blocked > allowed > repeat break-through > after-hours > focus/DND > ring)', () => {
  it.each<[string, Scenario, Expected]>([
    // 1. blocked beats everything below it
    ['blocked beats coworker (same number on both lists)', { from: EDDIE, focus: OFF }, REJECT],
    ['blocked beats VIP (same number on both lists)', { from: VIC_DUP, focus: FOCUSED }, REJECT],
    ['blocked beats ticket contact', { from: SPAM, focus: focusedOn({ contactNumbers: ['+1 555 010 6666'] }) }, REJECT],
    ['blocked beats repeat break-through', { from: SPAM, focus: FOCUSED, repeat: BT_ON, recent: minutesBefore(OPEN, 1) }, REJECT],
    ['blocked beats after-hours', { from: SPAM, focus: OFF, at: CLOSED }, REJECT],
    ['blocked beats ticket focus', { from: SPAM, focus: FOCUSED }, REJECT],
    ['blocked beats DND', { from: SPAM, focus: DND }, REJECT],
    ['blocked beats ring', { from: SPAM, focus: OFF }, REJECT],
    ['blocked answers with the configured busy code', { from: SPAM, focus: OFF, rules: { busyCode: 480 } }, { ...REJECT, rejectCode: 480 }],

    // 2. allowed callers beat everything below them
    ['ticket contact beats ticket focus', { from: CAROL, focus: FOCUSED }, { action: 'ring', rule: 'ticket-contact', matched: 'ticket-contact' }],
    ['coworker beats ticket focus', { from: DANA, focus: FOCUSED }, { action: 'ring', rule: 'coworker', matched: 'coworker' }],
    ['coworker by extension beats ticket focus', { from: '2002', focus: FOCUSED }, { action: 'ring', rule: 'coworker' }],
    ['coworker by SIP URI beats ticket focus', { from: 'sips:Dana@PBX.example.com:5061', focus: FOCUSED }, { action: 'ring', rule: 'coworker' }],
    ['VIP beats ticket focus', { from: VICTOR, focus: FOCUSED }, { action: 'ring', rule: 'vip', matched: 'vip' }],
    ['coworker beats DND', { from: DANA, focus: DND }, { action: 'ring', rule: 'coworker' }],
    ['VIP beats DND', { from: VICTOR, focus: DND }, { action: 'ring', rule: 'vip' }],
    ['ticket contact beats after-hours', { from: CAROL, focus: FOCUSED, at: CLOSED }, { action: 'ring', rule: 'ticket-contact' }],
    ['coworker beats after-hours', { from: DANA, focus: OFF, at: CLOSED }, { action: 'ring', rule: 'coworker' }],
    ['VIP beats after-hours', { from: VICTOR, focus: OFF, at: CLOSED }, { action: 'ring', rule: 'vip' }],
    [
      'ticket contact beats repeat break-through',
      { from: CAROL, focus: FOCUSED, repeat: BT_ON, recent: minutesBefore(OPEN, 1) },
      { action: 'ring', rule: 'ticket-contact' },
    ],
    [
      'coworker beats repeat break-through',
      { from: DANA, focus: FOCUSED, repeat: BT_ON, recent: minutesBefore(OPEN, 1) },
      { action: 'ring', rule: 'coworker' },
    ],
    ['coworker beats ring: the rule names the list', { from: DANA, focus: OFF }, { action: 'ring', rule: 'coworker', matched: 'coworker' }],
    [
      'ticket contact beats coworker at equal strength',
      { from: DANA, focus: focusedOn({ contactNumbers: ['555-010-2002'] }) },
      { action: 'ring', rule: 'ticket-contact' },
    ],
    [
      'ticket contact matches on the last 7 digits',
      { from: '+12125550123', focus: focusedOn({ contactNumbers: ['555.0123'] }) },
      { action: 'ring', rule: 'ticket-contact' },
    ],

    // 3. repeat break-through beats after-hours and focus, only while focused
    [
      'break-through beats after-hours while focused',
      { from: STRANGER, focus: FOCUSED, at: CLOSED, repeat: BT_ON, recent: minutesBefore(CLOSED, 2) },
      BREAKS_THROUGH,
    ],
    ['break-through beats ticket focus', { from: STRANGER, focus: FOCUSED, repeat: BT_ON, recent: minutesBefore(OPEN, 2) }, BREAKS_THROUGH],
    ['break-through beats DND', { from: STRANGER, focus: DND, repeat: BT_ON, recent: minutesBefore(OPEN, 2) }, BREAKS_THROUGH],
    [
      'break-through does not apply when not focused: after-hours still decides',
      { from: STRANGER, focus: OFF, at: CLOSED, repeat: BT_ON, recent: minutesBefore(CLOSED, 2) },
      AFTER_HOURS_VM,
    ],
    [
      'break-through does not apply when not focused: it just rings',
      { from: STRANGER, focus: OFF, repeat: BT_ON, recent: minutesBefore(OPEN, 2) },
      { action: 'ring', rule: 'ring' },
    ],

    // 4. after-hours beats focus and ring
    ['after-hours beats ticket focus', { from: STRANGER, focus: FOCUSED, at: CLOSED }, AFTER_HOURS_VM],
    ['after-hours beats DND', { from: STRANGER, focus: DND, at: CLOSED }, AFTER_HOURS_VM],
    ['after-hours beats ring when not focused', { from: STRANGER, focus: OFF, at: CLOSED }, AFTER_HOURS_VM],
    ["after-hours 'ring' leaves it to focus", { from: STRANGER, focus: FOCUSED, at: CLOSED, rules: { afterHoursAction: 'ring' } }, TO_MANAGER],
    [
      "after-hours 'ring' when not focused rings",
      { from: STRANGER, focus: OFF, at: CLOSED, rules: { afterHoursAction: 'ring' } },
      { action: 'ring', rule: 'ring' },
    ],
    ['no business hours: never after hours', { from: STRANGER, focus: OFF, at: CLOSED, rules: { hours: null } }, { action: 'ring', rule: 'ring' }],

    // 5. focus / DND beats ring
    ['ticket focus beats ring', { from: STRANGER, focus: FOCUSED }, TO_MANAGER],
    ['DND beats ring', { from: STRANGER, focus: DND }, { ...TO_MANAGER, rule: 'dnd' }],

    // 6. ring
    ['rings when nothing applies', { from: STRANGER, focus: OFF }, { action: 'ring', rule: 'ring' }],
  ])('%s', (_name, scenario, expected) => {
    expectDecision(run(scenario), expected);
  });
});

// ---- each rule's own behaviour ----------------------------------------------

describe('decide: focus and DND', () => {
  it.each<[string, Scenario, Expected]>([
    ['redirect sends to the service manager', { from: STRANGER, focus: FOCUSED }, TO_MANAGER],
    [
      'voicemail sends to the voicemail target',
      { from: STRANGER, focus: FOCUSED, rules: { focusAction: 'voicemail' } },
      { action: 'voicemail', rule: 'focus', target: 'sip:*97@pbx.example.com' },
    ],
    ['busy rejects with busyCode', { from: STRANGER, focus: FOCUSED, rules: { focusAction: 'busy' } }, { action: 'reject', rule: 'focus', rejectCode: 486 }],
    ['busy with 480', { from: STRANGER, focus: DND, rules: { focusAction: 'busy', busyCode: 480 } }, { action: 'reject', rule: 'dnd', rejectCode: 480 }],
    ['silent shows without ringing', { from: STRANGER, focus: FOCUSED, rules: { focusAction: 'silent' } }, { action: 'silent', rule: 'focus' }],
    ["the ticket's contact is nobody special while off", { from: CAROL, focus: OFF }, { action: 'ring', rule: 'ring' }],
    [
      "the ticket's contact doesn't ring in DND (only coworkers and VIPs do)",
      { from: CAROL, focus: { ...DND, resumeTicket: TICKET } as FocusState },
      { ...TO_MANAGER, rule: 'dnd' },
    ],
    [
      'a timed DND still running suppresses',
      { from: STRANGER, focus: { mode: 'dnd', until: new Date(OPEN.getTime() + 60_000), since: OPEN } },
      { ...TO_MANAGER, rule: 'dnd' },
    ],
    [
      'a DND whose time has passed no longer suppresses',
      { from: STRANGER, focus: { mode: 'dnd', until: OPEN, since: minutesBefore(OPEN, 30)[0]! } },
      { action: 'ring', rule: 'ring' },
    ],
    [
      'a DND that has passed returns to its waiting ticket',
      { from: CAROL, focus: { mode: 'dnd', until: OPEN, since: minutesBefore(OPEN, 30)[0]!, resumeTicket: TICKET } },
      { action: 'ring', rule: 'ticket-contact' },
    ],
  ])('%s', (_name, scenario, expected) => {
    expectDecision(run(scenario), expected);
  });

  it('tells the tech why, in a sentence', () => {
    expect(run({ from: STRANGER, focus: FOCUSED }).reason).toBe('Sent to the service manager: you are focused on #1042 Acme: printer down.');
    expect(run({ from: CAROL, focus: FOCUSED }).reason).toBe('Rang: Carol Contact is the contact on #1042 Acme: printer down.');
    expect(run({ from: SPAM, focus: OFF }).reason).toBe('Rejected: Spam Co is on the block list.');
    expect(run({ from: DANA, focus: DND }).reason).toBe('Rang: Dana Desk is a coworker.');
    expect(run({ from: STRANGER, focus: DND, rules: { focusAction: 'silent' } }).reason).toBe('Shown without ringing: do not disturb is on.');
    expect(run({ from: STRANGER, focus: OFF, at: CLOSED }).reason).toBe('Sent to voicemail: outside business hours.');
  });

  it('names the match', () => {
    expect(run({ from: CAROL, focus: FOCUSED }).matched).toEqual({ list: 'ticket-contact', name: 'Carol Contact' });
    expect(run({ from: VICTOR, focus: FOCUSED }).matched).toEqual({ list: 'vip', name: 'Victor, Acme CEO' });
    expect(run({ from: STRANGER, focus: FOCUSED }).matched).toBeUndefined();
  });

  it("weighs the ticket contact's match against the directory's by strength: an exact contact beats a 7-digit block", () => {
    const directory = compileDirectory({ coworkers: [], vips: [], blocked: [{ name: 'Spam 7', numbers: ['555-0166'] }] }, 'US');
    const focus = focusedOn({ contactNumbers: ['(212) 555-0166'] });
    const decideFor = (from: string) => decide(call({ from }), { ...snapshot({ from, focus }), directory });
    expectDecision(decideFor('+12125550166'), { action: 'ring', rule: 'ticket-contact' });
    expectDecision(decideFor('+13125550166'), REJECT);
  });

  it('uses a compiled ticket matcher when given one', () => {
    const s = snapshot({ from: '+12125550123', focus: FOCUSED });
    const d = decide(call({ from: '+12125550123' }), { ...s, ticketContacts: ticketContactMatcher(['212 555 0123'], 'US') });
    expectDecision(d, { action: 'ring', rule: 'ticket-contact' });
  });
});

describe('decide: after hours', () => {
  it.each<[string, Partial<FocusRules>, Expected]>([
    [
      'redirect to the after-hours target',
      { afterHoursAction: 'redirect', afterHoursTarget: 'sip:oncall@pbx.example.com' },
      { action: 'redirect', rule: 'after-hours', target: 'sip:oncall@pbx.example.com' },
    ],
    [
      'voicemail to the after-hours target when set',
      { afterHoursAction: 'voicemail', afterHoursTarget: 'sip:*98@pbx.example.com' },
      { action: 'voicemail', rule: 'after-hours', target: 'sip:*98@pbx.example.com' },
    ],
    ['voicemail to the usual voicemail otherwise', { afterHoursAction: 'voicemail', afterHoursTarget: '' }, AFTER_HOURS_VM],
    ['busy', { afterHoursAction: 'busy' }, { action: 'reject', rule: 'after-hours', rejectCode: 486 }],
    ['silent', { afterHoursAction: 'silent' }, { action: 'silent', rule: 'after-hours' }],
  ])('%s', (_name, rules, expected) => {
    expectDecision(run({ from: STRANGER, focus: OFF, at: CLOSED, rules }), expected);
  });

  it('rings during business hours', () => {
    expectDecision(run({ from: STRANGER, focus: OFF, at: OPEN, rules: { afterHoursAction: 'busy' } }), { action: 'ring', rule: 'ring' });
  });
});

describe('decide: a misconfiguration never loses a call', () => {
  it.each<[string, Scenario, Expected, RegExp]>([
    [
      'redirect without a target goes to voicemail',
      { from: STRANGER, focus: FOCUSED, rules: { redirectTarget: '' } },
      { action: 'voicemail', rule: 'focus', target: 'sip:*97@pbx.example.com' },
      /No address is set up for the service manager, so it went to voicemail instead/,
    ],
    [
      'a blank target counts as none',
      { from: STRANGER, focus: FOCUSED, rules: { redirectTarget: '   ' } },
      { action: 'voicemail', target: 'sip:*97@pbx.example.com' },
      /went to voicemail instead/,
    ],
    [
      'redirect without any target is shown without ringing',
      { from: STRANGER, focus: FOCUSED, rules: { redirectTarget: '', voicemailTarget: '' } },
      { action: 'silent', rule: 'focus' },
      /No address is set up for the service manager or voicemail/,
    ],
    [
      'voicemail without a target is shown without ringing',
      { from: STRANGER, focus: DND, rules: { focusAction: 'voicemail', voicemailTarget: '' } },
      { action: 'silent', rule: 'dnd' },
      /No voicemail address is set up/,
    ],
    [
      'after-hours redirect without its target goes to voicemail',
      { from: STRANGER, focus: OFF, at: CLOSED, rules: { afterHoursAction: 'redirect', afterHoursTarget: '' } },
      AFTER_HOURS_VM,
      /No address is set up for the after-hours line/,
    ],
    [
      'after-hours redirect without any target is shown',
      { from: STRANGER, focus: OFF, at: CLOSED, rules: { afterHoursAction: 'redirect', afterHoursTarget: '', voicemailTarget: '' } },
      { action: 'silent', rule: 'after-hours' },
      /could not be sent on/,
    ],
    [
      'invalid business hours are skipped, and said so',
      { from: STRANGER, focus: OFF, at: CLOSED, rules: { hours: { timeZone: 'Nowhere/Special', weekly: {} } } },
      { action: 'ring', rule: 'ring' },
      /business hours setting is invalid/,
    ],
  ])('%s', (_name, scenario, expected, reason) => {
    const d = run(scenario);
    expectDecision(d, expected);
    expect(d.reason).toMatch(reason);
  });
});

describe('decide: redirect only to someone who is there (presence)', () => {
  const MANAGER_KEY = 'sip:manager@pbx.example.com';
  const withPresence = (s: Scenario, offline: string[]) => decide(call(s), { ...snapshot(s), offlineTargets: new Set(offline) });

  it.each<[string, Scenario, string[], Expected, RegExp]>([
    [
      'the service manager is offline: the held-back call goes to voicemail, and the reason says why',
      { from: STRANGER, focus: FOCUSED },
      [MANAGER_KEY],
      { action: 'voicemail', rule: 'focus', target: 'sip:*97@pbx.example.com' },
      /^Sent to voicemail: you are focused on #1042 Acme: printer down\. \(The service manager shows offline on the phone system \(presence of sip:manager@pbx\.example\.com\), so it went to voicemail instead\.\)$/,
    ],
    [
      'in do-not-disturb too',
      { from: STRANGER, focus: DND },
      [MANAGER_KEY],
      { action: 'voicemail', rule: 'dnd', target: 'sip:*97@pbx.example.com' },
      /do not disturb is on\. \(The service manager shows offline/,
    ],
    [
      'the target is matched as an address of record: port, parameters, case and sips: do not hide it',
      { from: STRANGER, focus: FOCUSED, rules: { redirectTarget: 'sips:Manager@PBX.example.com:5061;transport=tls' } },
      [MANAGER_KEY],
      { action: 'voicemail', target: 'sip:*97@pbx.example.com' },
      /shows offline/,
    ],
    [
      'offline and no voicemail address: shown without ringing, and the reason says both',
      { from: STRANGER, focus: FOCUSED, rules: { voicemailTarget: '' } },
      [MANAGER_KEY],
      { action: 'silent', rule: 'focus' },
      /The service manager shows offline on the phone system \(presence of sip:manager@pbx\.example\.com\) and no voicemail address is set up, so it could not be sent on\./,
    ],
    [
      'the after-hours line offline: the PBX voicemail, not the offline line again',
      { from: STRANGER, focus: OFF, at: CLOSED, rules: { afterHoursAction: 'redirect', afterHoursTarget: 'sip:oncall@pbx.example.com' } },
      ['sip:oncall@pbx.example.com'],
      { action: 'voicemail', rule: 'after-hours', target: 'sip:*97@pbx.example.com' },
      /The after-hours line shows offline/,
    ],
    [
      'someone else offline changes nothing',
      { from: STRANGER, focus: FOCUSED },
      ['sip:dana@pbx.example.com'],
      TO_MANAGER,
      /^Sent to the service manager: you are focused on #1042 Acme: printer down\.$/,
    ],
    [
      'nobody known to be offline (presence off, or nothing heard yet): redirected as configured',
      { from: STRANGER, focus: FOCUSED },
      [],
      TO_MANAGER,
      /^Sent to the service manager/,
    ],
    [
      'a coworker still rings whoever is offline',
      { from: DANA, focus: FOCUSED },
      [MANAGER_KEY],
      { action: 'ring', rule: 'coworker' },
      /^Rang: Dana Desk is a coworker\.$/,
    ],
  ])('%s', (_name, scenario, offline, expected, reason) => {
    const d = withPresence(scenario, offline);
    expectDecision(d, expected);
    expect(d.reason).toMatch(reason);
  });
});

// ---- repeat callers ---------------------------------------------------------

describe('decide: repeat callers', () => {
  function tenQuickCalls(repeat: Partial<FocusRules['repeat']>): FocusDecision[] {
    const window = new RepeatCallerWindow({ retainMinutes: 60 });
    const decisions: FocusDecision[] = [];
    for (let i = 0; i < 10; i++) {
      const now = new Date(OPEN.getTime() + i * 30_000);
      const s = snapshot({ from: STRANGER, focus: FOCUSED, at: now, repeat });
      const key = decisions[0]?.callerKey ?? '+15550105555';
      const d = decide(call({ from: STRANGER }), { ...s, recentAttempts: window.attemptsWithin(key, now, repeatLookbackMinutes(s.rules)) });
      window.record(d.callerKey, now);
      decisions.push(d);
    }
    return decisions;
  }

  it('never buys a ring by default: 10 quick calls while focused are all suppressed, flagged from the 3rd on', () => {
    const decisions = tenQuickCalls({});
    expect(decisions.map((d) => d.action)).toEqual(Array(10).fill('redirect'));
    expect(decisions.map((d) => d.rule)).toEqual(Array(10).fill('focus'));
    expect(decisions.map((d) => d.repeatCaller)).toEqual([false, false, true, true, true, true, true, true, true, true]);
    expect(decisions[9]?.reason).toMatch(/Repeat caller: 10 calls within 15 minutes\.$/);
  });

  it('with break-through on, the first call is suppressed and the second within the window rings', () => {
    const decisions = tenQuickCalls({ breakThrough: true });
    expect(decisions.map((d) => d.rule)).toEqual(['focus', ...Array(9).fill('repeat-breakthrough')]);
  });

  it.each<[string, Scenario, Expected]>([
    [
      'flagging alone does not change the action',
      { from: STRANGER, focus: FOCUSED, recent: minutesBefore(OPEN, 10, 5) },
      { ...TO_MANAGER, repeatCaller: true },
    ],
    [
      'flagging alone does not change ring',
      { from: STRANGER, focus: OFF, recent: minutesBefore(OPEN, 10, 5) },
      { action: 'ring', rule: 'ring', repeatCaller: true },
    ],
    [
      'flagged coworkers still ring as coworkers',
      { from: DANA, focus: FOCUSED, recent: minutesBefore(OPEN, 10, 5) },
      { action: 'ring', rule: 'coworker', repeatCaller: true },
    ],
    ['under the threshold is not flagged', { from: STRANGER, focus: FOCUSED, recent: minutesBefore(OPEN, 5) }, { ...TO_MANAGER, repeatCaller: false }],
    ['an attempt exactly windowMinutes ago counts', { from: STRANGER, focus: FOCUSED, recent: minutesBefore(OPEN, 15, 1) }, { repeatCaller: true }],
    ['attempts older than the window do not count', { from: STRANGER, focus: FOCUSED, recent: minutesBefore(OPEN, 16, 20) }, { repeatCaller: false }],
    ['attempts after now do not count', { from: STRANGER, focus: FOCUSED, recent: minutesBefore(OPEN, -1, -2) }, { repeatCaller: false }],
    ['break-through: the first call does not ring', { from: STRANGER, focus: FOCUSED, repeat: BT_ON, recent: [] }, TO_MANAGER],
    [
      'break-through: a second call after its window does not ring',
      { from: STRANGER, focus: FOCUSED, repeat: BT_ON, recent: minutesBefore(OPEN, 4) },
      TO_MANAGER,
    ],
    [
      'break-through: a second call exactly at its window rings',
      { from: STRANGER, focus: FOCUSED, repeat: BT_ON, recent: minutesBefore(OPEN, 3) },
      BREAKS_THROUGH,
    ],
    ['break-through off: a second call within a minute stays suppressed', { from: STRANGER, focus: FOCUSED, recent: minutesBefore(OPEN, 1) }, TO_MANAGER],
    [
      'withheld callers are never repeat callers',
      { from: 'sip:anonymous@anonymous.invalid', focus: FOCUSED, repeat: BT_ON, recent: minutesBefore(OPEN, 1, 2, 3) },
      { ...TO_MANAGER, repeatCaller: false },
    ],
  ])('%s', (_name, scenario, expected) => {
    expectDecision(run(scenario), expected);
  });

  it('looks back over the longer of the two windows', () => {
    expect(repeatLookbackMinutes({ repeat: { threshold: 3, windowMinutes: 15, breakThrough: true, breakThroughWindowMinutes: 30 } })).toBe(30);
    expect(repeatLookbackMinutes({ repeat: { threshold: 3, windowMinutes: 15, breakThrough: false, breakThroughWindowMinutes: 30 } })).toBe(15);
  });
});

// ---- where the caller is -------------------------------------------------------

describe('decide: coworkers and VIPs by extension or number only from our own domain or a trusted host', () => {
  const EVIL = (user: string) => `sip:${user}@evil.example`;
  const TO_MANAGER_DND = { ...TO_MANAGER, rule: 'dnd' } as const;
  const COWORKER = { action: 'ring', rule: 'coworker', matched: 'coworker' } as const;

  it.each<[string, Scenario, Expected]>([
    ['own domain, extension: rings in DND', { from: 'sip:2002@pbx.example.com', focus: DND }, COWORKER],
    ['own domain in another case and with a port', { from: 'sips:2002@PBX.EXAMPLE.COM:5061', focus: DND }, COWORKER],
    ['own domain, number', { from: `sip:${DANA}@pbx.example.com`, focus: DND }, COWORKER],
    ['foreign host, extension: a stranger', { from: EVIL('2002'), focus: DND }, TO_MANAGER_DND],
    ['foreign host, number: a stranger', { from: EVIL(DANA), focus: DND }, TO_MANAGER_DND],
    ['foreign host, number while focused on a ticket', { from: EVIL(DANA), focus: FOCUSED }, TO_MANAGER],
    ['foreign host, VIP number: a stranger', { from: EVIL(VICTOR), focus: FOCUSED }, TO_MANAGER],
    ['own domain, VIP number', { from: `sip:${VICTOR}@pbx.example.com`, focus: FOCUSED }, { action: 'ring', rule: 'vip' }],
    ['a listed SIP URI matches exactly', { from: 'sip:Dana@pbx.example.com:5060', focus: DND }, COWORKER],
    ['a listed SIP URI user on a foreign host is a stranger', { from: EVIL('dana'), focus: DND }, TO_MANAGER_DND],
    ['a trusted host', { from: 'sip:2002@sbc.example.net', focus: DND, rules: { trustedHosts: ['sbc.example.net'] } }, COWORKER],
    ['a trusted IP with a port', { from: 'sip:2002@203.0.113.10:5060', focus: DND, rules: { trustedHosts: ['203.0.113.10'] } }, COWORKER],
    ['no account yet, so no own domain', { from: 'sip:2002@pbx.example.com', focus: DND, rules: { ownDomain: '' } }, TO_MANAGER_DND],
    ["the ticket's contact from a carrier host", { from: `sip:${CAROL}@carrier.example.net`, focus: FOCUSED }, { action: 'ring', rule: 'ticket-contact' }],
    ["the ticket's contact from any host, tel: too", { from: `tel:${CAROL}`, focus: FOCUSED }, { action: 'ring', rule: 'ticket-contact' }],
    ['the block list from a foreign host', { from: EVIL(SPAM), focus: OFF }, REJECT],
    ['the block list over a foreign claim of a blocked coworker number', { from: EVIL(EDDIE), focus: FOCUSED }, REJECT],
    [
      'a trusted PAI from our domain vouches for a foreign From',
      { from: EVIL('2002'), assertedIdentity: '<sip:2002@pbx.example.com>', focus: DND, rules: { trustAssertedIdentity: true } },
      COWORKER,
    ],
    [
      'an untrusted PAI from our domain vouches for nothing',
      { from: EVIL('2002'), assertedIdentity: '<sip:2002@pbx.example.com>', focus: DND },
      TO_MANAGER_DND,
    ],
    [
      'a trusted PAI from a foreign host is a stranger, whatever From says',
      { from: 'sip:2002@pbx.example.com', assertedIdentity: '<sip:2002@evil.example>', focus: DND, rules: { trustAssertedIdentity: true } },
      TO_MANAGER_DND,
    ],
    [
      'a trusted tel: PAI: our PBX asserted it',
      { from: 'sip:anonymous@anonymous.invalid', assertedIdentity: `<tel:${DANA}>`, focus: DND, rules: { trustAssertedIdentity: true } },
      COWORKER,
    ],
  ])('%s', (_name, scenario, expected) => {
    expectDecision(run(scenario), expected);
  });

  it('says plainly in the reason that a claimed coworker came from a foreign host', () => {
    const d = run({ from: EVIL('2002'), focus: DND });
    expect(d.reason).toBe(
      "Sent to the service manager: do not disturb is on. The caller claims coworker Dana Desk's extension from evil.example: treated as a stranger (coworkers and VIPs are matched by extension or number only on calls from pbx.example.com or a trusted host).",
    );
    expect(d.matched).toBeUndefined();
    expect(run({ from: EVIL(DANA), focus: DND }).reason).toContain("claims coworker Dana Desk's number from evil.example: treated as a stranger");
    expect(run({ from: EVIL(VICTOR), focus: FOCUSED }).reason).toContain("claims VIP Victor, Acme CEO's number from evil.example: treated as a stranger");
    expect(run({ from: `tel:${DANA}`, focus: DND }).reason).toContain("claims coworker Dana Desk's number from an address with no host: treated as a stranger");
  });

  it('says it when focus is off too, and not for a plain stranger, a match, or a block', () => {
    expect(run({ from: EVIL('2002'), focus: OFF }).reason).toMatch(/^Rang: focus is off\. The caller claims coworker Dana Desk's extension from evil\.example/);
    expect(run({ from: EVIL(STRANGER), focus: DND }).reason).toBe('Sent to the service manager: do not disturb is on.');
    expect(run({ from: 'sip:2002@pbx.example.com', focus: DND }).reason).toBe('Rang: Dana Desk is a coworker.');
    expect(run({ from: EVIL(SPAM), focus: OFF }).reason).toBe('Rejected: Spam Co is on the block list.');
  });
});

// ---- who the caller is --------------------------------------------------------

describe('decide: caller identity', () => {
  const withheld = 'sip:anonymous@anonymous.invalid';

  it.each<[string, Scenario, Expected]>([
    [
      'a trusted P-Asserted-Identity identifies a withheld coworker from a trusted host',
      {
        from: withheld,
        assertedIdentity: `<sip:${DANA}@carrier.example.net>`,
        focus: FOCUSED,
        rules: { trustAssertedIdentity: true, trustedHosts: ['carrier.example.net'] },
      },
      { action: 'ring', rule: 'coworker' },
    ],
    [
      "a trusted P-Asserted-Identity's foreign host is judged like From's",
      { from: withheld, assertedIdentity: `<sip:${DANA}@carrier.example.net>`, focus: FOCUSED, rules: { trustAssertedIdentity: true } },
      TO_MANAGER,
    ],
    ['an untrusted P-Asserted-Identity is ignored', { from: withheld, assertedIdentity: `<sip:${DANA}@carrier.example.net>`, focus: FOCUSED }, TO_MANAGER],
    [
      'a trusted P-Asserted-Identity wins over a From that claims a coworker',
      { from: DANA, assertedIdentity: `<tel:${SPAM}>`, focus: OFF, rules: { trustAssertedIdentity: true } },
      REJECT,
    ],
    [
      'an untrusted P-Asserted-Identity cannot get a coworker blocked',
      { from: DANA, assertedIdentity: `<tel:${SPAM}>`, focus: OFF },
      { action: 'ring', rule: 'coworker' },
    ],
    ["the display name never matches, even holding a coworker's number", { from: STRANGER, displayName: '+1 555 010 2002', focus: FOCUSED }, TO_MANAGER],
    ["the display name never matches, even holding a coworker's name", { from: STRANGER, displayName: 'Dana Desk', focus: FOCUSED }, TO_MANAGER],
    ['the display name never blocks', { from: DANA, displayName: '+1 555 010 6666', focus: OFF }, { action: 'ring', rule: 'coworker' }],
  ])('%s', (_name, scenario, expected) => {
    expectDecision(run(scenario), expected);
  });

  it('keys the caller on E.164 however the number arrives', () => {
    expect(run({ from: '5550105555', focus: OFF }).callerKey).toBe('+15550105555');
    expect(run({ from: 'tel:+1-555-010-5555', focus: OFF }).callerKey).toBe('+15550105555');
    expect(run({ from: withheld, focus: OFF }).callerKey).toBe('anonymous');
  });
});

describe('decide: fits the IPC contract', () => {
  it.each<[string, Scenario]>([
    ['ring', { from: DANA, focus: FOCUSED }],
    ['redirect', { from: STRANGER, focus: FOCUSED }],
    ['voicemail', { from: STRANGER, focus: OFF, at: CLOSED }],
    ['reject', { from: SPAM, focus: OFF }],
    ['silent', { from: STRANGER, focus: FOCUSED, rules: { focusAction: 'silent' } }],
  ])('%s parses as a Decision', (_name, scenario) => {
    const d = run(scenario);
    expect(DecisionSchema.parse(d)).toMatchObject({ action: d.action, rule: d.rule, reason: d.reason, repeatCaller: d.repeatCaller });
  });
});
