import type { AudioStats } from '../state/phone-store.js';

/** Audio counters from WebRTC's getStats, for the call-quality line and for proving media flows. */
export async function readAudioStats(pc: RTCPeerConnection): Promise<AudioStats> {
  const report = await pc.getStats();
  const stats: AudioStats = { packetsIn: 0, packetsOut: 0, packetsLost: 0, jitterMs: 0, energyIn: 0 };
  report.forEach((s: Record<string, unknown>) => {
    if (s.kind !== 'audio') return;
    if (s.type === 'inbound-rtp') {
      stats.packetsIn += Number(s.packetsReceived ?? 0);
      stats.packetsLost += Number(s.packetsLost ?? 0);
      stats.jitterMs = Math.max(stats.jitterMs, Math.round(Number(s.jitter ?? 0) * 1000));
      // What was heard, not just that packets came: a muted far end still sends (silent) packets.
      stats.energyIn += Number(s.totalAudioEnergy ?? 0);
    }
    if (s.type === 'outbound-rtp') stats.packetsOut += Number(s.packetsSent ?? 0);
  });
  return stats;
}
