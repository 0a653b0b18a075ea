import { describe, expect, it } from 'vitest';
import { resolveEffective } from '../../../src-main/policy/effective.js';
import { defaultValues, type SettingsValues } from '../../../src-main/policy/schema.js';
import { greetingScript, greetingVariantFor, GREETING_VARIANTS } from '../../../src-main/voicemail/greeting-template.js';

const PROCEDURE =
  'Hello. You have reached the voice mail for Dana Reyes. Please leave me a detailed message and I will return your call as soon as possible. If this is an urgent issue, please call +1 312 555 0100 for the Service Manager.';

function values(overrides: Partial<SettingsValues> = {}): SettingsValues {
  return { ...defaultValues(), 'account.displayName': 'Dana Reyes', 'voicemail.serviceManagerNumber': '+1 312 555 0100', ...overrides };
}

describe('greetingScript', () => {
  it("fills the procedure's standard greeting exactly", () => {
    expect(greetingScript('standard', values())).toEqual({ variant: 'standard', template: 'standard', text: PROCEDURE, problems: [] });
  });

  it('says voicemail.name in preference to the display name', () => {
    expect(greetingScript('standard', values({ 'voicemail.name': 'Dana' })).text).toContain('the voice mail for Dana. Please');
  });

  it('has a default for every variant that fills without problems and keeps the urgent-call sentence', () => {
    for (const variant of GREETING_VARIANTS) {
      const script = greetingScript(variant, values());
      expect(script.problems, variant).toEqual([]);
      expect(script.template).toBe(variant);
      expect(script.text).toContain('Dana Reyes');
      expect(script.text).toContain('please call +1 312 555 0100 for the Service Manager.');
      expect(script.text).not.toMatch(/[{}]/);
    }
    expect(greetingScript('focused', values()).text).toContain("I'm working on a ticket");
    expect(greetingScript('after-hours', values()).text).toContain('next business day');
  });

  it('uses the standard template for a variant whose template is empty', () => {
    const script = greetingScript('away', values({ 'voicemail.greetingTemplateAway': '' }));
    expect(script).toMatchObject({ variant: 'away', template: 'standard', text: PROCEDURE });
  });

  it('leaves out the urgent-call sentence when no service manager number is set, and says why', () => {
    const script = greetingScript('standard', values({ 'voicemail.serviceManagerNumber': '' }));
    expect(script.text).toBe(
      'Hello. You have reached the voice mail for Dana Reyes. Please leave me a detailed message and I will return your call as soon as possible.',
    );
    expect(script.problems).toEqual([
      { kind: 'missing-value', placeholder: '{serviceManagerNumber}', message: expect.stringContaining('voicemail.serviceManagerNumber') },
    ]);
    expect(script.problems[0]?.message).toContain('If this is an urgent issue, please call {serviceManagerNumber} for the Service Manager.');
  });

  it('leaves out the name sentence when the tech has no name set', () => {
    const script = greetingScript('standard', values({ 'account.displayName': '' }));
    expect(script.text).toMatch(/^Hello\. Please leave me a detailed message/);
    expect(script.problems.map((p) => p.placeholder)).toEqual(['{name}']);
    expect(script.problems[0]?.message).toContain('voicemail.name');
  });

  it('keeps a one-sentence template and only blanks the missing value', () => {
    const script = greetingScript(
      'standard',
      values({ 'voicemail.greetingTemplate': 'You reached {name} , call {serviceManagerNumber} if urgent', 'voicemail.serviceManagerNumber': '' }),
    );
    expect(script.text).toBe('You reached Dana Reyes, call if urgent');
    expect(script.problems[0]?.message).toContain('{serviceManagerNumber} was left blank');
  });

  it('leaves unknown placeholders visible, reports each once, and accepts other spellings of known ones', () => {
    const template = 'Hi, this is { Name }. Call {SERVICEMANAGERNUMBER}. Ask for {nmae} or {nmae}; {pager}.';
    const script = greetingScript('standard', values({ 'voicemail.greetingTemplate': template }));
    expect(script.text).toBe('Hi, this is Dana Reyes. Call +1 312 555 0100. Ask for {nmae} or {nmae}; {pager}.');
    expect(script.problems.map((p) => [p.kind, p.placeholder])).toEqual([
      ['unknown-placeholder', '{nmae}'],
      ['unknown-placeholder', '{pager}'],
    ]);
  });

  it('fills the ticket placeholders, warning that the summary is read to every caller', () => {
    const template = "I'm on ticket {ticketId}. It is about {ticketSummary}. Leave a message.";
    const ticket = { id: '1042', summary: 'Acme: printer down' };
    const focused = greetingScript('focused', values({ 'voicemail.greetingTemplateFocused': template }), { ticket });
    expect(focused.text).toBe("I'm on ticket 1042. It is about Acme: printer down. Leave a message.");
    expect(focused.problems.map((p) => p.kind)).toEqual(['discloses-ticket']);
    const noTicket = greetingScript('focused', values({ 'voicemail.greetingTemplateFocused': template }));
    expect(noTicket.text).toBe('Leave a message.');
    expect(noTicket.problems.map((p) => p.placeholder)).toEqual(['{ticketId}', '{ticketSummary}']);
  });

  it('does not expand placeholders that arrive inside a value', () => {
    expect(greetingScript('standard', values({ 'voicemail.name': '{serviceManagerNumber}' })).text).toContain('voice mail for {serviceManagerNumber}.');
  });
});

