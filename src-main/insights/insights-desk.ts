import type { Clock } from '../../src-shared/time/clock.js';
import type { CallLog } from '../calls/call-log.js';
import type { FocusPeriods } from '../focus/focus-periods.js';
import type { CommandHandlers } from '../ipc/router.js';
import { isTrustedHost, trustedHostSet } from '../numbers/caller-host.js';
import { parseAddress } from '../numbers/sip-uri.js';
import type { SettingsValues } from '../policy/schema.js';
import type { VoicemailStore } from '../voicemail/voicemail-store.js';
import { dayCount, dayKey, isDayKey, isTimeZone, nextDay, startOfDay } from './calendar-days.js';
import { computeInsights, type KnownCaller } from './insights.js';

export type InsightsDeskPorts = {
  clock: Clock;
  settings: () => Pick<SettingsValues, 'insights.visible' | 'account.sipUri' | 'numbers.trustedHosts' | 'voicemail.retentionDays'>;
  callLog: Pick<CallLog, 'factsInRange'>;
  /** The running period is among them (endedAt null): its row is written when focus starts. */
  focusPeriods: Pick<FocusPeriods, 'between' | 'recordingSince'>;
  voicemails: Pick<VoicemailStore, 'between'>;
  /** The caller as the PSA's index or the built-in tickets know them. */
  whoIs: (number: string) => KnownCaller | null;
};

type Handlers = Pick<CommandHandlers, 'insights.get'>;

/** The longest range one query may ask for: a year, so a typo can't make main read the whole log. */
export const MAX_INSIGHT_DAYS = 366;
const DAY_MS = 24 * 3_600_000;
const RETURNS_AFTER_RANGE_MS = 7 * DAY_MS;

/**
 * The insights room's desk: reads the range from the call log, the focus
 * periods and the voicemail store, and hands it to the pure aggregation
 * (insights.ts). Read-only; policy's `insights.visible: false` turns the
 * query off as well as the tab.
 */
export function createInsightsDesk(ports: InsightsDeskPorts) {
  const handlers: Handlers = {
    'insights.get': ({ from, to, timeZone }) => {
      if (!ports.settings()['insights.visible']) throw new Error('Insights are turned off by your organization (policy insights.visible).');
      if (!isDayKey(from) || !isDayKey(to)) throw new Error('The date range must be two days like 2026-03-08.');
      if (to < from) throw new Error(`The range ends (${to}) before it starts (${from}); pick the start day first.`);
      if (dayCount(from, to) > MAX_INSIGHT_DAYS) throw new Error(`Pick at most ${MAX_INSIGHT_DAYS} days; ${from} to ${to} is ${dayCount(from, to)}.`);
      if (!isTimeZone(timeZone)) throw new Error(`"${timeZone}" isn't a time zone this computer knows; check the system's time zone.`);
      const fromMs = startOfDay(from, timeZone);
      const toMs = startOfDay(nextDay(to), timeZone);
      const now = ports.clock.now().getTime();
      const spans = ports.focusPeriods.between(fromMs, toMs);
      const values = ports.settings();
      const trusted = trustedHostSet({ ownDomain: parseAddress(values['account.sipUri'])?.host ?? '', trustedHosts: values['numbers.trustedHosts'] });
      // Handled voicemails older than the retention are gone: count whole days since then, and say so.
      const cutoff = now - values['voicemail.retentionDays'] * DAY_MS;
      const countedFrom = cutoff > fromMs ? nextDay(dayKey(cutoff, timeZone)) : null;
      const voicemailsFrom = countedFrom === null ? fromMs : startOfDay(countedFrom, timeZone);
      return computeInsights({
        range: { from, to, timeZone },
        now,
        // A week past the range too: a call on its last day may be returned after it.
        attempts: ports.callLog.factsInRange(fromMs, toMs + RETURNS_AFTER_RANGE_MS),
        focus: spans,
        focusRecordedSince: ports.focusPeriods.recordingSince(),
        voicemails: voicemailsFrom < toMs ? ports.voicemails.between(voicemailsFrom, toMs) : [],
        voicemailRetention: { countedFrom, retentionDays: values['voicemail.retentionDays'] },
        whoIs: ports.whoIs,
        hostTrusted: (callerUri) => isTrustedHost(parseAddress(callerUri)?.host ?? null, 'from', trusted),
      });
    },
  };
  return { handlers };
}
