import { describe, expect, it } from 'vitest';
import { pidfDocument, readPresence, type OwnPresence } from '../../../src-main/phone/presence-document.js';

const ENTITY = 'sip:tech1@127.0.0.1';
const PIDF = 'xmlns="urn:ietf:params:xml:ns:pidf"';
const DM = 'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"';
const RP = 'xmlns:rp="urn:ietf:params:xml:ns:pidf:rpid"';

const doc = (inner: string, ns = `${PIDF} ${DM} ${RP}`) => `<?xml version="1.0" encoding="UTF-8"?>\n<presence ${ns} entity="${ENTITY}">${inner}</presence>`;
const tuple = (basic: string, note = '') => `<tuple id="t1"><status><basic>${basic}</basic></status>${note ? `<note>${note}</note>` : ''}</tuple>`;
const person = (activities: string, note = '') =>
  `<dm:person id="p1">${activities ? `<rp:activities>${activities}</rp:activities>` : ''}${note ? `<dm:note>${note}</dm:note>` : ''}</dm:person>`;

describe('readPresence: what a NOTIFY says about a coworker', () => {
  it.each<[string, string | undefined, string, string]>([
    ['no body (never published, or the publication expired)', undefined, 'offline', ''],
    ['an empty body', '', 'offline', ''],
    ['a body of whitespace', ' \r\n ', 'offline', ''],
    ['a document without a tuple', doc(person('<rp:busy/>')), 'offline', ''],
    ['basic closed', doc(tuple('closed') + person('<rp:away/>')), 'offline', ''],
    ['basic open, no activities', doc(tuple('open')), 'available', ''],
    ['open + on-the-phone', doc(tuple('open') + person('<rp:on-the-phone/>')), 'on-call', ''],
    [
      'open + busy + other "focused", with the note',
      doc(tuple('open') + person('<rp:busy/><rp:other>focused</rp:other>', 'Focused on a ticket: calls go to the service manager')),
      'focused',
      'Focused on a ticket: calls go to the service manager',
    ],
    [
      'open + busy alone (another softphone) is do not disturb',
      doc(tuple('open') + person('<rp:busy/>', 'Do not disturb until 14:00')),
      'dnd',
      'Do not disturb until 14:00',
    ],
    ['open + other "ringing"', doc(tuple('open') + person('<rp:other>ringing</rp:other>')), 'ringing', ''],
    ['on-the-phone beats busy', doc(tuple('open') + person('<rp:busy/><rp:on-the-phone/>')), 'on-call', ''],
    ['open + away (RPID) is still there', doc(tuple('open') + person('<rp:away/>')), 'available', ''],
    ['one open tuple among closed ones', doc(tuple('closed') + tuple('open')), 'available', ''],
    ['the note from the tuple when the person has none', doc(tuple('open', 'Back at 3')), 'available', 'Back at 3'],
    [
      'as Kamailio re-serialises it: other prefixes, declarations on the root',
      `<?xml version='1.0' encoding='UTF-8'?><p:presence xmlns:p="urn:ietf:params:xml:ns:pidf" xmlns:x="urn:ietf:params:xml:ns:pidf:rpid" xmlns:d="urn:ietf:params:xml:ns:pidf:data-model" entity="${ENTITY}">
  <p:tuple id="a"><p:status><p:basic>open</p:basic></p:status></p:tuple>
  <d:person id="b"><x:activities><x:busy/><x:other>focused</x:other></x:activities><d:note>Focused</d:note></d:person>
</p:presence>`,
      'focused',
      'Focused',
    ],
    ...(['On the phone', 'On hold', 'Ringing', 'Unavailable', 'Ready'] as const).map((asteriskNote): [string, string, string, string] => [
      `Asterisk's extension-state PIDF: ${asteriskNote}`,
      `<?xml version="1.0" encoding="UTF-8"?>\n<presence entity="sip:2001@pbx.example.com" xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"><note>${asteriskNote}</note><tuple id="2001"><status><basic>${asteriskNote === 'Ready' ? 'open' : 'closed'}</basic></status><contact priority="1">sip:2001@pbx.example.com</contact></tuple></presence>`,
      { 'On the phone': 'on-call', 'On hold': 'on-call', Ringing: 'ringing', Unavailable: 'offline', Ready: 'available' }[asteriskNote],
      asteriskNote,
    ]),
    [
      'an activity in another namespace is not RPID',
      doc(tuple('open') + '<dm:person id="p"><rp:activities><z:busy xmlns:z="urn:example"/></rp:activities></dm:person>'),
      'available',
      '',
    ],
  ])('%s', (_name, body, state, note) => {
    expect(readPresence(body)).toEqual({ state, note });
  });

  it.each<[string, string]>([
    ['not XML', 'open'],
    ['broken XML', doc(tuple('open')).replace('</presence>', '')],
    ['another kind of document', '<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"/>'],
    ['a presence element outside the PIDF namespace', '<presence entity="sip:a@b"><tuple id="t"><status><basic>closed</basic></status></tuple></presence>'],
    ['an entity Focusline will not expand', `<?xml version="1.0"?><!DOCTYPE presence [<!ENTITY x "open">]>${doc(tuple('&x;'))}`],
    ['a document far bigger than any presence', doc(tuple('open', 'x'.repeat(70_000)))],
    ['a document over 8 KB', doc(tuple('open', 'x'.repeat(8_200)))],
    ['a document over 8 KB in UTF-8 though under 8 K characters', doc(tuple('open', '€'.repeat(3_000)))],
    ['a tuple with a status but no basic', doc('<tuple id="t1"><status></status></tuple>' + person('<rp:away/>'))],
    ['a closed tuple beside one without a basic', doc(tuple('closed') + '<tuple id="t2"><status/></tuple>')],
  ])('is unknown, never offline, when it cannot be read: %s', (_name, body) => {
    expect(readPresence(body).state).toBe('unknown');
  });

  it('reads a document of just under 8 KB', () => {
    const body = doc(tuple('open', 'x'.repeat(7_000)));
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(8 * 1024);
    expect(readPresence(body).state).toBe('available');
  });

  it('keeps a note to one bounded line without control characters', () => {
    const { note } = readPresence(doc(tuple('open') + person('', `Line one\r\n\tline\u0007 two ${'y'.repeat(300)}`)));
    expect(note.startsWith('Line one line two yyy')).toBe(true);
    expect(note.length).toBe(200);
    expect(note.endsWith('…')).toBe(true);
  });
});

