import { useCallback, useEffect, useRef, useState } from 'react';
import type { FocuslineApi, GreetingView } from '../../src-main/ipc/contract.js';
import { listAudioDevices } from '../media/audio-output.js';
import { useAppStore } from '../state/app-store.js';
import { audioBlob, fromBase64, meterPercent, pbxWavOf } from '../voicemail/greeting-recorder.js';
import { decodeToMono } from '../voicemail/greeting-capture.js';
import { useGreetingRecorder } from '../voicemail/use-greeting-recorder.js';
import { formatDuration } from './format.js';
import { messageOf } from '../../src-shared/errors.js';

type Variant = GreetingView['variant'];

const LABELS: Record<Variant, string> = {
  standard: 'Standard',
  focused: 'Focused on a ticket',
  'after-hours': 'After hours',
  away: 'Away',
};

/** Settings → Voicemail greetings: the script for each variant, its recording, and the recorder. */
export function GreetingsSettings({ api }: { api: FocuslineApi }) {
  const [greetings, setGreetings] = useState<GreetingView[]>([]);
  const [maxSeconds, setMaxSeconds] = useState(30);
  const [recording, setRecording] = useState<Variant | null>(null);
  const [error, setError] = useState('');
  const refresh = useCallback(() => {
    api
      .invoke('greetings.list', {})
      .then((r) => {
        setGreetings(r.greetings);
        setMaxSeconds(r.maxGreetingSeconds);
      })
      .catch((e: unknown) => setError(`The greetings could not be loaded: ${messageOf(e)}`));
  }, [api]);
  useEffect(refresh, [refresh]);
  // A missing setting shows in every script that uses it: say it once, above them all.
  const shared = new Set(greetings.flatMap((g) => g.problems).filter((p, _i, all) => all.indexOf(p) !== all.lastIndexOf(p)));
  return (
    <div className="card greetings" aria-labelledby="greetings-heading">
      <h2 id="greetings-heading">Voicemail greetings</h2>
      <p className="hint">
        Read each script aloud. Callers who reach Focusline's voicemail hear the greeting that fits: the standard one, or the one for focus, after hours or
        away. At most {maxSeconds} s each.
      </p>
      {error && <p className="error">{error}</p>}
      {shared.size > 0 && (
        <ul className="greeting-problems" data-testid="greetings-problems">
          {[...shared].map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {greetings.map((g) => (
        <GreetingRow
          key={g.variant}
          api={api}
          greeting={{ ...g, problems: g.problems.filter((p) => !shared.has(p)) }}
          maxSeconds={maxSeconds}
          recording={recording === g.variant}
          onRecord={(open) => setRecording(open ? g.variant : null)}
          onChanged={refresh}
        />
      ))}
    </div>
  );
}

type RowProps = { api: FocuslineApi; greeting: GreetingView; maxSeconds: number; recording: boolean; onRecord: (open: boolean) => void; onChanged: () => void };

function GreetingRow({ api, greeting: g, maxSeconds, recording, onRecord, onChanged }: RowProps) {
  const [error, setError] = useState('');
  const remove = () => {
    setError('');
    api.invoke('greetings.delete', { variant: g.variant }).then(onChanged, (e: unknown) => setError(`The greeting was not deleted: ${messageOf(e)}`));
  };
  return (
    <section className="greeting" data-testid={`greeting-${g.variant}`} data-recorded={g.recorded}>
      <h3>{LABELS[g.variant]}</h3>
      <blockquote className="greeting-script">{g.script}</blockquote>
      {g.problems.length > 0 && (
        <ul className="greeting-problems" data-testid="greeting-problems">
          {g.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="greeting-saved">
        {g.recorded && g.durationMs !== null ? (
          <>
            <span data-testid="greeting-duration" data-ms={g.durationMs}>
              Recorded, {formatDuration(g.durationMs)}
              {g.savedAt && `, saved ${new Date(g.savedAt).toLocaleString()}`}
            </span>
            <SavedPlayer api={api} variant={g.variant} onError={setError} />
            <SavedExport api={api} variant={g.variant} onError={setError} />
            <button type="button" className="secondary" onClick={remove} data-testid="greeting-delete">
              Delete
            </button>
          </>
        ) : (
          <span className="hint">Not recorded: callers hear a built-in tone prompt.</span>
        )}
        {!recording && (
          <button type="button" onClick={() => onRecord(true)} data-testid="greeting-open-recorder">
            {g.recorded ? 'Record again…' : 'Record…'}
          </button>
        )}
      </div>
      {error && <p className="error">{error}</p>}
      {recording && <RecorderPanel api={api} variant={g.variant} maxSeconds={maxSeconds} onClose={() => onRecord(false)} onSaved={onChanged} />}
    </section>
  );
}

/** Plays the saved recording as main has it on disk, so what the tech hears is what callers hear. */
function SavedPlayer({ api, variant, onError }: { api: FocuslineApi; variant: Variant; onError: (message: string) => void }) {
  const [playing, setPlaying] = useState(false);
  const audio = useRef<HTMLAudioElement | null>(null);
  const stop = () => {
    if (audio.current) {
      audio.current.pause();
      URL.revokeObjectURL(audio.current.src);
    }
    audio.current = null;
    setPlaying(false);
  };
  useEffect(() => stop, []);
  const play = async () => {
    onError('');
    const saved = await api.invoke('greetings.audio', { variant });
    if (!saved) throw new Error('The recording is missing from the data folder; record it again.');
    const element = new Audio(URL.createObjectURL(audioBlob(fromBase64(saved.data), saved.mimeType)));
    element.addEventListener('ended', stop);
    audio.current = element;
    setPlaying(true);
    await element.play();
  };
  return (
    <button
      type="button"
      className="secondary"
      data-testid="greeting-play"
      data-playing={playing}
      onClick={() => (playing ? stop() : play().catch((e: unknown) => (stop(), onError(`The greeting could not be played: ${messageOf(e)}`))))}
    >
      {playing ? 'Stop' : 'Play'}
    </button>
  );
}

/** The saved greeting as 8 kHz PCM WAV, converted here from the app's copy, for techs whose voicemail lives on the PBX. */
function SavedExport({ api, variant, onError }: { api: FocuslineApi; variant: Variant; onError: (message: string) => void }) {
  const download = async () => {
    onError('');
    const saved = await api.invoke('greetings.audio', { variant });
    if (!saved) throw new Error('The recording is missing from the data folder; record it again.');
    const url = URL.createObjectURL(audioBlob(await pbxWavOf(saved.data, saved.mimeType, decodeAny), 'audio/wav'));
    const link = document.createElement('a');
    link.href = url;
    link.download = `focusline-${variant}-greeting-8khz.wav`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  return (
    <button
      type="button"
      className="link"
      data-testid="greeting-export-saved"
      onClick={() => download().catch((e: unknown) => onError(`The WAV could not be made: ${messageOf(e)}`))}
    >
      Download WAV for the PBX
    </button>
  );
}

const decodeAny = async (bytes: Uint8Array) => ({ samples: await decodeToMono(bytes.slice().buffer, 48_000), sampleRate: 48_000 });

function RecorderPanel({
  api,
  variant,
  maxSeconds,
  onClose,
  onSaved,
}: {
  api: FocuslineApi;
  variant: Variant;
  maxSeconds: number;
  onClose: () => void;
  onSaved: () => void;
}) {
  const preferred = useAppStore((s) => s.settings?.devices.microphoneId ?? 'default');
  const [microphone, setMicrophone] = useState(preferred);
  const [microphones, setMicrophones] = useState<MediaDeviceInfo[]>([]);
  const saved = useCallback(() => {
    onSaved();
    onClose();
  }, [onClose, onSaved]);
  const r = useGreetingRecorder(api, variant, maxSeconds, saved);
  const reviewing = r.phase === 'review';
  // Device labels appear once the microphone has been allowed, i.e. after the first take.
  useEffect(
    () =>
      void listAudioDevices().then(
        (l) => setMicrophones(l.microphones),
        () => setMicrophones([]),
      ),
    [reviewing],
  );
  const busy = r.phase === 'opening' || r.phase === 'recording' || r.phase === 'processing' || r.phase === 'saving';
  const level = Number.isFinite(r.levelDbfs) ? Math.round(r.levelDbfs * 10) / 10 : -120;
  return (
    <div className="greeting-recorder" data-testid="greeting-recorder" data-phase={r.phase}>
      <label>
        Microphone
        <select value={microphone} disabled={busy} onChange={(e) => setMicrophone(e.target.value)} data-testid="greeting-microphone">
          <option value="default">System default</option>
          {microphone !== 'default' && !microphones.some((m) => m.deviceId === microphone) && (
            <option value={microphone}>Your headset microphone (not connected?)</option>
          )}
          {microphones
            .filter((m) => m.deviceId !== 'default' && m.deviceId !== '')
            .map((m, i) => (
              <option key={m.deviceId} value={m.deviceId}>
                {m.label || `Microphone ${i + 1}`}
              </option>
            ))}
        </select>
      </label>
      {r.phase === 'recording' && (
        <div className="greeting-live">
          <div className="greeting-meter" role="meter" aria-label="Microphone level" aria-valuemin={-60} aria-valuemax={0} aria-valuenow={level}>
            <div className="greeting-level" data-testid="greeting-level" data-level={level} style={{ width: `${meterPercent(r.levelDbfs)}%` }} />
          </div>
          <span className="greeting-countdown" data-testid="greeting-countdown" data-seconds={r.remaining}>
            {r.remaining} s left
          </span>
        </div>
      )}
      {r.review && (
        <div className="greeting-review">
          <audio controls src={r.review.previewUrl} data-testid="greeting-preview" data-ms={r.review.take.durationMs} />
          <span data-testid="greeting-take" data-ms={r.review.take.durationMs} data-trimmed={r.review.take.trimmed}>
            {(r.review.take.durationMs / 1000).toFixed(1)} s{r.review.take.trimmed ? ', silence trimmed' : ''}
          </span>
          {r.review.problem && (
            <p className="error" role="alert" data-testid="greeting-take-problem">
              {r.review.problem}
            </p>
          )}
        </div>
      )}
      <div className="greeting-buttons">
        {r.phase === 'recording' ? (
          <button type="button" className="hangup" onClick={r.stop} data-testid="greeting-stop">
            Stop
          </button>
        ) : (
          <button type="button" disabled={busy} onClick={() => r.record(microphone)} data-testid="greeting-record">
            {r.review ? 'Record again' : 'Record'}
          </button>
        )}
        {r.review && (
          <>
            <button type="button" className="secondary" disabled={busy || r.review.take.trimmed} onClick={r.trim} data-testid="greeting-trim">
              Trim silence
            </button>
            <button type="button" className="primary" disabled={busy || r.review.problem !== null} onClick={r.save} data-testid="greeting-save">
              {r.phase === 'saving' ? 'Saving…' : 'Save'}
            </button>
            <a className="greeting-export" href={r.review.exportUrl} download={`focusline-${variant}-greeting-8khz.wav`} data-testid="greeting-export">
              Download WAV for the PBX
            </a>
          </>
        )}
        <button type="button" className="link" disabled={busy && r.phase !== 'recording'} onClick={onClose}>
          Cancel
        </button>
      </div>
      {r.phase === 'processing' && <p className="hint">Preparing the recording…</p>}
      {r.error && (
        <p className="error" role="alert" data-testid="greeting-error">
          {r.error}
        </p>
      )}
    </div>
  );
}
