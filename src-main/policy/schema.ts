import { z } from 'zod';
import { AccountSchema, AudioDevicesSchema, IceServerSchema, PSA_KINDS } from '../../src-shared/vocabulary.js';
import { LIST_LIMITS } from './limits.js';
import {
  BlockedCaller,
  boundedList,
  DirectoryEntrySchema,
  IceServers,
  OptionalAccountSipUri,
  OptionalPolicyUrl,
  OptionalSipUri,
  OptionalTimeZone,
  OptionalWsServer,
  RegionCode,
  TrustedHost,
  VoicemailTarget,
  WeeklyHours,
} from './value-schemas.js';
import { PSA_OWN_SETTINGS } from '../tickets/psa-registry.js';
import { PSA_COMMON_SETTINGS } from '../tickets/psa-settings.js';
import { setting, type SettingSpec, type SettingsRegistry, type ValuesOf } from './setting-spec.js';
import { desktopSettings } from './desktop-settings.js';

export { setting, type Capability, type SettingSpec, type SettingsRegistry, type ValuesOf } from './setting-spec.js';

const Minutes = (max: number) => z.number().int('must be a whole number').min(1).max(max);
const SuppressAction = z.enum(['redirect', 'voicemail', 'busy', 'silent']);
const GreetingTemplate = z.string().trim().max(1000);

/** The procedure's greetings; voicemail/greeting-template.ts fills them in. */
const DEFAULT_GREETING = {
  standard:
    'Hello. You have reached the voice mail for {name}. Please leave me a detailed message and I will return your call as soon as possible. If this is an urgent issue, please call {serviceManagerNumber} for the Service Manager.',
  focused:
    "Hello. You have reached the voice mail for {name}. I'm working on a ticket for a customer right now, so I can't take your call. Please leave me a detailed message with your name, company and number, and I will return your call as soon as I finish. If this is an urgent issue, please call {serviceManagerNumber} for the Service Manager.",
  afterHours:
    'Hello. You have reached the voice mail for {name}. Our office is closed right now. Please leave me a detailed message with your name, company and number, and I will return your call on the next business day. If this is an urgent issue, please call {serviceManagerNumber} for the Service Manager.',
  away: "Hello. You have reached the voice mail for {name}. I'm away from my desk right now. Please leave me a detailed message with your name, company and number, and I will return your call as soon as possible. If this is an urgent issue, please call {serviceManagerNumber} for the Service Manager.",
} as const;

/**
 * A number as the greeting reads it out, so free text is allowed
 * ("extension 2000") but it must hold a digit, and no braces: a value is
 * never itself a template.
 */
const SpokenPhoneNumber = z
  .string()
  .trim()
  .max(64)
  .regex(/^([^{}]*\d[^{}]*)?$/, 'must be a phone number as callers should hear it, e.g. +1 312 555 0100 or extension 2000 (or empty)');

const REMINDER_TIME = '([01]?\\d|2[0-3]):[0-5]\\d';
/**
 * One string, not a list, so the Windows registry and plists hold it as
 * plain text (native-values.ts reads strings as they are): 'odd-hours',
 * 'off', or comma-separated local times. voicemail/reminders.ts reads it.
 */
const ReminderSchedule = z
  .string()
  .trim()
  .max(400)
  .regex(new RegExp(`^(odd-hours|off|${REMINDER_TIME}(\\s*,\\s*${REMINDER_TIME})*)$`), 'must be odd-hours, off, or times like "09:30, 13:00, 16:30"');

/**
 * The operating procedure's phrases, for when a tech is reached directly but
 * can't change focus, or is put on the spot. The first one is what "Reset
 * the interrupt" shows before it opens "Create ticket instead".
 */
const PROCEDURE_PHRASES = [
  {
    label: 'Reset the interrupt',
    text: "Even though you have reached me directly I am currently on another task. I'm going to help you get a Service Request put into the system so that the service manager can get it prioritized.",
  },
  { label: 'Put on the spot', text: "I don't know off-hand, but I'll find out and get back to you." },
  { label: 'Before a hold', text: 'May I put you on hold for a moment?' },
];