describe('pidfDocument: what Focusline publishes', () => {
  it('is the PIDF + RPID shape the presence server was verified with', () => {
    const body = pidfDocument(ENTITY, { state: 'focused', note: 'Focused on a ticket: calls go to the service manager' });
    expect(body).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<presence ${PIDF} ${DM} ${RP} entity="${ENTITY}">`,
        `<tuple id="tfocusline"><status><basic>open</basic></status><contact>${ENTITY}</contact><note>Focused on a ticket: calls go to the service manager</note></tuple>`,
        '<dm:person id="pfocusline"><rp:activities><rp:busy/><rp:other>focused</rp:other></rp:activities><dm:note>Focused on a ticket: calls go to the service manager</dm:note></dm:person>',
        '</presence>',
        '',
      ].join('\n'),
    );
  });

  it.each<[OwnPresence, string, string]>([
    [{ state: 'available', note: '' }, '<basic>open</basic>', '<dm:person id="pfocusline"></dm:person>'],
    [{ state: 'on-call', note: 'On a call' }, '<basic>open</basic>', '<rp:activities><rp:on-the-phone/></rp:activities>'],
    [{ state: 'ringing', note: '' }, '<basic>open</basic>', '<rp:activities><rp:other>ringing</rp:other></rp:activities>'],
    [
      { state: 'dnd', note: 'Do not disturb until 14:00' },
      '<basic>open</basic>',
      '<rp:activities><rp:busy/><rp:other>do-not-disturb</rp:other></rp:activities>',
    ],
    [{ state: 'offline', note: '' }, '<basic>closed</basic>', '<rp:activities><rp:away/></rp:activities>'],
  ])('publishes $state with the standard activity other softphones read', (own, basic, activities) => {
    const body = pidfDocument(ENTITY, own);
    expect(body).toContain(basic);
    expect(body).toContain(activities);
  });

  it.each<OwnPresence>([
    { state: 'available', note: '' },
    { state: 'on-call', note: 'On a call' },
    { state: 'ringing', note: 'A call is ringing' },
    { state: 'focused', note: 'Focused on #1042 Acme: printer down: calls go to the service manager' },
    { state: 'dnd', note: 'Do not disturb until 14:00' },
    { state: 'offline', note: '' },
  ])('reads back as what it published: $state', (own) => {
    expect(readPresence(pidfDocument(ENTITY, own))).toEqual(own);
  });

  it('escapes what a note or an address carries, so the document stays one valid document', () => {
    const own: OwnPresence = { state: 'focused', note: 'Focused on #7 <b>&"Co\'s"</b>: calls go to voicemail' };
    const body = pidfDocument('sip:o"brien@example.com', own);
    expect(body).toContain('&lt;b&gt;&amp;&quot;Co&apos;s&quot;&lt;/b&gt;');
    expect(body).toContain('entity="sip:o&quot;brien@example.com"');
    expect(readPresence(body)).toEqual(own);
  });
});
