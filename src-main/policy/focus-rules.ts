import type { FocusRules } from '../focus/types.js';
import type { Account } from '../ipc/contract.js';
import { parseAddress } from '../numbers/sip-uri.js';
import type { SettingsValues } from './schema.js';
import { toBusinessHours } from './business-hours.js';

/** The rules decide() applies, from the effective settings. */
export function toFocusRules(values: SettingsValues, systemTimeZone?: string): FocusRules {
  return {
    defaultRegion: values['numbers.defaultRegion'],
    trustAssertedIdentity: values['numbers.trustAssertedIdentity'],
    ownDomain: parseAddress(values['account.sipUri'])?.host ?? '',
    // The PBX the phone registers with often sends its own IP or internal name as the From host
    // (Asterisk PJSIP without from_domain, FreeSWITCH), not the account's domain: its callers are ours too.
    trustedHosts: [...values['numbers.trustedHosts'], ...wsServerHost(values['account.wsServer'])],
    focusAction: values['focus.action'],
    redirectTarget: values['focus.redirectTarget'],
    voicemailTarget: values['focus.voicemailTarget'],
    busyCode: values['focus.busyCode'],
    repeat: {
      threshold: values['repeatCallers.threshold'],
      windowMinutes: values['repeatCallers.windowMinutes'],
      breakThrough: values['repeatCallers.breakThrough'],
      breakThroughWindowMinutes: values['repeatCallers.breakThroughWindowMinutes'],
    },
    hours: toBusinessHours(values, systemTimeZone),
    afterHoursAction: values['hours.afterHoursAction'],
    afterHoursTarget: values['hours.afterHoursTarget'],
  };
}

/** The phone's account from the effective settings (policy may lock the server); null until it is set up. */
export function toAccount(values: SettingsValues): Account | null {
  if (!values['account.wsServer'] || !values['account.sipUri']) return null;
  return {
    wsServer: values['account.wsServer'],
    sipUri: values['account.sipUri'],
    authUser: values['account.authUser'],
    displayName: values['account.displayName'],
  };
}

/** The host of the PBX's WebSocket address (wss://pbx.example.com:8089/ws → pbx.example.com), if it has one. */
function wsServerHost(wsServer: string): string[] {
  try {
    const host = new URL(wsServer).hostname;
    return host ? [host] : [];
  } catch {
    return [];
  }
}
