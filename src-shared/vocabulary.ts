import { z } from 'zod';

/**
 * The words both processes use, each defined once. Domain rooms in main keep
 * their own richer types and build on these; the IPC contract describes its
 * wire views with them; the renderer validates a form or names a choice with
 * them. Only zod: no Node, no DOM.
 */

/** The PSAs Focusline talks to; 'local' is the built-in ticket store. */
export const PSA_KINDS = ['local', 'rt', 'connectwise', 'autotask', 'halopsa'] as const;
export type PsaKind = (typeof PSA_KINDS)[number];

/** Why a ticket is escalated (the 15-minute rule): a work session on it, or a call about it, ran past the limit. */
export const ESCALATION_REASONS = ['work-session', 'call'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/** The kinds of durable handoff to the PSA (the outbox's rows, and the handoff list the UI shows). */
export const HANDOFF_KINDS = ['create-ticket', 'add-note', 'log-attempt', 'escalate-ticket'] as const;
export type HandoffKind = (typeof HANDOFF_KINDS)[number];

/** The greetings a tech records: the procedure's standard one and its focused, after-hours and away variants. */
export const GREETING_VARIANTS = ['standard', 'focused', 'after-hours', 'away'] as const;
export type GreetingVariant = (typeof GREETING_VARIANTS)[number];
export const GreetingVariantSchema = z.enum(GREETING_VARIANTS);

/** What happens to an incoming call. */
export const CALL_ACTIONS = ['ring', 'silent', 'redirect', 'voicemail', 'reject'] as const;
export type CallAction = (typeof CALL_ACTIONS)[number];
export const CallActionSchema = z.enum(CALL_ACTIONS);

/** Which rule decided a call, for the call log and the tech's quiet entry (precedence: src-main/focus/decide.ts). */
export const DECISION_RULES = [
  'blocked',
  'ticket-contact',
  'coworker',
  'vip',
  'repeat-breakthrough',
  'after-hours',
  'focus',
  'dnd',
  'ring',
  'fallback',
] as const;
export type DecisionRule = (typeof DECISION_RULES)[number];
export const DecisionRuleSchema = z.enum(DECISION_RULES);

/**
 * A person's presence as the PBX's presence server reports it (RFC 3863 PIDF
 * with RFC 4480 RPID; src-main/phone/presence-document.ts reads and writes it).
 * 'unknown': nothing heard yet, or a document Focusline can't read; never
 * treated as offline.
 */
export const PRESENCE_STATES = ['unknown', 'available', 'on-call', 'ringing', 'focused', 'dnd', 'offline'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];
export const PresenceStateSchema = z.enum(PRESENCE_STATES);

/** "audio/webm;codecs=opus", "audio/ogg", "audio/wav"… */
export const AudioMimeTypeSchema = z
  .string()
  .max(200)
  .regex(/^audio\/[a-z0-9.+-]+(\s*;\s*[a-z0-9-]+=("[^"]*"|[^;"\s]+))*$/i, 'must be an audio MIME type such as audio/webm;codecs=opus');

export const RegistrationStateSchema = z.enum(['unconfigured', 'offline', 'registering', 'registered', 'reconnecting', 'failed']);
export type RegistrationState = z.infer<typeof RegistrationStateSchema>;

/** The tech's SIP account (the password is kept apart, in the keychain). */
export const AccountSchema = z.object({
  wsServer: z
    .string()
    .trim()
    .refine((s) => /^wss?:\/\/[^\s]+$/i.test(s), 'The server must be a ws:// or wss:// URL, for example wss://pbx.example.com:8089/ws'),
  sipUri: z
    .string()
    .trim()
    .refine((s) => /^sips?:[^@\s]+@[^\s]+$/i.test(s), 'The SIP URI must look like sip:1001@pbx.example.com'),
  authUser: z.string().trim().max(128).default(''),
  displayName: z.string().trim().max(128).default(''),
});
export type Account = z.infer<typeof AccountSchema>;

export const IceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServerSchema>;

/** Talk on the headset, ring on the speakers: three separate choices. */
export const AudioDevicesSchema = z.object({
  microphoneId: z.string().default('default'),
  speakerId: z.string().default('default'),
  ringDeviceId: z.string().default('default'),
});
export type AudioDevices = z.infer<typeof AudioDevicesSchema>;

export function isDecisionRule(value: string): value is DecisionRule {
  return (DECISION_RULES as readonly string[]).includes(value);
}
