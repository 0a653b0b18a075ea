import type { PolicyView } from '../ipc/contract.js';
import { settingKeys, settingsRegistry } from './schema.js';
import type { EffectiveSettings } from './effective.js';

/**
 * What the Policy view shows: every setting, its value as JSON text, where it
 * came from, and whether it is locked. TURN credentials are masked: the view
 * is for reading, and a screenshot of it shouldn't leak them.
 */
export function toPolicyView(effective: EffectiveSettings): PolicyView {
  return {
    entries: settingKeys.map((key) => ({
      key,
      description: settingsRegistry[key].description,
      value: JSON.stringify(key === 'iceServers' ? maskCredentials(effective.values.iceServers) : effective.values[key]),
      source: effective.provenance[key].source,
      origin: effective.provenance[key].origin ?? '',
      locked: effective.provenance[key].source === 'enforced',
    })),
    problems: effective.problems.map((p) => ({ ...p })),
  };
}

function maskCredentials(servers: EffectiveSettings['values']['iceServers']): unknown {
  return servers.map((s) => (s.credential === undefined ? s : { ...s, credential: '••••••' }));
}