/** Every setting Focusline has, by its flat dotted key. The one list: files, registry, plist, URL and UI all go through it. */
export const settingsRegistry = {
  'account.wsServer': setting('lockable', OptionalWsServer, '', "The PBX's SIP-over-WebSocket URL (wss://…). Empty until set up."),
  'account.sipUri': setting('user-only', OptionalAccountSipUri, '', "The technician's SIP address, sip:extension@domain."),
  'account.authUser': setting('user-only', z.string().trim().max(128), '', 'The digest-auth user name, when it differs from the SIP URI user.'),
  'account.displayName': setting('user-only', z.string().trim().max(128), '', 'The name other phones show for the technician.'),
  'devices.microphoneId': setting('user-only', z.string().max(512), 'default', "The microphone's device id; default follows the OS."),
  'devices.speakerId': setting('user-only', z.string().max(512), 'default', "The speaker's device id; default follows the OS."),
  'devices.ringDeviceId': setting('user-only', z.string().max(512), 'default', 'The device calls ring on; default follows the OS.'),
  iceServers: setting('lockable', IceServers, [], 'STUN/TURN servers for WebRTC media, e.g. [{"urls": "turn:turn.example.com:3478"}]. Empty: none.'),

  'focus.autoEngage': setting('lockable', z.boolean(), true, 'Engage Focus automatically when ticket work starts.'),
  'focus.action': setting('lockable', SuppressAction, 'redirect', 'What happens to a call that would interrupt Focus: redirect, voicemail, busy or silent.'),
  'focus.redirectTarget': setting('lockable', OptionalSipUri, '', "Where redirected calls go: the service manager's or coordinator's SIP URI."),
  'focus.voicemailTarget': setting(
    'lockable',
    VoicemailTarget,
    '',
    "The PBX voicemail URI for the voicemail action, or 'local' for Focusline's own voicemail.",
  ),
  'focus.busyCode': setting(
    'lockable',
    z.union([z.literal(486), z.literal(480)]),
    486,
    'The SIP code for the busy action: 486 (Busy Here) or 480 (Temporarily Unavailable).',
  ),
  'focus.escalateAfterMinutes': setting(
    'lockable',
    z.number().int('must be a whole number').min(0).max(1440),
    15,
    'The 15-minute rule: after this many minutes on the active ticket, or in one call, offer to ask a coworker, escalate the ticket or transfer to the service manager (1–1440). 0: off.',
  ),

  'calls.ringTimeoutSeconds': setting(
    'lockable',
    z.number().int('must be a whole number').min(5).max(300),
    30,
    'How long, in seconds, an allowed call rings (with or without a window open) before it becomes a missed call to call back.',
  ),

  'calls.holdPrompt': setting(
    'lockable',
    z.boolean(),
    true,
    'Ask before holding: Hold first shows "May I put you on hold for a moment?" with They agreed: hold / Cancel.',
  ),
  'calls.phrases': setting(
    'lockable',
    z.array(z.object({ label: z.string().trim().min(1).max(60), text: z.string().trim().min(1).max(500) }).strict()).max(20),
    PROCEDURE_PHRASES,
    'What to say during a call, shown in the call card (the procedure\'s phrases by default). The first is "Reset the interrupt".',
  ),
  'calls.holdReminderSeconds': setting(
    'lockable',
    z.number().int('must be a whole number').min(5).max(600),
    60,
    'After this many seconds on hold, the call card reminds the technician to check back with the caller.',
  ),

  'directory.coworkers': setting(
    'lockable',
    boundedList(DirectoryEntrySchema, LIST_LIMITS.coworkers),
    [],
    `Coworkers: their calls always ring, even in Focus. At most ${LIST_LIMITS.coworkers.toLocaleString('en-US')}.`,
  ),
  'directory.vips': setting(
    'lockable',
    boundedList(DirectoryEntrySchema, LIST_LIMITS.vips),
    [],
    `VIP customers: their calls always ring, even in Focus. At most ${LIST_LIMITS.vips.toLocaleString('en-US')}.`,
  ),
  'directory.blocked': setting(
    'lockable',
    boundedList(BlockedCaller, LIST_LIMITS.blocked),
    [],
    `Numbers, extensions or SIP URIs whose calls are always rejected. At most ${LIST_LIMITS.blocked.toLocaleString('en-US')}.`,
  ),

  'numbers.defaultRegion': setting('lockable', RegionCode, 'US', 'The country for numbers written without +country code (ISO 3166 alpha-2, e.g. US, GB).'),
  'numbers.trustAssertedIdentity': setting(
    'lockable',
    z.boolean(),
    false,
    "Trust the PBX's P-Asserted-Identity header for the caller's number. Only when the PBX sets it.",
  ),
  'numbers.trustedHosts': setting(
    'lockable',
    z.array(TrustedHost).max(50),
    [],
    "Hosts besides the account's own SIP domain whose callers may match coworkers and VIPs by extension or number (hostnames or IP addresses).",
  ),

  'repeatCallers.threshold': setting(
    'lockable',
    z.number().int('must be a whole number').min(2).max(100),
    3,
    'Calls from one number within the window that count as a repeat caller.',
  ),
  'repeatCallers.windowMinutes': setting('lockable', Minutes(1440), 15, 'The repeat-caller window, in minutes.'),
  'repeatCallers.breakThrough': setting('lockable', z.boolean(), false, "Let a repeat caller's next call ring through Focus."),
  'repeatCallers.breakThroughWindowMinutes': setting('lockable', Minutes(1440), 3, 'How soon, in minutes, the next call must come to break through.'),

  'hours.timeZone': setting('lockable', OptionalTimeZone, '', "The business hours' IANA time zone, e.g. America/Chicago. Empty: the computer's zone."),
  'hours.weekly': setting(
    'lockable',
    WeeklyHours,
    null,
    'Business hours per weekday (sun…sat), e.g. {"mon": [{"start": "08:00", "end": "17:00"}]}. null: no business hours, never after-hours.',
  ),
  'hours.afterHoursAction': setting(
    'lockable',
    z.enum(['ring', 'redirect', 'voicemail', 'busy', 'silent']),
    'voicemail',
    'What happens to calls outside business hours: ring, redirect, voicemail, busy or silent.',
  ),
  'hours.afterHoursTarget': setting(
    'lockable',
    VoicemailTarget,
    '',
    "The SIP URI for after-hours redirect or voicemail, or 'local' for Focusline's voicemail.",
  ),

  'psa.kind': setting('lockable', z.enum(PSA_KINDS), 'local', 'The PSA tickets go to: local (built-in ticket store), rt, connectwise, autotask or halopsa.'),
  'psa.url': PSA_COMMON_SETTINGS['psa.url'],
  // Each PSA's own keys (psa.<kind>.*) come from its folder's descriptor.
  ...PSA_OWN_SETTINGS,
  'psa.workingStatuses': PSA_COMMON_SETTINGS['psa.workingStatuses'],
  'psa.stopwatchMinSeconds': PSA_COMMON_SETTINGS['psa.stopwatchMinSeconds'],
  'psa.queue': PSA_COMMON_SETTINGS['psa.queue'],
  'psa.unknownCallerCompany': PSA_COMMON_SETTINGS['psa.unknownCallerCompany'],
  'psa.ringCompanyMainNumber': setting('lockable', z.boolean(), false, "Also ring through calls from the active ticket's company main number."),
  'psa.coworkersFromPsa': setting(
    'lockable',
    z.boolean(),
    false,
    "Fill the coworker directory from the PSA's members (with their phone numbers), in addition to directory.coworkers.",
  ),
  'psa.logAttempts': setting(
    'lockable',
    z.enum(['off', 'not-rung', 'all']),
    'all',
    "Log contact attempts into the PSA (on by default): all calls, not-rung (only the calls Focus held back), or off. Without a ticket, an attempt goes where the PSA has a place for it; RT has none, so those stay in Focusline's call log.",
  ),
  'psa.pollSeconds': setting(
    'lockable',
    z.number().int().min(5).max(600),
    20,
    'How often to ask the PSA for the active ticket, in seconds; it backs off when the PSA is slow or limits the rate.',
  ),
  'psa.syncMinutes': setting(
    'lockable',
    z.number().int().min(5).max(1440),
    60,
    'How often contacts and members are synced into the local caller index, in minutes.',
  ),

  'voicemail.greetingTemplate': setting(
    'lockable',
    GreetingTemplate.min(1, 'must not be empty: callers would hear nothing'),
    DEFAULT_GREETING.standard,
    'The standard voicemail greeting script. Placeholders: {name}, {serviceManagerNumber}, {ticketId}, {ticketSummary}. The tech records it as written.',
  ),
  'voicemail.greetingTemplateFocused': setting(
    'lockable',
    GreetingTemplate,
    DEFAULT_GREETING.focused,
    'The greeting while the tech is focused on a ticket. Empty: the standard greeting.',
  ),
  'voicemail.greetingTemplateAfterHours': setting(
    'lockable',
    GreetingTemplate,
    DEFAULT_GREETING.afterHours,
    'The greeting outside business hours. Empty: the standard greeting.',
  ),
  'voicemail.greetingTemplateAway': setting(
    'lockable',
    GreetingTemplate,
    DEFAULT_GREETING.away,
    'The greeting while the tech is away (do not disturb). Empty: the standard greeting.',
  ),
  'voicemail.serviceManagerNumber': setting(
    'lockable',
    SpokenPhoneNumber,
    '',
    'The number urgent callers are told to call for the Service Manager, as it should be read out (e.g. +1 312 555 0100 or extension 2000). Empty: the greeting leaves that sentence out.',
  ),
  'voicemail.maxGreetingSeconds': setting(
    'lockable',
    z.number().int('must be a whole number').min(5).max(120),
    30,
    'The longest greeting a tech may record, in seconds (5–120).',
  ),
  'voicemail.maxMessageSeconds': setting(
    'lockable',
    z.number().int('must be a whole number').min(10).max(600),
    120,
    "The longest message a caller may leave in Focusline's voicemail, in seconds (10–600).",
  ),
  'voicemail.silenceSeconds': setting(
    'lockable',
    z.number().int('must be a whole number').min(2).max(60),
    5,
    'Stop recording a message after this many seconds of silence (2–60).',
  ),
  'voicemail.retentionDays': setting(
    'lockable',
    z.number().int('must be a whole number').min(1).max(3650),
    90,
    'Handled voicemails older than this many days are deleted (1–3650). Unhandled ones are kept.',
  ),
  'voicemail.retentionCount': setting(
    'lockable',
    z.number().int('must be a whole number').min(10).max(10_000),
    500,
    'Keep at most this many voicemails; the oldest handled ones go first (10–10000). Unhandled ones are kept.',
  ),
  'voicemail.accessNumber': setting(
    'lockable',
    z
      .string()
      .trim()
      .max(64)
      .regex(/^[0-9*#+]*$/, 'must be what the phone dials, e.g. *97: digits, *, # and + only (or empty)'),
    '',
    "The PBX's voicemail access number that the one-click button dials, e.g. *97. Empty: no button.",
  ),
  'voicemail.subscribeMwi': setting(
    'lockable',
    z.boolean(),
    false,
    "Subscribe to the PBX's message-waiting indicator (SIP message-summary) and show its voicemail count.",
  ),
  'presence.enabled': setting(
    'lockable',
    z.boolean(),
    false,
    "Use the PBX's presence server: publish the tech's state (available, on a call, focused, do not disturb) and show the coworkers' and the service manager's. A held-back call is not redirected to a service manager whose presence says offline.",
  ),
  // Policy only: a published note is readable by everyone who may subscribe (the whole PBX, without XCAP rules), so
  // whether ticket details leave the desk is the organization's call, not one tech's.
  'presence.shareTicketSummary': setting(
    'policy-only',
    z.boolean(),
    false,
    'Put the focused ticket\'s number, company and summary in the published presence note (policy only: everyone who can subscribe on the PBX reads it). Off: coworkers read "Focused on a ticket".',
  ),
  'voicemail.name': setting('user-only', z.string().trim().max(128), '', "How the tech's name is said in the greeting. Empty: account.displayName."),
  'reminders.schedule': setting(
    'lockable',
    ReminderSchedule,
    'odd-hours',
    'When to remind the tech of unhandled voicemail and callbacks: odd-hours (9:00, 11:00 … 17:00 in business hours), off, or times like "09:30, 13:00, 16:30" (business-hours time zone, working hours only).',
  ),

  'insights.visible': setting(
    'lockable',
    z.boolean(),
    true,
    'Show the Insights tab (interruptions prevented, time in Focus, callbacks, voicemail response times, repeat callers by company).',
  ),

  // Headset, hotkeys, links and updates (issue #13).
  ...desktopSettings,

  'policy.url': setting('policy-only', OptionalPolicyUrl, '', 'An HTTPS URL of a policy document ({"managed": {…}, "recommended": {…}}), polled with ETag.'),
  'policy.pollSeconds': setting(
    'policy-only',
    z.number().int('must be a whole number').min(30).max(86_400),
    300,
    'How often to poll policy.url, in seconds (at least 30).',
  ),
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof settingsRegistry & string;
export type SettingsValues = ValuesOf<typeof settingsRegistry>;

export const settingKeys = Object.keys(settingsRegistry) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(settingsRegistry, key);
}

export function defaultValues(): SettingsValues {
  return structuredClone(Object.fromEntries(settingKeys.map((key) => [key, settingsRegistry[key].default])) as SettingsValues);
}

/** The keys a policy file may contain: everything but the technician's own. */
export function policyKeys(registry: SettingsRegistry = settingsRegistry): string[] {
  return Object.keys(registry).filter((key) => registry[key]?.capability !== 'user-only');
}

/** The keys the technician may set: everything but policy-only. */
export function userKeys(registry: SettingsRegistry = settingsRegistry): string[] {
  return Object.keys(registry).filter((key) => registry[key]?.capability !== 'policy-only');
}

export type ValueCheck = { ok: true; value: unknown } | { ok: false; message: string };

/** Validates one value against its key's schema; the message names what's wrong inside the value, if anywhere. */
/** Issues named per rejected value; a list of 10,000 bad entries is summed up, not spelled out. */
const ISSUES_SHOWN = 5;

export function checkValue(spec: SettingSpec, value: unknown): ValueCheck {
  const parsed = spec.schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const { issues } = parsed.error;
  const shown = issues.slice(0, ISSUES_SHOWN).map(describeIssue).join('; ');
  const more = issues.length > ISSUES_SHOWN ? `; and ${issues.length - ISSUES_SHOWN} more` : '';
  return { ok: false, message: shown + more };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return where ? `${where.replace(/^\./, '')}: ${issue.message}` : issue.message;
}

/**
 * The account/devices/ICE part of the settings file, in the shape services
 * use today (`UserSettings.settings`). The file itself is read key by key
 * against the registry (user-settings.ts); this schema remains the type of
 * that view and checks docs/settings.example.json.
 * `account.password` is accepted on input only: it is moved to the secret
 * store on load and never written back.
 */
export const SettingsFileSchema = z
  .object({
    $schema: z.string().optional(),
    account: AccountSchema.extend({ password: z.string().max(256).optional() }).optional(),
    devices: AudioDevicesSchema.default({ microphoneId: 'default', speakerId: 'default', ringDeviceId: 'default' }),
    /** Empty by default: sip.js would otherwise send STUN to a public Google server. */
    iceServers: z.array(IceServerSchema).default([]),
  })
  .strict();

export type SettingsFile = z.output<typeof SettingsFileSchema>;

export const defaultSettings = (): SettingsFile => SettingsFileSchema.parse({});
