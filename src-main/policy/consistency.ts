import type { EffectiveSettings } from './effective.js';
import type { PolicyProblem } from './problems.js';
import type { SettingKey } from './schema.js';

const NEEDS_TARGET: [action: SettingKey, target: SettingKey][] = [
  ['focus.action', 'focus.redirectTarget'],
  ['hours.afterHoursAction', 'hours.afterHoursTarget'],
];

/**
 * Settings that are each valid but don't work together: a redirect with
 * nowhere to redirect to. Only when someone chose the redirect (not the
 * default), so a fresh install isn't greeted by a warning.
 */
export function consistencyProblems(effective: Pick<EffectiveSettings, 'values' | 'provenance'>): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const [action, target] of NEEDS_TARGET) {
    const provenance = effective.provenance[action];
    if (effective.values[action] !== 'redirect' || provenance.source === 'default' || effective.values[target] !== '') continue;
    problems.push({
      origin: provenance.origin ?? provenance.source,
      key: action,
      message: `is "redirect", but ${target} is empty, so there is nowhere to redirect to: set ${target} to a SIP URI.`,
    });
  }
  return problems;
}
