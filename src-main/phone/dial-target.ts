/**
 * What the tech typed or clicked, turned into a SIP URI on their PBX.
 * Numbers keep only the characters a PBX dials; links (sip:, tel:, callto:)
 * are taken apart so a pasted or clicked number dials the same way.
 */
export type DialTarget = { ok: true; uri: string; display: string } | { ok: false; message: string };

const DIALABLE = /^[+]?[0-9*#]+$/;
const SIP_USER = /^[A-Za-z0-9][A-Za-z0-9._~-]*$/;

export function toDialTarget(input: string, accountDomain: string): DialTarget {
  const raw = input.trim();
  if (raw === '') return { ok: false, message: 'Enter a number or a SIP address to call.' };
  const scheme = /^(sips?|tel|callto):(\/\/)?/i.exec(raw);
  const rest = scheme ? raw.slice(scheme[0].length) : raw;
  const isSip = scheme?.[1]?.toLowerCase().startsWith('sip') === true;
  if (isSip || (!scheme && rest.includes('@'))) {
    const uri = `${isSip ? scheme![1]!.toLowerCase() : 'sip'}:${rest}`;
    if (!/^sips?:[^@\s]+@[^\s@]+$/.test(uri)) return { ok: false, message: `"${raw}" is not a valid SIP address.` };
    return { ok: true, uri, display: rest };
  }
  const plain = rest.split(/[;?]/)[0]!;
  const number = plain.replace(/[\s().\-/]/g, '');
  if (DIALABLE.test(number)) return { ok: true, uri: `sip:${number}@${accountDomain}`, display: number };
  // PBX users and queues are often named, not numbered: "reception", "tech2".
  if (!scheme && SIP_USER.test(plain)) return { ok: true, uri: `sip:${plain}@${accountDomain}`, display: plain };
  return { ok: false, message: `"${raw}" is not a number or SIP address Focusline can dial.` };
}

export function domainOf(sipUri: string): string {
  const at = sipUri.lastIndexOf('@');
  return (at >= 0 ? sipUri.slice(at + 1) : sipUri).split(/[;?>]/)[0]!;
}
