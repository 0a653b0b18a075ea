import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { changedKeys, resolveEffective, resolveWith, type EffectiveInput } from '../../../src-main/policy/effective.js';
import { settingKeys, type SettingsRegistry } from '../../../src-main/policy/schema.js';
import type { PolicyOrigin } from '../../../src-main/policy/sources/policy-source.js';

const origin = (name: string, values: Record<string, unknown>, unreadable = false): PolicyOrigin => ({
  origin: name,
  values,
  ...(unreadable ? { unreadable } : {}),
});

const ENFORCED = origin('/etc/focusline/policies/managed/10-focus.json', { 'focus.action': 'busy' });
const USER = origin('/home/jane/.config/Focusline/settings.json', { 'focus.action': 'voicemail' });
const RECOMMENDED = origin('/etc/focusline/policies/recommended/10-focus.json', { 'focus.action': 'silent' });

describe('precedence: enforced policy > user > recommended policy > default', () => {
  const cases: [layers: string, input: EffectiveInput, value: string, source: string, from?: string][] = [
    ['nothing set', {}, 'redirect', 'default'],
    ['recommended only', { recommended: [RECOMMENDED] }, 'silent', 'recommended', RECOMMENDED.origin],
    ['user only', { user: USER }, 'voicemail', 'user', USER.origin],
    ['enforced only', { enforced: [ENFORCED] }, 'busy', 'enforced', ENFORCED.origin],
    ['user over recommended', { user: USER, recommended: [RECOMMENDED] }, 'voicemail', 'user', USER.origin],
    ['enforced over user', { enforced: [ENFORCED], user: USER }, 'busy', 'enforced', ENFORCED.origin],
    ['enforced over recommended', { enforced: [ENFORCED], recommended: [RECOMMENDED] }, 'busy', 'enforced', ENFORCED.origin],
    ['enforced over both', { enforced: [ENFORCED], user: USER, recommended: [RECOMMENDED] }, 'busy', 'enforced', ENFORCED.origin],
  ];
  it.each(cases)('%s', (_name, input, value, source, from) => {
    const effective = resolveEffective(input);
    expect(effective.values['focus.action']).toBe(value);
    expect(effective.provenance['focus.action']).toEqual(from ? { source, origin: from } : { source });
    expect(effective.problems).toEqual([]);
  });

  it('records where every key came from, and fills the rest with defaults', () => {
    const effective = resolveEffective({ enforced: [ENFORCED], user: USER, recommended: [origin('r', { 'numbers.defaultRegion': 'gb' })] });
    expect(Object.keys(effective.provenance).sort()).toEqual([...settingKeys].sort());
    expect(Object.keys(effective.values).sort()).toEqual([...settingKeys].sort());
    expect(effective.provenance['numbers.defaultRegion']).toEqual({ source: 'recommended', origin: 'r' });
    expect(effective.values['numbers.defaultRegion']).toBe('GB');
    expect(effective.provenance['hours.weekly']).toEqual({ source: 'default' });
    expect(effective.values['hours.weekly']).toBeNull();
  });

  it('gives each resolve its own copy of a default, so a caller mutating one cannot change the next', () => {
    resolveEffective({}).values['directory.coworkers'].push({ name: 'x', extensions: ['1'] });
    expect(resolveEffective({}).values['directory.coworkers']).toEqual([]);
  });
});

