/** One call of a three-way call: its peer connection's audio sender, the tech's mic for it, and the far end's voice. */
export type MixLeg = { callId: string; sender: RTCRtpSender; mic: MediaStreamTrack | null; remote: MediaStream };

/** How long an AudioContext may take to start before the merge is refused (an unclicked page never starts one). */
const START_MS = 500;

export const MIX_NEEDS_CLICK = 'This window can’t mix audio until it has been clicked once: click the Focusline window, then merge again.';

/**
 * A local three-way call (the warm transfer's "merge"): each far end hears
 * the tech and the other far end; the tech hears both as before (each
 * call's own audio element). Mixed with WebAudio in the window, where the
 * media lives: per call, a destination node sums the tech's microphone and
 * the other call's remote stream, and that sum replaces the call's sender
 * track. Ending the mix puts the microphone back on each sender.
 *
 * Mute in a three-way call disables the microphone track feeding the mix,
 * never the mixed track: the other party must still be heard.
 */
export class ThreeWayMix {
  private constructor(
    private readonly context: AudioContext,
    private readonly legs: MixLeg[],
  ) {}

  static async start(legs: MixLeg[]): Promise<ThreeWayMix> {
    const context = new AudioContext();
    if (context.state !== 'running') {
      await Promise.race([context.resume(), new Promise((resolve) => setTimeout(resolve, START_MS))]);
    }
    // The spec allows a suspended context; a page without user activation keeps it so, and would send silence.
    if ((context.state as AudioContextState) !== 'running') {
      void context.close();
      throw new Error(MIX_NEEDS_CLICK);
    }
    const mix = new ThreeWayMix(context, legs);
    const destinations = legs.map(() => context.createMediaStreamDestination());
    legs.forEach((leg, i) => {
      const destination = destinations[i]!;
      if (leg.mic) context.createMediaStreamSource(new MediaStream([leg.mic])).connect(destination);
      legs.forEach((other, j) => {
        if (j !== i && other.remote.getAudioTracks().length > 0) context.createMediaStreamSource(other.remote).connect(destination);
      });
    });
    try {
      await Promise.all(legs.map((leg, i) => leg.sender.replaceTrack(destinations[i]!.stream.getAudioTracks()[0] ?? null)));
    } catch (error) {
      await mix.stop();
      throw error;
    }
    return mix;
  }

  /** The tech's mic of one call of the mix. */
  micOf(callId: string): MediaStreamTrack | null {
    return this.legs.find((leg) => leg.callId === callId)?.mic ?? null;
  }

  has(callId: string): boolean {
    return this.legs.some((leg) => leg.callId === callId);
  }

  /** The tech's mic on one call of the mix (main mutes both). */
  setMuted(callId: string, muted: boolean): void {
    for (const leg of this.legs) if (leg.callId === callId && leg.mic) leg.mic.enabled = !muted;
  }

  /**
   * Each call gets its microphone back (a call that ended is skipped: its
   * sender is closed). A call on hold has no track on its sender and keeps
   * none: its mic goes back when it is resumed (the endpoint's held track).
   */
  async stop(): Promise<void> {
    await Promise.all(
      this.legs.map(async (leg) => {
        try {
          if (leg.sender.track !== null) await leg.sender.replaceTrack(leg.mic);
        } catch {
          // The call's peer connection closed: nothing to put back.
        }
      }),
    );
    await this.context.close().catch(() => undefined);
  }
}
