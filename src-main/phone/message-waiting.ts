/**
 * The body of a message-summary NOTIFY (RFC 3842,
 * application/simple-message-summary), as far as Focusline shows it: is
 * anything waiting, and how many voice messages are new and old. Urgent
 * counts are included in the plain counts per the RFC, so they are only
 * kept for display. Fax, pager and other message classes are ignored.
 */
export type MessageSummary = {
  waiting: boolean;
  /** The mailbox the PBX reports for, when it says so (e.g. a shared mailbox). */
  account: string | null;
  newCount: number;
  oldCount: number;
  urgentNew: number;
  urgentOld: number;
};

const MAX_BODY_CHARS = 16_384;
const COUNT = '(\\d{1,9})';
// "Voice-Message: 2/8 (0/0)"; the urgent part is optional.
const VOICE_COUNTS = new RegExp(`^${COUNT}\\s*/\\s*${COUNT}(?:\\s*\\(\\s*${COUNT}\\s*/\\s*${COUNT}\\s*\\))?$`);

/**
 * Returns null for a body that is not a message summary at all: no
 * Messages-Waiting line, or one that says neither yes nor no. A summary
 * without a Voice-Message line has zero counts (some PBXs only send the flag).
 */
export function parseMessageSummary(body: string): MessageSummary | null {
  if (typeof body !== 'string' || body.length > MAX_BODY_CHARS) return null;
  const headers = headerLines(body);
  const flag = headers.get('messages-waiting')?.toLowerCase();
  if (flag !== 'yes' && flag !== 'no') return null;
  const counts = voiceCounts(headers.get('voice-message'));
  if (counts === undefined) return null;
  return { waiting: flag === 'yes', account: headers.get('message-account') || null, ...counts };
}

/** The first value of each "Name: value" line, by lower-case name. Lines that aren't headers are skipped. */
function headerLines(body: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of body.split(/\r\n|\r|\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

type Counts = Pick<MessageSummary, 'newCount' | 'oldCount' | 'urgentNew' | 'urgentOld'>;

/** Zero counts when the line is missing; undefined (malformed) when it is there but unreadable. */
function voiceCounts(value: string | undefined): Counts | undefined {
  if (value === undefined) return { newCount: 0, oldCount: 0, urgentNew: 0, urgentOld: 0 };
  const match = VOICE_COUNTS.exec(value);
  if (!match) return undefined;
  const [, fresh, old, urgentNew, urgentOld] = match;
  return { newCount: Number(fresh), oldCount: Number(old), urgentNew: Number(urgentNew ?? 0), urgentOld: Number(urgentOld ?? 0) };
}