describe('what each layer may set', () => {
  it("ignores a policy value for the technician's own setting, with a problem", () => {
    const effective = resolveEffective({
      enforced: [origin('m.json', { 'devices.microphoneId': 'usb-headset' })],
      recommended: [origin('r.json', { 'account.sipUri': 'sip:1@x.example' })],
    });
    expect(effective.values['devices.microphoneId']).toBe('default');
    expect(effective.values['account.sipUri']).toBe('');
    expect(effective.problems).toEqual([
      { origin: 'm.json', key: 'devices.microphoneId', message: expect.stringContaining("technician's own setting") },
      { origin: 'r.json', key: 'account.sipUri', message: expect.stringContaining("technician's own setting") },
    ]);
  });

  it('refuses a policy-only key from the user layer', () => {
    const effective = resolveEffective({ user: origin('settings.json', { 'policy.url': 'https://evil.example/p.json' }) });
    expect(effective.values['policy.url']).toBe('');
    expect(effective.problems).toEqual([{ origin: 'settings.json', key: 'policy.url', message: expect.stringContaining("organization's policy") }]);
  });

  it('never lets the tech publish ticket details in presence themself: presence.shareTicketSummary is policy only', () => {
    const fromUser = resolveEffective({ user: origin('settings.json', { 'presence.shareTicketSummary': true }) });
    expect(fromUser.values['presence.shareTicketSummary']).toBe(false);
    expect(fromUser.problems).toEqual([
      { origin: 'settings.json', key: 'presence.shareTicketSummary', message: expect.stringContaining("organization's policy") },
    ]);
    const fromPolicy = resolveEffective({ enforced: [origin('m.json', { 'presence.shareTicketSummary': true })] });
    expect(fromPolicy.values['presence.shareTicketSummary']).toBe(true);
  });

  it('accepts a recommended value for policy-only and lockable keys', () => {
    const effective = resolveEffective({ recommended: [origin('r.json', { 'policy.url': 'https://policy.example.com/p.json', 'focus.busyCode': 480 })] });
    expect(effective.values['policy.url']).toBe('https://policy.example.com/p.json');
    expect(effective.values['focus.busyCode']).toBe(480);
    expect(effective.problems).toEqual([]);
  });

  it('treats an enforced value for a recommend-only key as recommended, with a problem', () => {
    const registry = {
      'ui.theme': { schema: z.enum(['light', 'dark']), default: 'light', description: '', capability: 'recommendable' },
    } as const satisfies SettingsRegistry;
    const effective = resolveWith(registry, { enforced: [origin('m.json', { 'ui.theme': 'dark' })] });
    expect(effective.values['ui.theme']).toBe('dark');
    expect(effective.provenance['ui.theme']).toEqual({ source: 'recommended', origin: 'm.json' });
    expect(effective.problems[0]).toMatchObject({ origin: 'm.json', key: 'ui.theme', message: expect.stringContaining('only be recommended') });
    const withUser = resolveWith(registry, { enforced: [origin('m.json', { 'ui.theme': 'dark' })], user: origin('u', { 'ui.theme': 'light' }) });
    expect(withUser.provenance['ui.theme'].source).toBe('user');
  });
});

describe('validation, key by key', () => {
  it('rejects a bad value alone, naming the file and key, and applies the others', () => {
    const file = '/etc/focusline/policies/managed/20-hours.json';
    const effective = resolveEffective({
      enforced: [origin(file, { 'hours.timeZone': 'Mars/Olympus', 'hours.afterHoursAction': 'busy', 'repeatCallers.threshold': 1 })],
    });
    expect(effective.values['hours.afterHoursAction']).toBe('busy');
    expect(effective.values['hours.timeZone']).toBe('');
    expect(effective.values['repeatCallers.threshold']).toBe(3);
    expect(effective.problems).toEqual([
      { origin: file, key: 'hours.timeZone', message: expect.stringMatching(/IANA time zone.*ignored/) },
      { origin: file, key: 'repeatCallers.threshold', message: expect.stringMatching(/>=2|at least|too small/i) },
    ]);
  });

  it('names the place inside a list that is wrong', () => {
    const effective = resolveEffective({
      enforced: [
        origin('m.json', {
          'directory.vips': [
            { name: 'A', numbers: ['+1 555 0100'] },
            { name: 'B', sipUris: ['bob@x'] },
          ],
        }),
      ],
    });
    expect(effective.problems[0]?.message).toMatch(/^\[1\]\.sipUris\[0\]: must be a SIP URI/);
  });

  it('reports an unknown key with a suggestion', () => {
    const effective = resolveEffective({ enforced: [origin('m.json', { 'focus.redirecttarget': 'sip:2000@pbx.example.com' })] });
    expect(effective.problems).toEqual([
      { origin: 'm.json', key: 'focus.redirecttarget', message: expect.stringContaining('Did you mean focus.redirectTarget?') },
    ]);
  });
});

