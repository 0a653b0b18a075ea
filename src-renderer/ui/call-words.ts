import type { AttemptView } from '../../src-main/ipc/contract.js';

/**
 * What became of a call, in the words a tech uses ("Sent to Sam (service
 * manager) while you worked on #1001"), for the follow-up list and History
 * alike. Main's `reason` keeps the rule's full wording for the details.
 */

/** Who a redirect target is, when the directory knows them (e.g. the service manager among the coworkers). */
export type NameOf = (target: string) => string | null;

/** sip:sam@pbx:5060;transport=ws → sam@pbx: enough to compare a target with a directory entry. */
export function addressOf(uri: string): string {
  const m = /^(?:sips?:|tel:)?([^;?>]+)/i.exec(uri.trim().replace(/^<|>$/g, ''));
  return (m?.[1] ?? uri).replace(/:\d+$/, '').toLowerCase();
}

function when(a: Pick<AttemptView, 'rule' | 'ticketId'>): string {
  switch (a.rule) {
    case 'focus':
      return a.ticketId ? ` while you worked on #${a.ticketId}` : ' while you were focused';
    case 'dnd':
      return ' during do not disturb';
    case 'after-hours':
      return ' outside business hours';
    default:
      return '';
  }
}

export function whatHappened(a: Pick<AttemptView, 'action' | 'rule' | 'target' | 'ticketId' | 'missed'>, nameOf: NameOf = () => null): string {
  switch (a.action) {
    case 'redirect': {
      const role = a.rule === 'after-hours' ? 'after-hours line' : 'service manager';
      const name = a.target ? nameOf(a.target) : null;
      return `Sent to ${name ? `${name} (${role})` : `the ${role}`}${when(a)}`;
    }
    case 'voicemail':
      return `Sent to voicemail${when(a)}`;
    case 'reject':
      return a.rule === 'blocked' ? 'Turned away: the number is blocked' : `Given a busy signal${when(a)}`;
    case 'silent':
      return `Shown without ringing${when(a)}`;
    case 'ring':
      return a.missed ? 'Rang, not answered' : 'Rang';
  }
}

/** "3 calls", "1 call". */
export function callsCount(n: number): string {
  return n === 1 ? '1 call' : `${n} calls`;
}
