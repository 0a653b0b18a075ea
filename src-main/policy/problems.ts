/**
 * Something in a policy or settings source Focusline couldn't use. `origin`
 * names where it is (a file path, a registry key, a URL) and `key` the
 * setting, so a service manager can go straight to it. Same shape as the IPC
 * contract's PolicyProblem, so the Policy view shows it as is.
 */
export type PolicyProblem = { origin: string; key?: string; message: string };

export function problemsEqual(a: readonly PolicyProblem[], b: readonly PolicyProblem[]): boolean {
  return a.length === b.length && a.every((p, i) => p.origin === b[i]?.origin && p.key === b[i]?.key && p.message === b[i]?.message);
}

/** Short text of a value for messages: JSON, cut to a readable length. */
export function briefValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
