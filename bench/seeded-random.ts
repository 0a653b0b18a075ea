// Deterministic inputs for benchmarks: the same seed gives the same calls and
// contacts on every machine, so runs compare like with like.

/** mulberry32: small, fast, and good enough for picking test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** pick / digits over one random source. */
export function seededPickers(random: () => number) {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  return {
    pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T,
    digits,
    /** A North American area code or exchange: 2-9 then two digits. */
    nxx: () => `${2 + Math.floor(random() * 8)}${digits(2)}`,
  };
}
