/**
 * How much policy Focusline takes in. A policy is a manager's lists and
 * choices; nobody needs millions of entries, and one runaway export (a 50 MB
 * file of 3.5 M blocked numbers, once) must not stall the phone or grow the
 * app past a gigabyte. Past a limit the whole file or list is refused with a
 * problem that names it, and its last good values stay in effect.
 */

/** The most one policy file, managed-preferences plist or policy URL document may weigh. */
export const POLICY_SOURCE_MAX_BYTES = 5 * 1024 * 1024;

/**
 * List limits, per setting. Far above any MSP's real lists, and low enough
 * that the largest directory they allow (70,000 addresses) compiles in a few
 * seconds of slices between calls (call-screening.ts).
 */
export const LIST_LIMITS = {
  coworkers: 1_000,
  vips: 5_000,
  blocked: 10_000,
  /** Extensions, numbers or SIP URIs of one listed person. */
  addressesPerEntry: 10,
} as const;

/** "50.0 MB", "5 MB": sizes for managers (1 MB = 1,048,576 bytes, as Windows Explorer counts). */
export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  const kb = bytes / 1024;
  return kb >= 1 ? `${Math.round(kb)} KB` : `${bytes} bytes`;
}

export function tooLargeMessage(bytes: number): string {
  // Just over the limit, "5.0 MB" against "5 MB" would read as a contradiction: give the bytes.
  const shown = formatBytes(bytes);
  const size = parseFloat(shown) === parseFloat(formatBytes(POLICY_SOURCE_MAX_BYTES)) ? `${bytes.toLocaleString('en-US')} bytes` : shown;
  return `is ${size}; the most Focusline reads from one policy source is ${formatBytes(POLICY_SOURCE_MAX_BYTES)}. It was not read; its last good settings stay in effect. Split it, or shorten its lists.`;
}