describe('two sources at one level', () => {
  it('lets the later one win and names both', () => {
    const effective = resolveEffective({
      enforced: [origin('managed/10-a.json', { 'focus.busyCode': 486 }), origin('managed/20-b.json', { 'focus.busyCode': 480 })],
    });
    expect(effective.values['focus.busyCode']).toBe(480);
    expect(effective.provenance['focus.busyCode']).toEqual({ source: 'enforced', origin: 'managed/20-b.json' });
    expect(effective.problems).toEqual([
      {
        origin: 'managed/20-b.json',
        key: 'focus.busyCode',
        message: expect.stringMatching(/managed\/10-a\.json, managed\/20-b\.json.*value from managed\/20-b\.json applies/),
      },
    ]);
  });

  it('is not a conflict across levels', () => {
    expect(resolveEffective({ enforced: [ENFORCED], recommended: [RECOMMENDED] }).problems).toEqual([]);
  });
});

describe('last known good', () => {
  const file = '/etc/focusline/policies/managed/10-focus.json';
  const good = () => resolveEffective({ enforced: [origin(file, { 'focus.action': 'busy', 'focus.redirectTarget': 'sip:2000@pbx.example.com' })] });

  it('keeps a broken file’s last good values in effect and shows the problem', () => {
    const broken = resolveEffective({ enforced: [origin(file, {}, true)], lastGood: good().lastGood });
    expect(broken.values['focus.action']).toBe('busy');
    expect(broken.values['focus.redirectTarget']).toBe('sip:2000@pbx.example.com');
    expect(broken.provenance['focus.action']).toEqual({ source: 'enforced', origin: file });
    expect(broken.problems).toEqual([{ origin: file, message: expect.stringContaining('Keeping the 2 setting(s)') }]);
    // And again on the next read, still broken.
    const still = resolveEffective({ enforced: [origin(file, {}, true)], lastGood: broken.lastGood });
    expect(still.values['focus.action']).toBe('busy');
  });

  it('keeps the last good value of a key that became invalid', () => {
    const next = resolveEffective({
      enforced: [origin(file, { 'focus.action': 'bounce', 'focus.redirectTarget': 'sip:2001@pbx.example.com' })],
      lastGood: good().lastGood,
    });
    expect(next.values['focus.action']).toBe('busy');
    expect(next.values['focus.redirectTarget']).toBe('sip:2001@pbx.example.com');
    expect(next.problems).toEqual([{ origin: file, key: 'focus.action', message: expect.stringContaining('Keeping the last good value, "busy"') }]);
  });

  it('drops a key the manager removed, and a file that is gone', () => {
    const removed = resolveEffective({ enforced: [origin(file, { 'focus.action': 'busy' })], lastGood: good().lastGood });
    expect(removed.values['focus.redirectTarget']).toBe('');
    const gone = resolveEffective({ enforced: [], lastGood: good().lastGood });
    expect(gone.values['focus.action']).toBe('redirect');
    expect(gone.problems).toEqual([]);
  });

  it('has nothing to keep for a file that was never good', () => {
    const effective = resolveEffective({ enforced: [origin(file, {}, true)] });
    expect(effective.values['focus.action']).toBe('redirect');
    expect(effective.problems).toEqual([]);
  });

  it('does not carry one level’s memory to the other', () => {
    const recommendedBroken = resolveEffective({ recommended: [origin(file, {}, true)], lastGood: good().lastGood });
    expect(recommendedBroken.values['focus.action']).toBe('redirect');
  });
});

describe('changedKeys', () => {
  it('lists keys whose value or provenance changed', () => {
    const a = resolveEffective({ user: origin('u', { 'focus.action': 'busy' }) });
    const b = resolveEffective({ enforced: [origin('m', { 'focus.action': 'busy' })], user: origin('u', { 'focus.busyCode': 480 }) });
    expect(changedKeys(a, b).sort()).toEqual(['focus.action', 'focus.busyCode']);
  });
});
