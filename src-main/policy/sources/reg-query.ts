/** One key of `reg query … /s` output, with its values as reg.exe prints them. */
export type RegKey = { path: string; values: RegValue[] };
export type RegValue = { name: string; type: string; data: string };

// "    <name>    <REG_TYPE>    <data>"; data may be absent (an empty REG_SZ).
const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

/**
 * Parses `reg query <key> /s`: a line naming a key (HKEY_…), then its values,
 * indented by four spaces, with four spaces between name, type and data.
 * Anything else (blank lines, "End of search") is skipped.
 */
export function parseRegQuery(stdout: string): RegKey[] {
  const keys: RegKey[] = [];
  let current: RegKey | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    if (line.startsWith('HKEY_')) {
      current = { path: line.trim(), values: [] };
      keys.push(current);
      continue;
    }
    const match = VALUE_LINE.exec(line);
    if (match && current) current.values.push({ name: match[1]!, type: match[2]!, data: (match[3] ?? '').replace(/\s+$/, '') });
  }
  return keys;
}

/** reg.exe's exit code 1 with "unable to find": the key isn't there, which means no policy, not a failure. */
export function isMissingKey(code: number, output: string): boolean {
  return code === 1 && /unable to find/i.test(output);
}
