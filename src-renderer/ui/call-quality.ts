import type { AudioStats } from '../state/phone-store.js';

/**
 * Call quality in a word, from this window's WebRTC counters. The limits are
 * the usual VoIP ones: under 1 % loss and 30 ms jitter nobody hears a thing;
 * past 5 % or 60 ms words drop out.
 */
export type Quality = 'good' | 'fair' | 'poor' | 'waiting';

export function qualityOf(stats: AudioStats): Quality {
  const expected = stats.packetsIn + stats.packetsLost;
  if (expected === 0) return 'waiting';
  const loss = stats.packetsLost / expected;
  if (loss < 0.01 && stats.jitterMs < 30) return 'good';
  if (loss < 0.05 && stats.jitterMs < 60) return 'fair';
  return 'poor';
}

export const QUALITY_WORDS: Record<Quality, string> = { good: 'Good', fair: 'Fair', poor: 'Poor', waiting: 'Waiting for audio' };

/** The details behind the word, for the hover text. */
export function qualityDetails(stats: AudioStats): string {
  const expected = stats.packetsIn + stats.packetsLost;
  const loss = expected === 0 ? 0 : (stats.packetsLost / expected) * 100;
  return `${stats.packetsIn} packets in, ${stats.packetsOut} out, ${stats.packetsLost} lost (${loss.toFixed(1)} %), jitter ${stats.jitterMs} ms`;
}
