import { DOMParser, type Element } from '@xmldom/xmldom';
import type { PresenceState } from '../../src-shared/vocabulary.js';

/**
 * PIDF presence documents (RFC 3863) with RPID activities (RFC 4480): what
 * Focusline PUBLISHes about its tech, and how it reads a coworker's NOTIFY.
 * Pure: strings in, values out.
 *
 * RPID has no word for "focused on a ticket" or "ringing", so those travel as
 * `<rp:other>` beside the standard activity any softphone understands:
 * focused is `<rp:busy/>` + other "focused", do not disturb is `<rp:busy/>`
 * + other "do-not-disturb", ringing is other "ringing". Another client's plain
 * `<rp:busy/>` reads as do not disturb.
 *
 * The presence server re-serialises what we publish (prefixes, namespace
 * declarations, whitespace), so a NOTIFY is parsed as namespaced XML, never
 * compared as text. Offline is a `closed` basic status, a document without
 * a tuple, or no document at all (someone who never published, or whose
 * publication expired: ../../../shared/notes/sip-presence.md, gotcha 5).
 */

export const PIDF_CONTENT_TYPE = 'application/pidf+xml';
const PIDF_NS = 'urn:ietf:params:xml:ns:pidf';
const DM_NS = 'urn:ietf:params:xml:ns:pidf:data-model';
const RPID_NS = 'urn:ietf:params:xml:ns:pidf:rpid';
/** A presence document is a few hundred bytes; anything bigger than this (UTF-8) is not one we read. */
export const MAX_PIDF_BYTES = 8 * 1024;
const MAX_NOTE_CHARS = 200;

/** What a coworker's document says. */
export type PresenceReading = { state: PresenceState; note: string };

/** What Focusline publishes about its own tech. */
export type OwnPresence = { state: Exclude<PresenceState, 'unknown'>; note: string };

/**
 * Asterisk's PJSIP extension-state PIDF (res_pjsip_pidf_body_generator) says
 * `closed` for every state but idle, and tells them apart only by the note on
 * the document: "On the phone", "On hold", "Ringing", "Unavailable". Read
 * that way, a service manager on another call is not offline.
 */
const ASTERISK_IN_USE_NOTES: Readonly<Record<string, PresenceState>> = { 'on the phone': 'on-call', 'on hold': 'on-call', ringing: 'ringing' };

const OTHER_WORD: Partial<Record<PresenceState, string>> = { focused: 'focused', dnd: 'do-not-disturb', ringing: 'ringing' };

/**
 * Reads a NOTIFY's body. No body (or only whitespace) is offline; a body
 * that is not a PIDF document Focusline can read is 'unknown', so a PBX
 * speaking another dialect never makes anyone look offline.
 */
export function readPresence(body: string | undefined): PresenceReading {
  if (body === undefined || body.trim() === '') return { state: 'offline', note: '' };
  if (isOversized(body)) return { state: 'unknown', note: '' };
  const root = parseXml(body);
  if (!root || root.namespaceURI !== PIDF_NS || root.localName !== 'presence') return { state: 'unknown', note: '' };
  const tuples = childrenNamed(root, PIDF_NS, 'tuple');
  // The person's note first (it describes the person), then a tuple's, then one on the document itself.
  const note = cleanNote(firstDeep(root, DM_NS, 'note') || firstTextIn(tuples, PIDF_NS, 'note') || firstDeep(root, PIDF_NS, 'note'));
  if (tuples.length === 0) return { state: 'offline', note };
  const basics = tuples.map(basicOf);
  const open = basics.includes('open');
  // A tuple without a basic status (only RPID, say) says nothing about being there: not offline, not available.
  if (!open && basics.some((basic) => basic !== 'closed')) return { state: 'unknown', note };
  if (!open) return { state: ASTERISK_IN_USE_NOTES[note.toLowerCase()] ?? 'offline', note };
  return { state: stateFromActivities(activitiesOf(root)), note };
}

/** Whether a NOTIFY body is over MAX_PIDF_BYTES (such a body reads as 'unknown'). */
export function isOversized(body: string): boolean {
  // Each UTF-16 unit is at most 3 UTF-8 bytes: only measure when it could be over.
  return body.length * 3 > MAX_PIDF_BYTES && new TextEncoder().encode(body).length > MAX_PIDF_BYTES;
}

