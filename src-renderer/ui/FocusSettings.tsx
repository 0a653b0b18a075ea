import { Clock3, Repeat, Star, Ticket, Users } from 'lucide-react';
import { useState } from 'react';
import type { FocuslineApi } from '../../src-main/ipc/contract.js';
import { useAppStore } from '../state/app-store.js';
import { Managed } from './Managed.js';
import { useTrackSave } from './SaveStatus.js';
import { usePolicyValue } from './use-policy-value.js';
import { entryWords, hoursWords, type DirectoryEntry, type WeeklyHours } from './reach-words.js';

/** policy's focus.voicemailTarget: 'local' is Focusline's own voicemail, '' none, anything else the PBX's voicemail address. */
type Choice = 'focusline' | 'pbx' | 'none';
const choiceOf = (target: string): Choice => (target === 'local' ? 'focusline' : target === '' ? 'none' : 'pbx');

/** Where held-back calls go when the focus action is voicemail: a choice, never a magic word typed into a field. */
export function VoicemailChoice({ api }: { api: FocuslineApi }) {
  const entry = useAppStore((s) => s.policy.entries.find((e) => e.key === 'focus.voicemailTarget'));
  const track = useTrackSave();
  const target = usePolicyValue('focus.voicemailTarget', '');
  const locked = entry?.locked === true;
  const [pick, setPick] = useState<Choice | null>(null);
  const [pbxDraft, setPbxDraft] = useState<string | null>(null);
  const choice = locked ? choiceOf(target) : (pick ?? choiceOf(target));
  const pbxAddress = pbxDraft ?? (choiceOf(target) === 'pbx' ? target : '');
  const save = (value: string) => {
    if (value === target) return;
    void track(api.invoke('settings.setValue', { key: 'focus.voicemailTarget', value })).catch(() => undefined);
  };
  const choose = (next: Choice) => {
    setPick(next);
    if (next === 'focusline') save('local');
    if (next === 'none') save('');
    if (next === 'pbx' && pbxAddress.trim()) save(pbxAddress.trim());
  };
  return (
    <fieldset className="card choice" disabled={locked} data-testid="voicemail-choice" data-choice={choice}>
      <legend>
        <h2>Voicemail for held-back calls</h2>
      </legend>
      <label className="radio">
        <input type="radio" name="voicemail" checked={choice === 'focusline'} onChange={() => choose('focusline')} data-testid="voicemail-choice-focusline" />
        Focusline’s voicemail: callers hear your greeting below, and messages come to the Voicemail tab
      </label>
      <label className="radio">
        <input type="radio" name="voicemail" checked={choice === 'pbx'} onChange={() => choose('pbx')} data-testid="voicemail-choice-pbx" />
        The phone system’s voicemail
      </label>
      {choice === 'pbx' && (
        <label className="indent">
          Its SIP address
          <input
            value={pbxAddress}
            placeholder="sip:*97@pbx.example.com"
            onChange={(e) => setPbxDraft(e.target.value)}
            onBlur={(e) => e.target.value.trim() && save(e.target.value.trim())}
            data-testid="voicemail-choice-pbx-address"
          />
        </label>
      )}
      <label className="radio">
        <input type="radio" name="voicemail" checked={choice === 'none'} onChange={() => choose('none')} data-testid="voicemail-choice-none" />
        None: held-back calls show without ringing instead
      </label>
      {locked && <Managed />}
    </fieldset>
  );
}

const ACTION_WORDS: Record<string, string> = {
  redirect: 'are sent to the service manager',
  voicemail: 'go to voicemail',
  busy: 'get a busy signal',
  silent: 'show here without ringing',
};

const AFTER_HOURS_WORDS: Record<string, string> = { ...ACTION_WORDS, redirect: 'are sent to the after-hours line' };

/** Who rings through Focus and do-not-disturb, in words: the ticket's contact, coworkers, VIPs, repeat callers, and the hours. */
export function WhoCanReach() {
  const focus = useAppStore((s) => s.focus);
  const coworkers = usePolicyValue<DirectoryEntry[]>('directory.coworkers', []);
  const vips = usePolicyValue<DirectoryEntry[]>('directory.vips', []);
  const psaCoworkers = usePolicyValue('psa.coworkersFromPsa', false);
  const breakThrough = usePolicyValue('repeatCallers.breakThrough', false);
  const threshold = usePolicyValue('repeatCallers.threshold', 3);
  const windowMinutes = usePolicyValue('repeatCallers.windowMinutes', 15);
  const weekly = usePolicyValue<WeeklyHours>('hours.weekly', null);
  const timeZone = usePolicyValue('hours.timeZone', '');
  const afterHours = usePolicyValue('hours.afterHoursAction', 'ring');
  const action = usePolicyValue('focus.action', 'redirect');
  const hours = hoursWords(weekly);
  return (
    <div className="card reach" aria-labelledby="reach-heading" data-testid="who-can-reach">
      <h2 id="reach-heading">Who can reach you while focused</h2>
      <ul className="reach-list">
        <li>
          <Ticket size={18} aria-hidden="true" />
          <div>
            <strong>The contact on the ticket you work on</strong>
            <span className="hint">
              {focus.ticket
                ? `Now: ${focus.ticket.contactName || 'no contact'} on #${focus.ticket.id}${focus.ticket.company ? ` (${focus.ticket.company})` : ''}`
                : 'Start work on a ticket to let its contact through.'}
            </span>
          </div>
        </li>
        <li data-testid="reach-coworkers">
          <Users size={18} aria-hidden="true" />
          <div>
            <strong>Coworkers</strong>
            <span className="hint">
              {coworkers.length > 0 ? coworkers.map(entryWords).join(', ') : 'None listed.'}
              {psaCoworkers && ' Also everyone in your PSA.'}
            </span>
          </div>
        </li>
        <li data-testid="reach-vips">
          <Star size={18} aria-hidden="true" />
          <div>
            <strong>VIPs</strong>
            <span className="hint">{vips.length > 0 ? vips.map(entryWords).join(', ') : 'None listed.'}</span>
          </div>
        </li>
        {breakThrough && (
          <li>
            <Repeat size={18} aria-hidden="true" />
            <div>
              <strong>Someone who keeps calling</strong>
              <span className="hint">
                After {threshold} calls within {windowMinutes} min, their next call rings.
              </span>
            </div>
          </li>
        )}
        <li data-testid="reach-hours">
          <Clock3 size={18} aria-hidden="true" />
          <div>
            <strong>Business hours</strong>
            <span className="hint">
              {hours
                ? `${hours}${timeZone ? ` (${timeZone})` : ''}. Outside them, calls ${afterHours === 'ring' ? 'ring as usual' : (AFTER_HOURS_WORDS[afterHours] ?? 'are held back')}.`
                : 'None set: hours never hold a call back.'}
            </span>
          </div>
        </li>
      </ul>
      <p className="hint">Everyone else {ACTION_WORDS[action] ?? 'is held back'} and shows under “To follow up”.</p>
    </div>
  );
}
