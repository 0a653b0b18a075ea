/** How a caller is named in tickets, notes and call logs: "Jane Doe (+15550101)", or just the number when there is no other name. */
export function callerLabel(name: string, number: string): string {
  const trimmed = name.trim();
  return trimmed && trimmed !== number ? `${trimmed} (${number})` : number;
}