/** Our own document: one tuple with the basic status and contact, one person with the RPID activity and the note. */
export function pidfDocument(entity: string, own: OwnPresence, tupleId = 'focusline'): string {
  const basic = own.state === 'offline' ? 'closed' : 'open';
  const note = cleanNote(own.note);
  const noteXml = note === '' ? '' : `<note>${escapeXml(note)}</note>`;
  const dmNoteXml = note === '' ? '' : `<dm:note>${escapeXml(note)}</dm:note>`;
  const activities = activitiesXml(own.state);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="${PIDF_NS}" xmlns:dm="${DM_NS}" xmlns:rp="${RPID_NS}" entity="${escapeXml(entity)}">`,
    `<tuple id="t${escapeXml(tupleId)}"><status><basic>${basic}</basic></status><contact>${escapeXml(entity)}</contact>${noteXml}</tuple>`,
    `<dm:person id="p${escapeXml(tupleId)}">${activities}${dmNoteXml}</dm:person>`,
    '</presence>',
    '',
  ].join('\n');
}

function activitiesXml(state: OwnPresence['state']): string {
  const standard = state === 'on-call' ? '<rp:on-the-phone/>' : state === 'focused' || state === 'dnd' ? '<rp:busy/>' : state === 'offline' ? '<rp:away/>' : '';
  const word = OTHER_WORD[state];
  const other = word ? `<rp:other>${word}</rp:other>` : '';
  return standard === '' && other === '' ? '' : `<rp:activities>${standard}${other}</rp:activities>`;
}

type Activities = { names: Set<string>; others: Set<string> };

function stateFromActivities({ names, others }: Activities): PresenceState {
  if (names.has('on-the-phone')) return 'on-call';
  if (others.has('ringing')) return 'ringing';
  if (others.has('focused')) return 'focused';
  if (names.has('busy') || others.has('do-not-disturb')) return 'dnd';
  return 'available';
}

/** Every RPID activity anywhere in the document (a person's, or one a tuple carries). */
function activitiesOf(root: Element): Activities {
  const names = new Set<string>();
  const others = new Set<string>();
  const lists = root.getElementsByTagNameNS(RPID_NS, 'activities');
  for (let i = 0; i < lists.length; i++) {
    for (const activity of elementChildren(lists.item(i))) {
      if (activity.namespaceURI !== RPID_NS) continue;
      if (activity.localName === 'other') others.add((activity.textContent ?? '').trim().toLowerCase());
      else if (activity.localName) names.add(activity.localName);
    }
  }
  return { names, others };
}

function basicOf(tuple: Element): string {
  const status = childrenNamed(tuple, PIDF_NS, 'status')[0];
  const basic = status ? childrenNamed(status, PIDF_NS, 'basic')[0] : undefined;
  return (basic?.textContent ?? '').trim().toLowerCase();
}

function parseXml(body: string): Element | null {
  try {
    const parser = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    });
    return parser.parseFromString(body, 'application/xml').documentElement;
  } catch {
    return null;
  }
}

function elementChildren(parent: Element | null): Element[] {
  const out: Element[] = [];
  if (!parent) return out;
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) out.push(node as Element);
  }
  return out;
}

function childrenNamed(parent: Element, ns: string, name: string): Element[] {
  return elementChildren(parent).filter((e) => e.namespaceURI === ns && e.localName === name);
}

/** The first element of that name anywhere below `parent`, as text. */
function firstDeep(parent: Element, ns: string, name: string): string {
  const found = parent.getElementsByTagNameNS(ns, name);
  return found.length > 0 ? (found.item(0)?.textContent ?? '') : '';
}

function firstTextIn(elements: Element[], ns: string, name: string): string {
  for (const element of elements) {
    const text = childrenNamed(element, ns, name)[0]?.textContent;
    if (text) return text;
  }
  return '';
}

/** One line, no control characters, bounded: a note is shown as it is. */
function cleanNote(note: string): string {
  const flat = note
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > MAX_NOTE_CHARS ? `${flat.slice(0, MAX_NOTE_CHARS - 1)}…` : flat;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
