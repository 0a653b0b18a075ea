/**
 * What a PSA says back can carry our own credentials: a server that echoes
 * the request (a debug proxy, a 401 page quoting the header, an OAuth error
 * repeating the form) puts the token into the error, and the error goes into
 * the log and the outbox's SQLite row. Everything a PSA answered passes
 * through here before it is described, logged or stored. Pure, so the rules
 * are table-tested (test/unit/tickets/psa-redaction.test.ts).
 */

export const REDACTED = '[redacted]';

/** The most of a PSA's answer that goes into a message: enough to read the reason, not a whole echoed request. */
export const MAX_ECHO_CHARS = 200;

/** Names whose value is a credential wherever they appear: headers, form fields, JSON keys, query parameters. */
const SENSITIVE_NAME =
  /^(?:proxy-)?authori[sz]ation$|^(?:set-)?cookie$|token|secret|passw(?:or)?d|api[-_]?key|apikey|private[-_]?key|apiintegrationcode|^session(?:id)?$|^x-api-/i;

/** Shorter values are not treated as secrets: redacting "1" or "abc" everywhere would garble every message. */
const MIN_SECRET_LENGTH = 4;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name.trim());
}

/**
 * Pattern rules for credentials we didn't send but a server may echo anyway
 * (another user's cookie, a token we don't know). Each keeps the name and
 * hides the value, so the message still says what was wrong.
 */
const PATTERNS: readonly [RegExp, string][] = [
  // Header lines: "Authorization: Bearer …", "Cookie: a=b; c=d", "Set-Cookie: …", to the end of the line.
  [/\b((?:proxy-)?authori[sz]ation|set-cookie|cookie)(\s*:\s*)[^\r\n]+/gi, `$1$2${REDACTED}`],
  // Credentials with their scheme, wherever they appear in prose.
  // A digit or symbol is required, so "Basic authentication failed" stays readable.
  [/\b(Bearer|Basic|Digest|Negotiate)\s+(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // RT's "token <id>-<hex>" scheme: only a long value with a digit, so "token expired" stays readable.
  [/\b(token)\s+(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{16,}/gi, `$1 ${REDACTED}`],
  // JSON members and form/query pairs with a sensitive name: "token": "…", token=…, client_secret=….
  [
    /(["']?)([A-Za-z0-9_-]*(?:token|secret|passw(?:or)?d|api[-_]?key|apikey|private[-_]?key|apiintegrationcode|session(?:id)?)[A-Za-z0-9_-]*)\1(\s*[:=]\s*)(?!\[redacted\])("(?:[^"\\]|\\.)*"|'[^']*'|[^\s&,;"'}\]]+)/gi,
    `$1$2$1$3${REDACTED}`,
  ],
  // A JWT anywhere (OAuth access tokens).
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

/**
 * Every known secret (and its URL- and JSON-encoded forms) becomes [redacted],
 * then the pattern rules apply. Longest secrets first, so one that contains
 * another is hidden whole.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secretForms(secrets)) out = out.split(secret).join(REDACTED);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Redacts, then cuts: cutting first could leave half a secret that no longer matches. */
export function redactAndCut(text: string, secrets: readonly string[] = [], max = MAX_ECHO_CHARS): string {
  const redacted = redactText(text, secrets);
  return redacted.length > max ? `${redacted.slice(0, max - 1)}…` : redacted;
}

/** A parsed JSON body with every sensitive member's value and every secret inside a string redacted; adapters' describeError sees only this. */
export function redactValue(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  // Deeper than any PSA's error body; past it, nothing is kept rather than something unchecked.
  if (depth > 20) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      isSensitiveName(key) && item !== null && item !== '' ? REDACTED : redactValue(item, secrets, depth + 1),
    ]),
  );
}

/**
 * The secrets one request carries, to look for in its answer: values of
 * sensitive headers (and, for Authorization, the credential without its
 * scheme and a Basic header's decoded password), sensitive form fields and
 * query parameters, and the URL's password.
 */
export function requestSecrets(
  request: { url: string | URL; headers?: Record<string, string>; body?: unknown },
  decodeBase64: (text: string) => string,
): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (!isSensitiveName(name)) continue;
    found.push(value);
    const match = /^\s*(\S+)\s+(.+)$/.exec(value);
    if (!match?.[2]) continue;
    found.push(match[2]);
    if (match[1]?.toLowerCase() === 'basic') {
      const decoded = safely(() => decodeBase64(match[2] ?? ''));
      if (decoded) {
        found.push(decoded);
        // user:password — the user part is an identifier, the password part the secret.
        const colon = decoded.indexOf(':');
        if (colon >= 0) found.push(decoded.slice(colon + 1));
      }
    }
  }
  if (request.body instanceof URLSearchParams) for (const [name, value] of request.body) if (isSensitiveName(name)) found.push(value);
  const url = safely(() => new URL(request.url));
  if (url) {
    if (url.password) found.push(decodeURIComponent(url.password));
    for (const [name, value] of url.searchParams) if (isSensitiveName(name)) found.push(value);
  }
  return found;
}

function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const raw of secrets) {
    const secret = raw.trim();
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

function safely<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}
