import { useState } from 'react';
import type { FocuslineApi } from '../../src-main/ipc/contract.js';
import { messageOf } from '../../src-shared/errors.js';
import { chooseHeadset, deviceKey, webHid } from '../media/headset.js';
import { Managed } from './Managed.js';
import { saveSetting, useSettingEntry } from './setting-entry.js';

/**
 * Settings → Audio → Headset: the tech picks the headset whose buttons answer,
 * hang up, mute and hold (and whose LEDs follow the call). Only telephony
 * devices are offered, and only the picked one may be opened afterwards.
 */
export function HeadsetSettings({ api }: { api: FocuslineApi }) {
  const device = useSettingEntry('headset.device', '');
  const buttons = useSettingEntry('headset.buttons', true);
  const [problem, setProblem] = useState('');
  const [name, setName] = useState('');
  const available = webHid() !== null;
  const choose = async () => {
    setProblem('');
    try {
      const picked = await chooseHeadset();
      if (!picked) {
        setProblem('No headset was chosen. Plug in a USB headset (or its Bluetooth dongle) and try again.');
        return;
      }
      setName(picked.productName);
      await saveSetting(api, 'headset.device', deviceKey(picked));
    } catch (error) {
      setProblem(messageOf(error));
    }
  };
  return (
    <div className="card" aria-label="Headset" data-testid="headset-settings">
      <h2>Headset</h2>
      <p className="hint">A USB headset's buttons can answer, hang up, mute and hold calls, and its lights show a ringing, live or muted call.</p>
      {!available && <p className="hint">This window can't reach USB headsets (WebHID). Use the Focusline desktop app, or Chrome or Edge.</p>}
      <p data-testid="headset-chosen">
        {device.value ? `Headset: ${name || device.value}` : 'No headset chosen.'}
        {device.locked && <Managed />}
      </p>
      <div className="row">
        <button className="secondary" disabled={!available || device.locked} onClick={() => void choose()} data-testid="headset-choose">
          {device.value ? 'Choose another headset…' : 'Choose headset…'}
        </button>
        {device.value && !device.locked && (
          <button className="link" onClick={() => void saveSetting(api, 'headset.device', '')} data-testid="headset-forget">
            Stop using it
          </button>
        )}
      </div>
      <label>
        <input
          type="checkbox"
          checked={buttons.value}
          disabled={buttons.locked}
          onChange={(e) => void saveSetting(api, 'headset.buttons', e.target.checked)}
          data-testid="headset-buttons"
        />
        Headset buttons answer, hang up, mute and hold
        {buttons.locked && <Managed />}
      </label>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
