import { describe, expect, it } from 'vitest';
import { toBusinessHours } from '../../../src-main/policy/business-hours.js';
import { flattenSettings, nestSettings } from '../../../src-main/policy/flatten.js';
import { toAccount, toFocusRules } from '../../../src-main/policy/focus-rules.js';
import { checkValue, defaultValues, isSettingKey, policyKeys, settingKeys, settingsRegistry, userKeys } from '../../../src-main/policy/schema.js';

describe('the settings registry', () => {
  it.each(settingKeys)('%s: its default is a valid value and it has a description', (key) => {
    const spec = settingsRegistry[key];
    expect(checkValue(spec, spec.default)).toEqual({ ok: true, value: spec.default });
    expect(spec.description.length).toBeGreaterThan(10);
  });

  it('gives each key the capability the design asks for', () => {
    const by = (c: string) => settingKeys.filter((k) => settingsRegistry[k].capability === c);
    expect(by('user-only')).toEqual([
      'account.sipUri',
      'account.authUser',
      'account.displayName',
      'devices.microphoneId',
      'devices.speakerId',
      'devices.ringDeviceId',
      'psa.connectwise.memberIdentifier',
      'psa.connectwise.publicKey',
      'psa.autotask.resourceId',
      'psa.halopsa.agent',
      'voicemail.name',
      'headset.device',
    ]);
    expect(by('policy-only')).toEqual(['presence.shareTicketSummary', 'links.trusted', 'updates.url', 'updates.channel', 'policy.url', 'policy.pollSeconds']);
    expect(by('lockable')).toContain('account.wsServer');
    expect(policyKeys()).not.toContain('account.sipUri');
    expect(userKeys()).not.toContain('policy.url');
    expect(isSettingKey('focus.action')).toBe(true);
    expect(isSettingKey('toString')).toBe(false);
  });

  it.each([
    ['focus.redirectTarget', 'sip:2000@pbx.example.com', true],
    ['focus.redirectTarget', 'SIPS:2000@pbx.example.com', true],
    ['focus.redirectTarget', '2000', false],
    ['focus.redirectTarget', 'https://pbx', false],
    ['focus.voicemailTarget', 'local', true],
    ['focus.busyCode', 480, true],
    ['focus.busyCode', 404, false],
    ['numbers.defaultRegion', 'de', true],
    ['numbers.defaultRegion', 'XX', false],
    ['hours.timeZone', 'Europe/Berlin', true],
    ['hours.timeZone', 'Europe/Atlantis', false],
    ['hours.weekly', { mon: [{ start: '22:00', end: '06:00' }], sun: [{ start: '00:00', end: '24:00' }] }, true],
    ['hours.weekly', { monday: [{ start: '08:00', end: '17:00' }] }, false],
    ['hours.weekly', { mon: [{ start: '08:00', end: '08:00' }] }, false],
    ['hours.weekly', { mon: [{ start: '8am', end: '17:00' }] }, false],
    ['repeatCallers.threshold', 1, false],
    ['repeatCallers.threshold', 2.5, false],
    ['policy.url', 'https://policy.example.com/focusline.json', true],
    ['policy.url', 'http://policy.example.com/focusline.json', false],
    ['policy.url', 'http://127.0.0.1:8080/p.json', true],
    ['policy.url', 'http://[::1]:8080/p.json', true],
    ['policy.pollSeconds', 10, false],
    ['directory.blocked', ['+1 900 555 0123', 'sip:spam@x.example', '2002'], true],
    ['directory.blocked', ['call me'], false],
    ['directory.coworkers', [{ name: 'Dana' }], false],
    ['account.wsServer', 'http://pbx', false],
    ['numbers.trustedHosts', ['sbc.example.net', 'PBX.example.com:5060', '203.0.113.10', '[2001:db8::1]:5061', '2001:db8::1', 'pbx.example.com.'], true],
    ['numbers.trustedHosts', ['sip:2002@pbx.example.com'], false],
    ['numbers.trustedHosts', ['*.example.com'], false],
    ['numbers.trustedHosts', ['user@pbx.example.com'], false],
    ['numbers.trustedHosts', ['pbx example.com'], false],
    ['numbers.trustedHosts', [''], false],
  ] as const)('%s accepts %j: %s', (key, value, ok) => {
    expect(checkValue(settingsRegistry[key], value).ok).toBe(ok);
  });
});

