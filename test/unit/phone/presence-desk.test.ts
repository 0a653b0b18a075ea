import { describe, expect, it } from 'vitest';
import { watchList } from '../../../src-main/phone/presence-desk.js';
import { defaultValues, type SettingsValues } from '../../../src-main/policy/schema.js';

const settings = (patch: Partial<SettingsValues>): SettingsValues => ({
  ...defaultValues(),
  'account.sipUri': 'sip:tech1@pbx.example.com',
  'focus.redirectTarget': 'sip:manager@pbx.example.com',
  ...patch,
});

describe('watchList: whose presence Focusline follows', () => {
  it('the service manager first, then each coworker by SIP address, or by extension at our own domain', () => {
    const list = watchList(
      settings({
        'directory.coworkers': [
          { name: 'Dana Desk', extensions: ['2002'], sipUris: ['sips:Dana@PBX.example.com:5061;transport=tls'] },
          { name: 'Sam Okafor', extensions: ['2003'] },
          { name: 'Numbers only', numbers: ['+1 312 555 0100'] },
        ],
      }),
    );
    expect(list).toEqual([
      { uri: 'sip:manager@pbx.example.com', key: 'sip:manager@pbx.example.com', name: 'Service manager', role: 'service-manager' },
      { uri: 'sips:Dana@PBX.example.com:5061;transport=tls', key: 'sip:dana@pbx.example.com', name: 'Dana Desk', role: 'coworker' },
      { uri: 'sip:2003@pbx.example.com', key: 'sip:2003@pbx.example.com', name: 'Sam Okafor', role: 'coworker' },
    ]);
  });

  it('subscribes at the address as configured (the presence server may match it case-sensitively); the folded form is only the key', () => {
    const list = watchList(
      settings({
        'account.sipUri': 'sip:tech1@PBX.example.com:5080',
        'focus.redirectTarget': 'Morgan <sip:Manager@PBX.example.com:5080;transport=ws>',
        'directory.coworkers': [{ name: 'Sam Okafor', extensions: ['2003'] }],
      }),
    );
    expect(list).toEqual([
      { uri: 'sip:Manager@PBX.example.com:5080;transport=ws', key: 'sip:manager@pbx.example.com', name: 'Service manager', role: 'service-manager' },
      { uri: expect.stringMatching(/^sip:2003@pbx\.example\.com:5080$/i), key: 'sip:2003@pbx.example.com', name: 'Sam Okafor', role: 'coworker' },
    ]);
  });

  it('never the tech themself, and the manager once, by name when the directory lists them', () => {
    const list = watchList(
      settings({
        'directory.coworkers': [
          { name: 'Me', sipUris: ['sip:tech1@pbx.example.com'] },
          { name: 'Morgan (service manager)', sipUris: ['sip:manager@pbx.example.com'] },
        ],
      }),
    );
    expect(list).toEqual([
      { uri: 'sip:manager@pbx.example.com', key: 'sip:manager@pbx.example.com', name: 'Morgan (service manager)', role: 'service-manager' },
    ]);
  });

  it('nobody without a redirect target or coworkers; no extension guesses before the account is set up', () => {
    expect(watchList(settings({ 'focus.redirectTarget': '' }))).toEqual([]);
    expect(watchList(settings({ 'account.sipUri': '', 'focus.redirectTarget': '', 'directory.coworkers': [{ name: 'Sam', extensions: ['2003'] }] }))).toEqual(
      [],
    );
  });

  it('at most 100 people', () => {
    const coworkers = Array.from({ length: 150 }, (_, i) => ({ name: `Tech ${i}`, extensions: [String(3000 + i)] }));
    expect(watchList(settings({ 'directory.coworkers': coworkers }))).toHaveLength(100);
  });
});
