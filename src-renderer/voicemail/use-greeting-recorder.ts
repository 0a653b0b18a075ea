import { useCallback, useEffect, useRef, useState } from 'react';
import type { FocuslineApi, GreetingView } from '../../src-main/ipc/contract.js';
import { decodeToMono, GreetingCapture } from './greeting-capture.js';
import {
  audioBlob,
  encodeTake,
  microphoneErrorMessage,
  MIN_GREETING_MS,
  tooShortMessage,
  remainingSeconds,
  savedSampleRate,
  takeOf,
  takeProblem,
  trimTake,
  type Take,
} from './greeting-recorder.js';
import { messageOf } from '../../src-shared/errors.js';
import { saveGreeting } from './save-greeting.js';

export type RecorderPhase = 'idle' | 'opening' | 'recording' | 'processing' | 'review' | 'saving';

/** A take ready to hear, download and save. */
export type Review = {
  take: Take;
  /** Why it can't be saved as it is (too short, too long, silent), or null. */
  problem: string | null;
  previewUrl: string;
  exportUrl: string;
  app: Uint8Array;
  pbx: Uint8Array;
};

export type GreetingRecorder = {
  phase: RecorderPhase;
  levelDbfs: number;
  remaining: number;
  review: Review | null;
  error: string;
  record(deviceId: string): void;
  stop(): void;
  trim(): void;
  save(): void;
};

/** Recording one greeting variant: capture → decode → review (trim) → save. */
export function useGreetingRecorder(api: FocuslineApi, variant: GreetingView['variant'], maxSeconds: number, onSaved: () => void): GreetingRecorder {
  const [phase, setPhase] = useState<RecorderPhase>('idle');
  const [levelDbfs, setLevel] = useState(-Infinity);
  const [remaining, setRemaining] = useState(maxSeconds);
  const [review, setReview] = useState<Review | null>(null);
  const [error, setError] = useState('');
  const capture = useRef<GreetingCapture | null>(null);
  const rate = savedSampleRate(maxSeconds);

  useEffect(() => () => capture.current?.close(), []);
  useEffect(() => () => revoke(review), [review]);

  const fail = useCallback((message: string, back: RecorderPhase) => {
    setError(message);
    setPhase(back);
  }, []);

  const show = useCallback(
    (take: Take) => {
      const files = encodeTake(take);
      setReview({
        take,
        problem: takeProblem(take.durationMs, take.levelDbfs, maxSeconds),
        previewUrl: URL.createObjectURL(audioBlob(files.app, 'audio/wav')),
        exportUrl: URL.createObjectURL(audioBlob(files.pbx, 'audio/wav')),
        ...files,
      });
      setPhase('review');
    },
    [maxSeconds],
  );

  const stop = useCallback(() => {
    const current = capture.current;
    if (!current) return;
    capture.current = null;
    setPhase('processing');
    const elapsed = current.elapsedMs();
    void current
      .stop()
      .then(async (blob) => show(takeOf(await decodeToMono(await blob.arrayBuffer(), rate), rate)))
      // A take stopped at once may hold no decodable audio at all: that is the tech's "too short", not a decoder fault.
      .catch((e: unknown) => fail(elapsed < MIN_GREETING_MS ? tooShortMessage(elapsed) : messageOf(e), 'idle'));
  }, [fail, rate, show]);

  const record = useCallback(
    (deviceId: string) => {
      capture.current?.close();
      setError('');
      setReview(null);
      setLevel(-Infinity);
      setRemaining(maxSeconds);
      setPhase('opening');
      GreetingCapture.open(deviceId)
        .then((opened) => {
          capture.current = opened;
          setPhase('recording');
          opened.start(maxSeconds * 1000, { onLevel: setLevel, onElapsed: (ms) => setRemaining(remainingSeconds(ms, maxSeconds)), onLimit: stop });
        })
        .catch((e: unknown) => fail(microphoneErrorMessage(e), 'idle'));
    },
    [fail, maxSeconds, stop],
  );

  const trim = useCallback(() => {
    if (!review) return;
    setError('');
    try {
      show(trimTake(review.take));
    } catch (e) {
      setError(messageOf(e));
    }
  }, [review, show]);

  const save = useCallback(() => {
    if (!review || review.problem) return;
    setError('');
    setPhase('saving');
    saveGreeting(api, { variant, durationMs: review.take.durationMs, app: review.app, pbx: review.pbx })
      .then(() => {
        setReview(null);
        setPhase('idle');
        onSaved();
      })
      .catch((e: unknown) => fail(`The greeting was not saved: ${messageOf(e)}`, 'review'));
  }, [api, fail, onSaved, review, variant]);

  return { phase, levelDbfs, remaining, review, error, record, stop, trim, save };
}

function revoke(review: Review | null): void {
  if (!review) return;
  URL.revokeObjectURL(review.previewUrl);
  URL.revokeObjectURL(review.exportUrl);
}
