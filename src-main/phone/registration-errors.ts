/**
 * Turns what went wrong with registration into a sentence a technician can
 * act on: what happened, and what to check.
 */
export function rejectionMessage(statusCode: number, reasonPhrase: string): string {
  const sip = `${statusCode} ${reasonPhrase}`.trim();
  if (statusCode === 401 || statusCode === 407 || statusCode === 403) {
    return `The SIP server refused the login (${sip}). Check the auth user and password in Settings.`;
  }
  if (statusCode === 404) {
    return `The SIP server doesn't know this account (${sip}). Check the SIP URI in Settings.`;
  }
  if (statusCode === 408 || statusCode === 503 || statusCode === 504) {
    return `The SIP server didn't respond in time (${sip}). Focusline will keep trying.`;
  }
  if (statusCode === 423) {
    return `The SIP server wants a longer registration interval (${sip}).`;
  }
  return `The SIP server refused the registration (${sip}).`;
}

export function unreachableMessage(server: string, retryInMs: number | undefined): string {
  const retry = retryInMs === undefined ? '' : ` Retrying in ${Math.max(1, Math.round(retryInMs / 1000))} s.`;
  return `Can't reach the SIP server at ${server}. Check the server URL and your network connection.${retry}`;
}

/** Fatal means retrying with the same settings won't help and may lock the account. */
export function isFatalRejection(statusCode: number): boolean {
  return statusCode === 401 || statusCode === 403 || statusCode === 404 || statusCode === 407;
}