describe('the greeting template under policy', () => {
  it("an enforced template wins over the tech's own, a recommended one does not", () => {
    const managed = 'Hello. This is {name} at Example IT. For urgent help call {serviceManagerNumber}.';
    const mine = 'Hi, {name} here.';
    const user = {
      origin: 'settings.json',
      values: { 'voicemail.greetingTemplate': mine, 'account.displayName': 'Dana', 'voicemail.serviceManagerNumber': '2000' },
    };
    const locked = resolveEffective({
      enforced: [{ origin: 'policy.json', values: { 'voicemail.greetingTemplate': managed, 'voicemail.serviceManagerNumber': '+1 312 555 0100' } }],
      user,
    });
    expect(locked.provenance['voicemail.greetingTemplate'].source).toBe('enforced');
    expect(greetingScript('standard', locked.values).text).toBe('Hello. This is Dana at Example IT. For urgent help call +1 312 555 0100.');

    const recommended = resolveEffective({ recommended: [{ origin: 'policy.json', values: { 'voicemail.greetingTemplate': managed } }], user });
    expect(greetingScript('standard', recommended.values).text).toBe('Hi, Dana here.');
  });

  it('refuses an empty standard template and a number with braces (the default stays)', () => {
    const effective = resolveEffective({
      enforced: [{ origin: 'policy.json', values: { 'voicemail.greetingTemplate': '  ', 'voicemail.serviceManagerNumber': '{name}' } }],
    });
    expect(effective.problems.map((p) => p.key).sort()).toEqual(['voicemail.greetingTemplate', 'voicemail.serviceManagerNumber']);
    expect(effective.values['voicemail.greetingTemplate']).toBe(defaultValues()['voicemail.greetingTemplate']);
  });
});

describe('greetingVariantFor', () => {
  it.each([
    [{ rule: 'after-hours', focus: 'ticket' }, 'after-hours'],
    [{ focus: 'off', afterHours: true }, 'after-hours'],
    [{ rule: 'focus', focus: 'ticket' }, 'focused'],
    [{ rule: 'dnd', focus: 'dnd' }, 'away'],
    [{ rule: 'ring', focus: 'ticket' }, 'focused'],
    [{ focus: 'dnd' }, 'away'],
    [{ rule: 'ring', focus: 'off' }, 'standard'],
    [{ focus: 'off' }, 'standard'],
  ] as const)('%j → %s', (context, variant) => {
    expect(greetingVariantFor(context)).toBe(variant);
  });
});
