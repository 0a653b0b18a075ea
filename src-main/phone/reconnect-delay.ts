/**
 * Delay before reconnect attempt `attempt` (1-based): fast at first so a
 * blip or a PBX restart heals in about a second, then spaced out so a dead
 * server isn't hammered. Jitter spreads a whole office reconnecting at once.
 */
export const RECONNECT_STEPS_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000] as const;

export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const index = Math.min(Math.max(attempt, 1), RECONNECT_STEPS_MS.length) - 1;
  const base = RECONNECT_STEPS_MS[index] ?? 30000;
  const jitter = 0.8 + random() * 0.4;
  return Math.round(base * jitter);
}