describe('flattenSettings', () => {
  it('accepts flat dotted keys, nested objects and a mix, keeping object-valued settings whole', () => {
    const weekly = { mon: [{ start: '08:00', end: '17:00' }] };
    const flat = flattenSettings(
      { $schema: './policy.schema.json', 'focus.action': 'busy', focus: { busyCode: 480 }, hours: { weekly }, iceServers: [] },
      'f.json',
    );
    expect(flat).toEqual({ values: { 'focus.action': 'busy', 'focus.busyCode': 480, 'hours.weekly': weekly, iceServers: [] }, problems: [] });
  });

  it('reports unknown keys, and a key given twice', () => {
    const flat = flattenSettings({ focus: { redirect: 'sip:x@y' }, redirectTarget: 'sip:x@y', 'focus.action': 'busy', 'focus ': 1 }, 'f.json');
    expect(flat.problems.map((p) => [p.key, p.message])).toEqual([
      ['focus.redirect', expect.stringContaining('not a Focusline setting')],
      ['redirectTarget', expect.stringContaining('Did you mean focus.redirectTarget?')],
      ['focus ', expect.stringContaining('not a Focusline setting')],
    ]);
    expect(flattenSettings({ 'focus.action': 'a', focus: { action: 'b' } }, 'f').problems[0]?.message).toMatch(/set twice/);
  });

  it('nests flat keys back for writing', () => {
    expect(nestSettings({ 'account.wsServer': 'wss://x', iceServers: [], 'hours.weekly': null })).toEqual({
      account: { wsServer: 'wss://x' },
      iceServers: [],
      hours: { weekly: null },
    });
  });
});

describe('from settings to the focus rules', () => {
  it('maps weekday names to BusinessHours numbers and an empty zone to the computer’s', () => {
    const values = { 'hours.timeZone': '', 'hours.weekly': { sun: [{ start: '10:00', end: '14:00' }], mon: [{ start: '08:00', end: '17:00' }] } };
    expect(toBusinessHours(values, 'Europe/Dublin')).toEqual({
      timeZone: 'Europe/Dublin',
      weekly: { 0: [{ start: '10:00', end: '14:00' }], 1: [{ start: '08:00', end: '17:00' }] },
    });
    expect(toBusinessHours({ ...values, 'hours.timeZone': 'America/Chicago' }, 'Europe/Dublin')?.timeZone).toBe('America/Chicago');
    expect(toBusinessHours({ 'hours.timeZone': '', 'hours.weekly': null })).toBeNull();
  });

  it('builds FocusRules and the account', () => {
    const values = defaultValues();
    expect(toFocusRules(values, 'UTC')).toMatchObject({
      focusAction: 'redirect',
      busyCode: 486,
      hours: null,
      afterHoursAction: 'voicemail',
      repeat: { threshold: 3 },
    });
    expect(toAccount(values)).toBeNull();
    expect(toFocusRules(values, 'UTC')).toMatchObject({ ownDomain: '', trustedHosts: [] });
    const withAccount = { ...values, 'account.sipUri': 'sip:1001@PBX.Example.com:5061', 'numbers.trustedHosts': ['sbc.example.net'] };
    expect(toFocusRules(withAccount, 'UTC')).toMatchObject({ ownDomain: 'pbx.example.com', trustedHosts: ['sbc.example.net'] });
    // The PBX the phone registers with is trusted too: it often sends its own IP or name as the From host.
    const withServer = { ...withAccount, 'account.wsServer': 'wss://10.0.0.5:8089/ws' };
    expect(toFocusRules(withServer, 'UTC')).toMatchObject({ trustedHosts: ['sbc.example.net', '10.0.0.5'] });
    expect(toAccount({ ...values, 'account.wsServer': 'wss://pbx', 'account.sipUri': 'sip:1@pbx' })).toEqual({
      wsServer: 'wss://pbx',
      sipUri: 'sip:1@pbx',
      authUser: '',
      displayName: '',
    });
  });
});
