/**
 * Sound out of the phone: the remote voice on the chosen speaker or headset,
 * the ringtone on the separately chosen ring device, and the call-waiting
 * beep in the headset. Devices are picked with HTMLMediaElement.setSinkId.
 */
type SinkElement = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

export async function routeTo(element: HTMLAudioElement, deviceId: string): Promise<void> {
  const sink = element as SinkElement;
  if (!sink.setSinkId || deviceId === 'default' || deviceId === '') return;
  try {
    await sink.setSinkId(deviceId);
  } catch (err) {
    // The device may have been unplugged since it was chosen: keep the default rather than go silent.
    console.warn(`Focusline: could not use audio output ${deviceId}: ${(err as Error).message}`);
  }
}

export function playStream(stream: MediaStream, deviceId: string): HTMLAudioElement {
  const element = new Audio();
  element.autoplay = true;
  element.srcObject = stream;
  void routeTo(element, deviceId).then(() => element.play().catch(() => {}));
  return element;
}

export function stopElement(element: HTMLAudioElement | undefined): void {
  if (!element) return;
  element.pause();
  element.srcObject = null;
}

/** A tone pattern synthesised with WebAudio, so no asset has to ship and any device can play it. */
class TonePattern {
  private context: AudioContext | undefined;
  private element: HTMLAudioElement | undefined;

  constructor(
    private readonly frequencies: number[],
    private readonly onMs: number,
    private readonly periodMs: number,
    private readonly level: number,
  ) {}

  start(deviceId: string): void {
    if (this.context) return;
    const context = new AudioContext();
    // A tab without a user gesture yet starts the context suspended; ask anyway (Electron never blocks it).
    void context.resume().catch(() => {});
    const destination = context.createMediaStreamDestination();
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(destination);
    for (const f of this.frequencies) {
      const osc = context.createOscillator();
      osc.frequency.value = f;
      osc.connect(gain);
      osc.start();
    }
    this.schedule(gain, context);
    this.context = context;
    this.element = playStream(destination.stream, deviceId);
  }

  stop(): void {
    stopElement(this.element);
    void this.context?.close();
    this.context = undefined;
    this.element = undefined;
  }

  /** An hour of on/off envelope scheduled up front: no timers to leak. */
  private schedule(gain: GainNode, context: AudioContext): void {
    const periods = Math.ceil(3_600_000 / this.periodMs);
    for (let i = 0; i < periods; i++) {
      const t = context.currentTime + (i * this.periodMs) / 1000;
      gain.gain.setValueAtTime(this.level, t);
      gain.gain.setValueAtTime(0, t + this.onMs / 1000);
    }
  }
}

/** North American ring: 440+480 Hz, 2 s on, 4 s off. */
export const createRingtone = () => new TonePattern([440, 480], 2000, 6000, 0.2);
/** Call waiting: a short 440 Hz beep every 10 s, quiet, in the headset. */
export const createCallWaitingTone = () => new TonePattern([440], 300, 10000, 0.1);

export type AudioDeviceList = { microphones: MediaDeviceInfo[]; speakers: MediaDeviceInfo[] };

export async function listAudioDevices(): Promise<AudioDeviceList> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return {
    microphones: devices.filter((d) => d.kind === 'audioinput'),
    speakers: devices.filter((d) => d.kind === 'audiooutput'),
  };
}

export function microphoneConstraints(deviceId: string): MediaStreamConstraints {
  const audio: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  if (deviceId && deviceId !== 'default') audio.deviceId = { exact: deviceId };
  return { audio, video: false };
}
