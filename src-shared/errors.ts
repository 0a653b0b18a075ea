/**
 * The text of anything thrown, for a log line or an error a user reads.
 * JavaScript can throw any value; an Error's message is what its thrower
 * wrote for people, anything else is shown as it is.
 */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
