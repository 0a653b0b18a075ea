// Measures a stored recording the way the tech's player would meet it:
// decoded by the page's own WebAudio, then its length and RMS level.
import type { Page } from 'playwright-core';

export function measureRecording(page: Page, audio: { data: string }): Promise<{ seconds: number; rmsDbfs: number }> {
  return page.evaluate(async ({ data }) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const ctx = new OfflineAudioContext(1, 48_000, 48_000);
    const buffer = await ctx.decodeAudioData(bytes.buffer);
    const samples = buffer.getChannelData(0);
    let sum = 0;
    for (const s of samples) sum += s * s;
    return { seconds: buffer.duration, rmsDbfs: 20 * Math.log10(Math.sqrt(sum / samples.length)) };
  }, audio);
}
