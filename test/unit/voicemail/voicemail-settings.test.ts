import { describe, expect, it } from 'vitest';
import { checkValue, settingsRegistry, type SettingKey } from '../../../src-main/policy/schema.js';
import { fromText } from '../../../src-main/policy/sources/native-values.js';
import { scheduleMinutes } from '../../../src-main/voicemail/reminders.js';

describe('the voicemail and reminder settings', () => {
  it.each([
    ['reminders.schedule', 'odd-hours', true],
    ['reminders.schedule', 'off', true],
    ['reminders.schedule', '9:30, 13:00,16:30', true],
    ['reminders.schedule', 'hourly', false],
    ['reminders.schedule', '09:00, 25:00', false],
    ['reminders.schedule', '09:00,', false],
    ['reminders.schedule', ['09:00'], false],
    ['voicemail.serviceManagerNumber', '', true],
    ['voicemail.serviceManagerNumber', '+1 312 555 0100', true],
    ['voicemail.serviceManagerNumber', 'extension 2000', true],
    ['voicemail.serviceManagerNumber', 'the front desk', false],
    ['voicemail.serviceManagerNumber', '{name} 2000', false],
    ['voicemail.accessNumber', '*97', true],
    ['voicemail.accessNumber', 'star 97', false],
    ['voicemail.greetingTemplate', '', false],
    ['voicemail.greetingTemplate', 'x'.repeat(1001), false],
    ['voicemail.greetingTemplateAway', '', true],
    ['voicemail.maxGreetingSeconds', 4, false],
    ['voicemail.maxGreetingSeconds', 120, true],
    ['voicemail.maxMessageSeconds', 601, false],
    ['voicemail.silenceSeconds', 2.5, false],
    ['voicemail.retentionDays', 0, false],
    ['voicemail.retentionCount', 9, false],
    ['voicemail.subscribeMwi', 'yes', false],
  ] as const)('%s accepts %j: %s', (key, value, ok) => {
    expect(checkValue(settingsRegistry[key as SettingKey], value).ok).toBe(ok);
  });

  it("the procedure's greeting is the default, and voicemail.name is the tech's own", () => {
    expect(settingsRegistry['voicemail.greetingTemplate'].default).toBe(
      'Hello. You have reached the voice mail for {name}. Please leave me a detailed message and I will return your call as soon as possible. If this is an urgent issue, please call {serviceManagerNumber} for the Service Manager.',
    );
    expect(settingsRegistry['voicemail.name'].capability).toBe('user-only');
    expect(settingsRegistry['reminders.schedule'].capability).toBe('lockable');
  });

  it('every schedule the setting accepts, the scheduler can read', () => {
    for (const text of ['odd-hours', 'off', '9:30, 13:00,16:30', '00:00', '23:59 ,  0:01']) {
      expect(checkValue(settingsRegistry['reminders.schedule'], text).ok).toBe(true);
      expect(() => scheduleMinutes(text)).not.toThrow();
    }
  });

  it('the Windows registry and plists can hold a schedule as plain text', () => {
    expect(fromText('reminders.schedule', '09:00, 13:00')).toEqual({ ok: true, value: '09:00, 13:00' });
  });
});
