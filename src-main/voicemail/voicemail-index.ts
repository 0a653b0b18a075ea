import { z } from 'zod';
import { VoicemailError } from './voicemail-errors.js';
import { MESSAGE_ID_PATTERN, VoicemailMessageSchema, type VoicemailMessage } from './voicemail-schema.js';

/**
 * The voicemail index in SQLite: the messages table, the per-message chunk
 * journal that crash recovery reads, and the mapping from rows to messages.
 */

export const MESSAGE_MIGRATIONS = [
  {
    id: 'voicemail-1',
    sql: `CREATE TABLE voicemail_messages (
      id TEXT PRIMARY KEY,
      file_name TEXT NOT NULL,
      call_id TEXT NOT NULL,
      attempt_id TEXT,
      caller_uri TEXT NOT NULL,
      caller_number TEXT NOT NULL,
      caller_name TEXT NOT NULL,
      contact_id TEXT,
      contact_name TEXT,
      company_id TEXT,
      company_name TEXT,
      ticket_id TEXT,
      greeting_variant TEXT NOT NULL,
      greeting_source TEXT NOT NULL,
      mime_type TEXT NOT NULL,
      state TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      ended_at INTEGER,
      duration_ms INTEGER,
      ended_by TEXT,
      size_bytes INTEGER NOT NULL DEFAULT 0,
      max_bytes INTEGER NOT NULL,
      max_seconds INTEGER NOT NULL,
      note TEXT,
      callback_due_at INTEGER,
      handled TEXT,
      handled_at INTEGER,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX voicemail_messages_started ON voicemail_messages (started_at);
    CREATE INDEX voicemail_messages_state ON voicemail_messages (state);
    CREATE TABLE voicemail_chunks (
      message_id TEXT NOT NULL REFERENCES voicemail_messages (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      byte_offset INTEGER NOT NULL,
      size INTEGER NOT NULL,
      elapsed_ms INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      PRIMARY KEY (message_id, seq)
    );`,
  },
];

const RowSchema = z.object({
  id: z.string(),
  file_name: z.string(),
  call_id: z.string(),
  attempt_id: z.string().nullable(),
  caller_uri: z.string(),
  caller_number: z.string(),
  caller_name: z.string(),
  contact_id: z.string().nullable(),
  contact_name: z.string().nullable(),
  company_id: z.string().nullable(),
  company_name: z.string().nullable(),
  ticket_id: z.string().nullable(),
  greeting_variant: z.string(),
  greeting_source: z.string(),
  mime_type: z.string(),
  state: z.string(),
  started_at: z.number(),
  ended_at: z.number().nullable(),
  duration_ms: z.number().nullable(),
  ended_by: z.string().nullable(),
  size_bytes: z.number(),
  max_bytes: z.number(),
  max_seconds: z.number(),
  note: z.string().nullable(),
  callback_due_at: z.number().nullable(),
  handled: z.string().nullable(),
  handled_at: z.number().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type Row = z.infer<typeof RowSchema>;

export const ChunkRowSchema = z.object({ seq: z.number(), byte_offset: z.number(), size: z.number(), elapsed_ms: z.number(), received_at: z.number() });

/** "<uuid>.webm": the only file names this store creates in the voicemail folder. */
export const FILE_NAME = new RegExp(`^(${MESSAGE_ID_PATTERN.source.slice(1, -1)})\\.[a-z0-9]{2,4}$`);

export function parseRow(raw: unknown): Row {
  const row = RowSchema.parse(raw);
  // Defence in depth: a row edited by hand can't make the store touch another file.
  if (!MESSAGE_ID_PATTERN.test(row.id) || !FILE_NAME.test(row.file_name) || !row.file_name.startsWith(row.id)) {
    throw new VoicemailError('disk', `The voicemail index has a damaged entry (${row.id}); it was left untouched.`);
  }
  return row;
}

export function toMessage(r: Row): VoicemailMessage {
  return VoicemailMessageSchema.parse({
    id: r.id,
    callId: r.call_id,
    attemptId: r.attempt_id,
    callerUri: r.caller_uri,
    callerNumber: r.caller_number,
    callerName: r.caller_name,
    contact: r.contact_id === null ? null : { id: r.contact_id, name: r.contact_name ?? '' },
    company: r.company_name === null ? null : { id: r.company_id, name: r.company_name },
    ticketId: r.ticket_id,
    greetingVariant: r.greeting_variant,
    greetingSource: r.greeting_source,
    mimeType: r.mime_type,
    state: r.state,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    durationMs: r.duration_ms,
    endedBy: r.ended_by,
    sizeBytes: r.size_bytes,
    note: r.note,
    callbackDueAt: r.callback_due_at,
    handled: r.handled,
    handledAt: r.handled_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
}

export type ChunkRow = z.infer<typeof ChunkRowSchema>;
