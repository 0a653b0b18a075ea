import { z } from 'zod';
import type { CommandName, EventName } from '../../src-shared/ipc/ipc-names.js';
import { AUDIO_PART_BYTES } from '../../src-shared/ipc/ws-protocol.js';
import { CALLER_FIELD_WIRE_MAX } from '../../src-shared/sip/caller-fields.js';
import { HOTKEY_ACTIONS } from '../../src-shared/hotkeys/accelerator.js';
import {
  AccountSchema,
  AudioDevicesSchema,
  AudioMimeTypeSchema,
  CallActionSchema,
  ESCALATION_REASONS,
  GreetingVariantSchema,
  HANDOFF_KINDS,
  IceServerSchema,
  PSA_KINDS,
  PresenceStateSchema,
  RegistrationStateSchema,
} from '../../src-shared/vocabulary.js';

export {
  AccountSchema,
  AudioDevicesSchema,
  IceServerSchema,
  RegistrationStateSchema,
  type Account,
  type AudioDevices,
  type IceServer,
  type RegistrationState,
} from '../../src-shared/vocabulary.js';

/**
 * The ONE list of what crosses between main and the renderer.
 * Commands go renderer -> main and answer; events go main -> renderer.
 * Both transports (Electron preload, web-mode WebSocket) carry exactly these,
 * and main validates every payload against them at runtime.
 */

/** What the renderer may see of the settings: never the password itself. */
export const SettingsViewSchema = z.object({
  account: AccountSchema.nullable(),
  hasPassword: z.boolean(),
  devices: AudioDevicesSchema,
  iceServers: z.array(IceServerSchema),
  secretStorage: z.object({ kind: z.enum(['os-keychain', 'owner-only-file']), warning: z.string().optional() }),
  /** Setting keys enforced by policy: the UI shows them read-only, "Managed by your organization". */
  locked: z.array(z.string()).default([]),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

export const CallDirectionSchema = z.enum(['incoming', 'outgoing']);
export const CallOutcomeSchema = z.enum(['answered', 'missed', 'declined', 'failed', 'cancelled', 'redirected', 'rejected', 'voicemail']);

export const HistoryEntrySchema = z.object({
  id: z.string().min(1).max(200),
  direction: CallDirectionSchema,
  remoteUri: z.string().max(512),
  remoteName: z.string().max(256).default(''),
  startedAt: z.string().datetime(),
  answeredAt: z.string().datetime().nullable(),
  endedAt: z.string().datetime(),
  outcome: CallOutcomeSchema,
  /** SIP status or reason, e.g. "486 Busy Here", so the tech can see why a call failed. */
  reason: z.string().max(256).default(''),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

/**
 * An incoming call as the SIP stack saw it. The limits here only bound what
 * main reads off the wire: main cuts each field to CALLER_FIELD_LIMITS before
 * deciding (src-shared/sip/caller-fields.ts). An over-long field must never
 * fail this schema, because a call main can't decide rings.
 */
const RawField = z.string().max(CALLER_FIELD_WIRE_MAX);
export const IncomingCallSchema = z.object({
  callId: RawField.min(1),
  fromUri: RawField,
  fromUser: RawField,
  displayName: RawField,
  assertedIdentity: RawField.nullable(),
  toUri: RawField,
});
export type IncomingCall = z.infer<typeof IncomingCallSchema>;

export const DecisionSchema = z.object({
  action: CallActionSchema,
  target: z.string().optional(),
  rejectCode: z.number().int().min(400).max(699).optional(),
  reason: z.string(),
  /** Which rule decided (for the quiet entry and the call log). */
  rule: z.string().default('ring'),
  repeatCaller: z.boolean().default(false),
  /** The call-log row written with this decision, so later steps (answered, missed) update it. */
  attemptId: z.string().optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;

export const PhoneStatusSchema = z.object({
  registration: RegistrationStateSchema,
  detail: z.string().max(1000).default(''),
  activeCalls: z.number().int().min(0).max(100),
  ringing: z.boolean(),
});
export type PhoneStatus = z.infer<typeof PhoneStatusSchema>;

/** A call as the UI shows it. Main owns it (the SIP session lives there); the window adds only its audio stats. */
export const TRANSFER_MODES = ['blind', 'warm', 'merge', 'leave'] as const;
export const TransferModeSchema = z.enum(TRANSFER_MODES);
export type TransferMode = z.infer<typeof TransferModeSchema>;

/**
 * A call's part in a transfer. role 'caller': the call being handed on;
 * 'consult': the tech's call to the target (warm transfer). state:
 * transferring (blind REFER sent, waiting for the target to answer),
 * consulting (caller on hold, talking to the target), merged (three-way,
 * mixed in the window), leaving (REFER with Replaces sent).
 */
export const CallTransferSchema = z.object({
  role: z.enum(['caller', 'consult']),
  state: z.enum(['transferring', 'consulting', 'merged', 'leaving']),
  /** The other call of a warm transfer (the consult call for the caller's, and the other way round). */
  partnerId: z.string().max(200).nullable(),
  /** Where the caller is going, as dialled. */
  target: z.string().max(512),
});
export type CallTransfer = z.infer<typeof CallTransferSchema>;

export const CallViewSchema = z.object({
  id: z.string().min(1).max(200),
  direction: CallDirectionSchema,
  remoteUri: z.string().max(512),
  remoteName: z.string().max(256),
  state: z.enum(['ringing', 'dialing', 'early', 'active', 'held']),
  /** Shown to the tech but not rung (a policy decision). */
  silent: z.boolean(),
  muted: z.boolean(),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  /** When the call went on hold (for the check-back reminder); null when not held. */
  heldSince: z.number().nullable(),
  reason: z.string().max(256),
  /** What the call is about: the SIP Subject header ("About #1001: Printer down at Acme"), from the far end or ours. */
  subject: z.string().max(200).nullable(),
  /** A transfer this call is part of; null when none. */
  transfer: CallTransferSchema.nullable(),
});
export type CallView = z.infer<typeof CallViewSchema>;

/**
 * The PBX's message-waiting indicator, when policy subscribes to it.
 * 'pending' until the first NOTIFY; 'unavailable' when the PBX refused or
 * dropped the subscription (calls are unaffected).
 */
export const MwiViewSchema = z.object({
  state: z.enum(['pending', 'active', 'unavailable']),
  waiting: z.boolean(),
  newCount: z.number().int().nonnegative(),
  oldCount: z.number().int().nonnegative(),
  /** What "Call voicemail" dials; '' = no number set by policy. */
  accessNumber: z.string().max(64),
});
export type MwiView = z.infer<typeof MwiViewSchema>;

/**
 * Presence from the PBX's presence server (phone/presence-desk.ts): what
 * Focusline publishes about the tech, and the coworkers' and the service
 * manager's states. 'unknown' until the server has said (or when it refused
 * the subscription); 'offline' only when it says so.
 */
const PresenceEntrySchema = z.object({
  uri: z.string().max(512),
  name: z.string().max(200),
  role: z.enum(['coworker', 'service-manager']),
  state: PresenceStateSchema,
  note: z.string().max(200),
});
export const PresenceViewSchema = z.object({
  /** Policy presence.enabled. */
  enabled: z.boolean(),
  own: z.object({ state: PresenceStateSchema, note: z.string().max(200) }),
  people: z.array(PresenceEntrySchema).max(200),
});
export type PresenceView = z.infer<typeof PresenceViewSchema>;

/** The phone as main runs it: registration, the calls on screen, the PBX's voicemail count. */
export const PhoneViewSchema = z.object({
  registration: RegistrationStateSchema,
  detail: z.string().max(1000),
  calls: z.array(CallViewSchema).max(100),
  mwi: MwiViewSchema.nullable(),
  /** Something the tech should do or know about the phone, e.g. "Click once in this tab to enable voicemail audio". */
  notice: z.string().max(500).nullable(),
  /** Which window carries the calls' audio (its media endpoint id); null: none, so an open window should take over. */
  mediaEndpoint: z.string().max(64).nullable(),
});
export type PhoneView = z.infer<typeof PhoneViewSchema>;

/**
 * What main's SIP sessions ask of the window's media (the forwarding
 * SessionDescriptionHandler, src-main/phone/forwarding-sdh.ts): offer/answer,
 * rollback after glare, DTMF, the sender on hold and mute, and Focusline's
 * own voicemail. Keyed by call id; only the attached endpoint answers.
 */
export const MEDIA_METHODS = [
  'getDescription',
  'setDescription',
  'rollbackDescription',
  'sendDtmf',
  'close',
  'setSenderEnabled',
  'setMuted',
  'voicemailPrepare',
  'voicemailRun',
  'merge',
  'unmerge',
] as const;
export const MediaMethodSchema = z.enum(MEDIA_METHODS);
export type MediaMethod = z.infer<typeof MediaMethodSchema>;
export const MediaRequestSchema = z.object({
  endpoint: z.string().min(1).max(64),
  /** 0: a notification, no reply expected. */
  id: z.number().int().nonnegative(),
  callId: z.string().min(1).max(200),
  method: MediaMethodSchema,
  args: z.record(z.string(), z.unknown()),
});
export type MediaRequest = z.infer<typeof MediaRequestSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
});

export const TicketViewSchema = z.object({
  id: z.string(),
  summary: z.string(),
  company: z.string(),
  contactName: z.string(),
  contactNumbers: z.array(z.string()),
  status: z.string(),
  source: z.string(),
  /** Where the tech opens it in the PSA (absent for the built-in store). */
  url: z.string().optional(),
});
export type TicketView = z.infer<typeof TicketViewSchema>;

export const FocusViewSchema = z.object({
  mode: z.enum(['off', 'ticket', 'dnd']),
  ticket: TicketViewSchema.nullable(),
  since: z.string().datetime().nullable(),
  /** When a timed do-not-disturb ends by itself. */
  until: z.string().datetime().nullable(),
  /** What the tray and the header say, e.g. "Focused: #1042 Acme: printer down". */
  label: z.string(),
});
export type FocusView = z.infer<typeof FocusViewSchema>;

/**
 * The 15-minute rule's prompt (focus/escalation-due.ts decides it, main's
 * escalation desk times it): ask a coworker, escalate the ticket, transfer
 * the call to the service manager, or not yet.
 */
export const EscalationPromptSchema = z.object({
  /** What snooze and "acted on" name: "ticket:<id>" or "call:<call id>". */
  key: z.string().min(1).max(300),
  /** work-session: this long on the active ticket; call: one call this long. */
  why: z.enum(['work-session', 'call']),
  startedAt: z.string().datetime(),
  dueAt: z.string().datetime(),
  /** Whole minutes from the start when main decided; the UI counts on from startedAt. */
  minutes: z.number().int().nonnegative(),
  /** What "Escalate ticket" escalates; null: no active ticket (a call without one). */
  ticket: TicketViewSchema.nullable(),
  call: z
    .object({ id: z.string().min(1).max(200), direction: z.enum(['incoming', 'outgoing']), remoteUri: z.string().max(512), remoteName: z.string().max(256) })
    .nullable(),
});
export type EscalationPrompt = z.infer<typeof EscalationPromptSchema>;

export const EscalationViewSchema = z.object({
  /** Policy focus.escalateAfterMinutes; 0: the rule is off. */
  afterMinutes: z.number().int().min(0).max(1440),
  prompt: EscalationPromptSchema.nullable(),
  /** Whom "Ask a coworker" offers: directory.coworkers, and the PSA's members when policy adds them. */
  coworkers: z.array(z.object({ name: z.string().max(256), target: z.string().min(1).max(512) })).max(500),
  /** The service manager's SIP URI (focus.redirectTarget); '': none set, so no transfer is offered. */
  serviceManager: z.string().max(512),
});
export type EscalationView = z.infer<typeof EscalationViewSchema>;

export const AttemptViewSchema = z.object({
  id: z.string(),
  /** The SIP call it was: the follow-up list leaves out a call that is still live on the phone. */
  callId: z.string(),
  at: z.string().datetime(),
  callerUri: z.string(),
  callerNumber: z.string(),
  callerName: z.string(),
  action: CallActionSchema,
  target: z.string(),
  rule: z.string(),
  reason: z.string(),
  ticketId: z.string().nullable(),
  repeatCaller: z.boolean(),
  handled: z.string().nullable(),
  missed: z.boolean(),
  callbackDueAt: z.string().datetime().nullable(),
});
export type AttemptView = z.infer<typeof AttemptViewSchema>;

/** Who is calling, as the PSA knows them: the screen pop. */
export const CallerMatchViewSchema = z.object({
  number: z.string(),
  person: z
    .object({
      id: z.string(),
      kind: z.enum(['contact', 'member']),
      name: z.string(),
      company: z.string(),
      companyId: z.string().optional(),
      numbers: z.array(z.string()),
    })
    .nullable(),
  company: z.object({ id: z.string().optional(), name: z.string() }).nullable(),
  openTickets: z.array(TicketViewSchema),
  /** index: the local caller index; live: the PSA's own search; local: the contacts on Focusline's own tickets (no PSA connected; person and company null when none matched); none: no match. */
  via: z.enum(['index', 'live', 'none', 'local']),
  timedOut: z.boolean(),
  error: z.string().optional(),
});
export type CallerMatchView = z.infer<typeof CallerMatchViewSchema>;

/** A calendar day in the tech's time zone: "2026-03-08". */
const DaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day like 2026-03-08');
const Count = z.number().int().nonnegative();

/**
 * The Insights tab's charts, each with the numbers it draws (the CSV export
 * is made from them): aggregated in main from the call log, the focus
 * periods and the voicemail store (src-main/insights/insights.ts).
 */
export const InsightsViewSchema = z.object({
  from: DaySchema,
  to: DaySchema,
  timeZone: z.string(),
  /** Calls Focus or do-not-disturb held back (never the block list or the after-hours rule), per day, by what was done instead. */
  interruptions: z.object({
    rows: z.array(z.object({ day: DaySchema, redirected: Count, voicemail: Count, busy: Count, silent: Count, total: Count })),
    total: Count,
  }),
  /** Minutes in Focus (ticket focus and do-not-disturb), per day. */
  focus: z.object({
    rows: z.array(z.object({ day: DaySchema, minutes: Count })),
    totalMinutes: Count,
    /** Focus time is on record from this day on (the version that keeps it came later than the range's start); null: the whole range. */
    recordedFrom: DaySchema.nullable(),
  }),
  /** Callbacks owed, one per caller per day of their calls (held back or missed): returned by the due time, after it, or overdue and not yet. */
  callbacks: z.object({
    rows: z.array(z.object({ day: DaySchema, onTime: Count, late: Count, overdue: Count })),
    totals: z.object({ onTime: Count, late: Count, overdue: Count }),
  }),
  /** Voicemails left in the range, by how long until the tech acted on them (called back, ticket, note). */
  voicemail: z.object({
    buckets: z.array(z.object({ label: z.string(), count: Count })),
    received: Count,
    answered: Count,
    waiting: Count,
    dismissed: Count,
    medianMinutes: z.number().nonnegative().nullable(),
    /**
     * Handled voicemails are deleted after policy's voicemail.retentionDays, so the chart counts only the
     * messages left from this day on; null when the whole range is still kept.
     */
    countedFrom: DaySchema.nullable(),
    retentionDays: Count,
  }),
  /** Callers flagged as repeat callers in the range, grouped by company; coworkers are never counted. */
  repeatCallers: z.object({
    rows: z.array(
      z.object({
        /** The company's name, or null when the caller's company isn't known (the row is the caller alone). */
        company: z.string().nullable(),
        label: z.string(),
        calls: Count,
        heldBack: Count,
        callers: z.array(z.object({ name: z.string(), number: z.string(), calls: Count, heldBack: Count, lastAt: z.string().datetime() })),
      }),
    ),
  }),
});
export type InsightsView = z.infer<typeof InsightsViewSchema>;

/** One handoff to the PSA, as the UI shows it: queued, sending, sent (with its link), or failed and why. */
export const HandoffViewSchema = z.object({
  id: z.string(),
  kind: z.enum(HANDOFF_KINDS),
  state: z.enum(['queued', 'sending', 'sent', 'failed']),
  /** "New ticket: Call from Alice Caller at 10:02", "Note on #1042" */
  title: z.string(),
  attempts: z.number().int(),
  createdAt: z.string().datetime(),
  updatedAt: z.string().datetime(),
  nextAttemptAt: z.string().datetime().nullable(),
  lastError: z.string().nullable(),
  ticketId: z.string().nullable(),
  url: z.string().nullable(),
  attemptId: z.string().nullable(),
  /** For "fix and resend": the editable text of the handoff, and a note's target ticket. */
  summary: z.string(),
  text: z.string(),
  noteTicketId: z.string().nullable(),
});
export type HandoffView = z.infer<typeof HandoffViewSchema>;

export const SyncProgressSchema = z.object({
  kind: z.enum(['contacts', 'members']),
  state: z.enum(['idle', 'running', 'done', 'error']),
  itemsDone: z.number().int(),
  total: z.number().int().nullable(),
  error: z.string().nullable(),
  finishedAt: z.string().datetime().nullable(),
});

export const PsaStatusViewSchema = z.object({
  kind: z.enum(PSA_KINDS),
  label: z.string(),
  /** local: the built-in store; connected: an adapter is running; incomplete: settings missing; error: it can't be built. */
  state: z.enum(['local', 'connected', 'incomplete', 'error']),
  missing: z.array(z.string()),
  problem: z.string().nullable(),
  /** The active-ticket poll: when it last asked and what went wrong. */
  lastPollAt: z.string().datetime().nullable(),
  pollError: z.string().nullable(),
  sync: z.array(SyncProgressSchema),
  /** Which secrets are stored (never their values). */
  secretsStored: z.record(z.string(), z.boolean()),
});
export type PsaStatusView = z.infer<typeof PsaStatusViewSchema>;

export const ConnectionReportSchema = z.object({
  ok: z.boolean(),
  who: z.string().optional(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
  warnings: z.array(z.string()),
});

/** What Settings → PSA shows for one PSA, from its folder's descriptor: the setting keys it asks for and its secrets. */
export const PsaFormViewSchema = z.object({
  kind: z.enum(PSA_KINDS),
  label: z.string(),
  hint: z.string(),
  fields: z.array(z.object({ key: z.string(), label: z.string(), placeholder: z.string().optional() })),
  secrets: z.array(z.object({ field: z.string(), label: z.string() })),
});
export type PsaFormView = z.infer<typeof PsaFormViewSchema>;

/** The PSA form: the non-secret values (policy keys) and the secrets (keychain); blank secrets keep what's stored. */
export const PsaFormSchema = z
  .object({
    kind: z.enum(PSA_KINDS),
    values: z.record(z.string().regex(/^psa\./), z.unknown()),
    secrets: z.record(z.string().max(40), z.string().max(4_000)),
  })
  .strict();

/** Audio crosses the wire base64-encoded (JSON in web mode); sizes are bounded here and again by the store. */
const Base64Audio = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil((maxBytes * 4) / 3) + 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

/** One voicemail in the inbox. */
export const VoicemailViewSchema = z.object({
  id: z.string(),
  callerUri: z.string(),
  callerNumber: z.string(),
  callerName: z.string(),
  contactName: z.string().nullable(),
  companyName: z.string().nullable(),
  ticketId: z.string().nullable(),
  receivedAt: z.string().datetime(),
  durationMs: z.number().int().nullable(),
  state: z.enum(['recording', 'complete', 'recovered', 'empty']),
  note: z.string().nullable(),
  handled: z.string().nullable(),
  callbackDueAt: z.string().datetime().nullable(),
  greetingVariant: GreetingVariantSchema,
  sizeBytes: z.number().int(),
});
export type VoicemailView = z.infer<typeof VoicemailViewSchema>;

export const GreetingViewSchema = z.object({
  variant: GreetingVariantSchema,
  /** The filled-in script the tech reads when recording. */
  script: z.string(),
  problems: z.array(z.string()),
  recorded: z.boolean(),
  durationMs: z.number().int().nullable(),
  savedAt: z.string().datetime().nullable(),
});
export type GreetingView = z.infer<typeof GreetingViewSchema>;

export const PolicyEntrySchema = z.object({
  key: z.string(),
  description: z.string(),
  /** The effective value as JSON text, so any type renders the same way. */
  value: z.string(),
  source: z.enum(['enforced', 'user', 'recommended', 'default']),
  origin: z.string(),
  locked: z.boolean(),
});
export const PolicyProblemSchema = z.object({ origin: z.string(), key: z.string().optional(), message: z.string() });
export const PolicyViewSchema = z.object({ entries: z.array(PolicyEntrySchema), problems: z.array(PolicyProblemSchema) });
export type PolicyView = z.infer<typeof PolicyViewSchema>;

/**
 * The desktop app's own state the tech should see (issue #13): which global
 * hotkeys hold their keys (or why not) and where auto-update stands. Web mode
 * has neither: `available` is false there.
 */
export const HotkeyStatusSchema = z.object({
  action: z.enum([...HOTKEY_ACTIONS, 'playPause']),
  accelerator: z.string().max(64),
  /** registered; taken: another app holds the key; duplicate: two actions asked for it; off: none set (or policy turned media keys off). */
  state: z.enum(['registered', 'taken', 'duplicate', 'off']),
  message: z.string().max(300),
});
export type HotkeyStatus = z.infer<typeof HotkeyStatusSchema>;
export const UpdateStatusSchema = z.object({
  state: z.enum(['off', 'idle', 'checking', 'downloading', 'ready', 'waiting', 'error']),
  version: z.string().max(64).nullable(),
  message: z.string().max(500),
});
export type UpdateStatus = z.infer<typeof UpdateStatusSchema>;
export const DesktopStatusSchema = z.object({ available: z.boolean(), hotkeys: z.array(HotkeyStatusSchema).max(10), update: UpdateStatusSchema });
export type DesktopStatus = z.infer<typeof DesktopStatusSchema>;

const Empty = z.object({}).strict();
const CallId = z.string().min(1).max(200);
const CallRef = z.object({ callId: CallId }).strict();
const Ok = z.object({ ok: z.literal(true) });

export const commands = {
  'app.info': { request: Empty, response: AppInfoSchema },
  /** The renderer is listening for events: main may now deliver what it held back (a dial link that launched the app). */
  'app.rendererReady': { request: Empty, response: Ok },
  /** Global hotkeys and auto-update, as the desktop app has them (Settings shows them). */
  'app.desktop': { request: Empty, response: DesktopStatusSchema },
  /** The tech's answer to a focusline:// link's prompt (event app.focusLink): run it, or not. Unknown or expired ids do nothing. */
  'app.answerFocusLink': {
    request: z.object({ id: z.string().min(1).max(64), run: z.boolean() }).strict(),
    response: z.object({ ran: z.boolean() }),
  },
  'settings.get': { request: Empty, response: SettingsViewSchema },
  'settings.saveAccount': {
    request: z.object({ account: AccountSchema, password: z.string().max(256).optional() }).strict(),
    response: SettingsViewSchema,
  },
  'settings.saveDevices': { request: z.object({ devices: AudioDevicesSchema }).strict(), response: SettingsViewSchema },
  'phone.get': { request: Empty, response: PhoneViewSchema },
  'presence.get': { request: Empty, response: PresenceViewSchema },
  /** Dials what the tech typed or clicked (a number, an extension, a SIP address). */
  'phone.call': {
    request: z
      .object({
        target: z.string().trim().min(1).max(512),
        /** Returning a call: the follow-up entry (or voicemail) counts as called back once this call connects, not when it is dialled. */
        callback: z
          .object({ attemptId: z.string().min(1).max(300).optional(), voicemailId: z.string().min(1).max(100).optional() })
          .strict()
          .optional(),
      })
      .strict(),
    response: z.object({ callId: z.string() }),
  },
  /** One click to the PBX's voicemail (policy's voicemail.accessNumber). */
  'phone.callVoicemail': { request: Empty, response: z.object({ callId: z.string() }) },
  'phone.answer': { request: CallRef, response: Ok },
  'phone.decline': { request: CallRef, response: Ok },
  'phone.hangup': { request: CallRef, response: Ok },
  /** Hold (true) or resume (false); resuming one call holds the one that was talking (call waiting). */
  'phone.hold': { request: z.object({ callId: CallId, hold: z.boolean() }).strict(), response: Ok },
  'phone.mute': { request: z.object({ callId: CallId, muted: z.boolean() }).strict(), response: Ok },
  'phone.dtmf': { request: z.object({ callId: CallId, tone: z.string().regex(/^[0-9A-D*#]$/, 'one DTMF key: 0-9, *, #, A-D') }).strict(), response: Ok },
  /**
   * Transfers. blind: REFER to `to`. warm: hold the call and dial `to` (the
   * consult call's id comes back). merge and leave are given the caller's
   * call id: merge makes a three-way call of it and its consult call; leave
   * hands the caller to the consult call's target (REFER with Replaces). A
   * transfer that fails gives the caller back to the tech, with the reason.
   */
  'phone.transfer': {
    request: z
      .object({
        callId: CallId,
        to: z.string().trim().min(1).max(512).optional(),
        mode: TransferModeSchema,
        /** What the call is about, sent as the SIP Subject; default: the active ticket ("About #1001: …"). */
        subject: z.string().max(200).optional(),
      })
      .strict()
      .refine((r) => r.to !== undefined || r.mode === 'merge' || r.mode === 'leave', 'Say where to transfer the call: to=<number, extension or SIP address>.'),
    response: z.object({ ok: z.literal(true), consultCallId: z.string().optional() }),
  },
  /** The window saw the network come back or the machine wake: reconnect now, not at the next backoff step. */
  'phone.reconnect': { request: Empty, response: Ok },
  /** This window plays and records the calls' audio from now on; answers the calls main has up, so it drops the rest. */
  'media.attach': { request: z.object({ endpoint: z.string().min(8).max(64) }).strict(), response: z.object({ liveCallIds: z.array(z.string()) }) },
  /** The window's answer to a media.request. */
  'media.reply': {
    request: z
      .object({
        endpoint: z.string().min(1).max(64),
        id: z.number().int().positive(),
        ok: z.boolean(),
        result: z.record(z.string(), z.unknown()).optional(),
        error: z.string().max(2000).optional(),
      })
      .strict(),
    response: Ok,
  },
  'history.list': {
    request: z.object({ limit: z.number().int().min(1).max(1000).default(200) }).strict(),
    response: z.object({ entries: z.array(HistoryEntrySchema) }),
  },
  'focus.get': { request: Empty, response: FocusViewSchema },
  'focus.startTicket': { request: z.object({ ticketId: z.string().min(1).max(64) }).strict(), response: FocusViewSchema },
  /** Ends ticket focus or do-not-disturb, whichever is on (a break, or done for now). */
  'focus.stop': { request: Empty, response: FocusViewSchema },
  'focus.dnd': {
    request: z
      .object({ minutes: z.number().int().min(1).max(1440).optional(), until: z.string().datetime().optional() })
      .strict()
      .refine((r) => !(r.minutes !== undefined && r.until !== undefined), 'Give either minutes or until, not both.'),
    response: FocusViewSchema,
  },
  /** The 15-minute rule's prompt as it stands. */
  'focus.getEscalation': { request: Empty, response: EscalationViewSchema },
  /** "Not yet": the prompt `key` comes back after another focus.escalateAfterMinutes (also after "Ask a coworker"). */
  'focus.snoozeEscalation': { request: z.object({ key: z.string().min(1).max(300) }).strict(), response: EscalationViewSchema },
  /** The prompt `key` was acted on (escalated, transferred): it won't come back; `ticketId`, the ticket escalated, won't prompt again this work session either. */
  'focus.markEscalated': {
    request: z.object({ key: z.string().min(1).max(300), ticketId: z.string().min(1).max(100).optional() }).strict(),
    response: EscalationViewSchema,
  },
  'tickets.list': { request: Empty, response: z.object({ tickets: z.array(TicketViewSchema) }) },
  'tickets.create': {
    request: z
      .object({
        summary: z.string().trim().min(1).max(200),
        company: z.string().max(200).default(''),
        contactName: z.string().max(200).default(''),
        contactNumbers: z.array(z.string().max(64)).max(20).default([]),
        description: z.string().max(20_000).default(''),
      })
      .strict(),
    response: TicketViewSchema,
  },
  'callLog.list': {
    request: z.object({ limit: z.number().int().min(1).max(1000).default(200), unhandledOnly: z.boolean().default(false) }).strict(),
    response: z.object({ attempts: z.array(AttemptViewSchema) }),
  },
  'callLog.handle': {
    request: z.object({ attemptId: z.string().min(1).max(300), how: z.enum(['dismissed', 'called-back']) }).strict(),
    response: AttemptViewSchema,
  },
  /** "Create ticket instead": a ticket from a call that didn't reach the tech. */
  'callLog.createTicket': {
    request: z
      .object({
        /** The contact attempt (a held-back or missed call)… */
        attemptId: z.string().min(1).max(300).optional(),
        /** …or the SIP Call-ID of a call that is ringing now or is in the history. */
        callId: z.string().min(1).max(512).optional(),
        summary: z.string().max(200).optional(),
        notes: z.string().max(20_000).default(''),
        /** The expanded form: the tech edited the whole description before sending. */
        description: z.string().max(20_000).optional(),
      })
      .strict()
      .refine((r) => (r.attemptId === undefined) !== (r.callId === undefined), 'Give either attemptId or callId.'),
    response: z.object({ ticket: TicketViewSchema.nullable(), handoff: HandoffViewSchema.nullable(), attempt: AttemptViewSchema }),
  },
  /** "Add note to ticket": the active ticket, or one of the caller's open tickets; from a call (attemptId) or by hand. */
  'tickets.addNote': {
    request: z
      .object({
        ticketId: z.string().min(1).max(100),
        text: z.string().trim().min(1, 'A note needs some text.').max(20_000),
        attemptId: z.string().max(300).optional(),
      })
      .strict(),
    response: z.object({ handoff: HandoffViewSchema.nullable(), attempt: AttemptViewSchema.nullable() }),
  },
  /**
   * "Escalate the ticket" (the 15-minute rule): with a PSA, a durable handoff sets the fields
   * policy names for it and adds the note; with the built-in store, the ticket is marked at once.
   */
  'tickets.escalate': {
    request: z
      .object({
        ticketId: z.string().min(1).max(100),
        note: z.string().trim().min(1, 'An escalation needs a note.').max(20_000),
        why: z.enum(ESCALATION_REASONS),
        minutes: z
          .number()
          .int()
          .min(0)
          .max(24 * 60),
        /** The call it is about (why: 'call'), so the same call escalates the ticket once. */
        callId: z.string().max(300).optional(),
      })
      .strict(),
    response: z.object({ handoff: HandoffViewSchema.nullable(), ticket: TicketViewSchema.nullable() }),
  },
  /** "Document the encounter": at hang-up, the call (who, when, how long) and the tech's summary as a note on the ticket. */
  'tickets.logCall': {
    request: z
      .object({
        /** The call's id in the history. */
        callId: z.string().min(1).max(512),
        ticketId: z.string().trim().min(1, 'Say which ticket the call was about.').max(100),
        summary: z.string().max(20_000).default(''),
      })
      .strict(),
    response: z.object({ handoff: HandoffViewSchema.nullable() }),
  },
  /** Screen pop: who is calling (local index first, live PSA search within a hard time bound). */
  'calls.lookup': {
    request: z.object({ number: z.string().max(200), attemptId: z.string().max(300).optional() }).strict(),
    response: CallerMatchViewSchema,
  },
  'handoffs.list': { request: Empty, response: z.object({ handoffs: z.array(HandoffViewSchema) }) },
  /** "Fix and resend" (with the tech's corrected text) or "retry now". */
  'handoffs.resend': {
    request: z
      .object({
        id: z.string().min(1).max(100),
        summary: z.string().max(200).optional(),
        text: z.string().max(20_000).optional(),
        /** A note sent to the wrong ticket goes to this one instead. */
        ticketId: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
    response: HandoffViewSchema,
  },
  'psa.status': { request: Empty, response: PsaStatusViewSchema },
  /** Every PSA Focusline can connect to, with the form each one needs (the built-in store first). */
  'psa.forms': { request: Empty, response: z.object({ forms: z.array(PsaFormViewSchema) }) },
  /** Checks the form's values without saving them, and says exactly what failed. */
  'psa.test': { request: PsaFormSchema, response: ConnectionReportSchema },
  'psa.save': { request: PsaFormSchema, response: PsaStatusViewSchema },
  /** Ask the PSA for the active ticket and the open list now, not at the next poll. */
  'psa.refresh': { request: Empty, response: PsaStatusViewSchema },
  /** Focusline's own voicemail answers a call: which greeting, its audio, and the policy's limits. */
  'voicemail.prepare': {
    request: z.object({ callId: z.string().min(1).max(512), rule: z.string().max(40).optional() }).strict(),
    response: z.object({
      variant: GreetingVariantSchema,
      script: z.string(),
      greeting: z.object({ data: z.string(), mimeType: z.string(), durationMs: z.number().int() }).nullable(),
      maxMessageSeconds: z.number().int(),
      silenceSeconds: z.number().int(),
    }),
  },
  /** Recording starts (after the beep): main writes the message's row before any audio arrives. */
  'voicemail.begin': {
    request: z
      .object({
        callId: z.string().min(1).max(512),
        mimeType: AudioMimeTypeSchema,
        variant: GreetingVariantSchema,
        greetingSource: z.enum(['recorded', 'built-in']),
      })
      .strict(),
    response: z.object({ id: z.string() }),
  },
  'voicemail.append': {
    request: z
      .object({
        id: z.string().min(1).max(100),
        seq: z.number().int().nonnegative(),
        data: Base64Audio(1_000_000),
        elapsedMs: z.number().int().nonnegative().optional(),
      })
      .strict(),
    response: Ok,
  },
  'voicemail.finish': {
    request: z
      .object({ id: z.string().min(1).max(100), durationMs: z.number().int().nonnegative(), endedBy: z.enum(['hangup', 'silence', 'max-length', 'error']) })
      .strict(),
    response: VoicemailViewSchema,
  },
  'voicemail.list': {
    request: z.object({ includeHandled: z.boolean().default(true) }).strict(),
    response: z.object({ messages: z.array(VoicemailViewSchema) }),
  },
  'voicemail.audio': { request: z.object({ id: z.string().min(1).max(100) }).strict(), response: z.object({ mimeType: z.string(), data: z.string() }) },
  'voicemail.handle': {
    request: z.object({ id: z.string().min(1).max(100), how: z.enum(['called-back', 'dismissed']) }).strict(),
    response: VoicemailViewSchema,
  },
  /** "Create ticket instead" from a voicemail: the call's ticket, with the message's length and time. */
  'voicemail.createTicket': {
    request: z.object({ id: z.string().min(1).max(100) }).strict(),
    response: z.object({ ticket: TicketViewSchema.nullable(), handoff: HandoffViewSchema.nullable(), message: VoicemailViewSchema }),
  },
  'greetings.list': { request: Empty, response: z.object({ greetings: z.array(GreetingViewSchema), maxGreetingSeconds: z.number().int() }) },
  'greetings.audio': {
    request: z.object({ variant: GreetingVariantSchema }).strict(),
    response: z.object({ mimeType: z.string(), data: z.string() }).nullable(),
  },
  /** The tech's recording (trimmed in the app), and its 8 kHz PCM WAV for PBX voicemail systems. */
  /**
   * Saving a greeting, in parts (web mode's socket carries at most 1 MiB a message):
   * announce it with its sizes, send each part's bytes in order, then save.
   */
  'greetings.beginSave': {
    request: z
      .object({
        variant: GreetingVariantSchema,
        mimeType: AudioMimeTypeSchema,
        durationMs: z.number().int().positive(),
        /** Bytes of the recording the app plays, and of its 8 kHz PCM WAV for PBX voicemail systems (0: none). */
        sizes: z.object({ app: z.number().int().positive(), pbx: z.number().int().nonnegative() }).strict(),
      })
      .strict(),
    response: z.object({ uploadId: z.string() }),
  },
  'greetings.savePart': {
    request: z
      .object({
        uploadId: z.string().min(1).max(100),
        part: z.enum(['app', 'pbx']),
        offset: z.number().int().nonnegative(),
        data: Base64Audio(AUDIO_PART_BYTES),
      })
      .strict(),
    response: Ok,
  },
  /** The tech's recording (trimmed in the app), and its 8 kHz PCM WAV for PBX voicemail systems. */
  'greetings.save': { request: z.object({ uploadId: z.string().min(1).max(100) }).strict(), response: GreetingViewSchema },
  'greetings.delete': { request: z.object({ variant: GreetingVariantSchema }).strict(), response: Ok },
  'policy.get': { request: Empty, response: PolicyViewSchema },
  /** Manager-facing: callers flagged as repeat callers in the last `days` days. */
  'reports.repeatCallers': {
    request: z.object({ days: z.number().int().min(1).max(90).default(7) }).strict(),
    response: z.object({
      rows: z.array(
        z.object({
          callerKey: z.string(),
          callerName: z.string(),
          attempts: z.number().int(),
          suppressed: z.number().int(),
          firstAt: z.string().datetime(),
          lastAt: z.string().datetime(),
        }),
      ),
    }),
  },
  /** The Insights tab: every chart's numbers for the days `from`–`to` (both included, at most 366) in the tech's time zone. */
  'insights.get': {
    request: z.object({ from: DaySchema, to: DaySchema, timeZone: z.string().min(1).max(64) }).strict(),
    response: InsightsViewSchema,
  },
  /** The tech changes one setting; refused with "managed by your organization" when policy enforces it. */
  'settings.setValue': { request: z.object({ key: z.string().min(1).max(100), value: z.unknown() }).strict(), response: PolicyViewSchema },
} as const satisfies Record<CommandName, { request: z.ZodType; response: z.ZodType }>;

export const events = {
  'settings.changed': SettingsViewSchema,
  'app.desktopChanged': DesktopStatusSchema,
  /** Main brings the window forward at a place: the follow-up list (a held-back-call notification clicked, the tray's follow-ups). */
  'app.show': z.object({ view: z.literal('follow-ups'), attemptId: z.string().max(300).optional() }),
  /** A focusline:// link from another app waits for the tech: show what it asks, answer with app.answerFocusLink. */
  'app.focusLink': z.object({ id: z.string().min(1).max(64), summary: z.string().max(300) }),
  'history.changed': z.object({ entries: z.array(HistoryEntrySchema) }),
  /** Dial request from outside the window: a tel:/sip:/callto: link or the tray. */
  'phone.dial': z.object({
    target: z.string().min(1).max(512),
    /** From another app (a tel:/sip:/callto: link): show the number and ask before dialling, unless policy trusts links. */
    confirm: z.boolean().optional(),
  }),
  /** The phone changed: registration, a call's state, the voicemail count (calls coalesced per tick). */
  'phone.changed': PhoneViewSchema,
  /** Someone's presence or the tech's own published state changed. */
  'presence.changed': PresenceViewSchema,
  /** Main's SIP session asks the window's media for something (see MediaRequestSchema). */
  'media.request': MediaRequestSchema,
  'focus.changed': FocusViewSchema,
  /** The open tickets changed (created, started, stopped). */
  'tickets.changed': z.object({ tickets: z.array(TicketViewSchema) }),
  /** A call was handled without ringing: show a quiet entry. */
  'calls.suppressed': AttemptViewSchema,
  'callLog.changed': z.object({ unhandled: z.array(AttemptViewSchema) }),
  /** Focus ended: "While you were focused: 4 calls, 3 sent to the service manager, 1 voicemail". */
  'focus.digest': z.object({ text: z.string(), calls: z.number().int() }),
  /** The 15-minute rule's prompt appeared, changed or went away. */
  'focus.escalation': EscalationViewSchema,
  'policy.changed': PolicyViewSchema,
  'handoffs.changed': z.object({ handoffs: z.array(HandoffViewSchema) }),
  'psa.changed': PsaStatusViewSchema,
  'voicemail.changed': z.object({ messages: z.array(VoicemailViewSchema) }),
  /** Unhandled voicemail and callbacks, on the policy's schedule: a quiet nudge, never during a call or Focus. */
  'reminders.due': z.object({ count: z.number().int().positive(), text: z.string(), delayed: z.boolean() }),
} as const satisfies Record<EventName, z.ZodType>;

export type { CommandName, EventName };
export { channelFor, isCommandName, isEventName } from '../../src-shared/ipc/ipc-names.js';
export { IpcErrorSchema, type IpcError } from '../../src-shared/ipc/ws-protocol.js';

export type Commands = typeof commands;
export type CommandRequest<K extends CommandName> = z.input<Commands[K]['request']>;
export type CommandRequestParsed<K extends CommandName> = z.output<Commands[K]['request']>;
export type CommandResponse<K extends CommandName> = z.output<Commands[K]['response']>;

export type Events = typeof events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

/** The surface the renderer talks to, whichever transport carries it. */
export type FocuslineApi = {
  invoke<K extends CommandName>(name: K, request: CommandRequest<K>): Promise<CommandResponse<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
};
