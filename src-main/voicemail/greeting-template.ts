import type { GreetingVariant } from '../../src-shared/vocabulary.js';
import type { DecisionRule, FocusState } from '../focus/types.js';
import type { SettingKey, SettingsValues } from '../policy/schema.js';

/**
 * The greeting script a technician records: the policy's template with the
 * tech's details filled in. Pure; the renderer shows the result and the
 * voicemail picks which recording to play with greetingVariantFor.
 *
 * Placeholders (case and inner spaces don't matter: {Name}, { name }):
 * - {name}: voicemail.name, else account.displayName;
 * - {serviceManagerNumber}: voicemail.serviceManagerNumber;
 * - {ticketId}, {ticketSummary}: the ticket the tech is focused on.
 *
 * A sentence whose placeholder has no value is left out rather than read
 * with a hole in it ("please call  for the Service Manager"), and the
 * problems say which setting would fill it. An unknown placeholder (a typo
 * such as {nmae}) stays visible in the script, so the tech notices it before
 * recording, and is reported.
 */
export { GREETING_VARIANTS, type GreetingVariant } from '../../src-shared/vocabulary.js';

/** The setting that holds each variant's template. */
export const GREETING_TEMPLATE_KEY = {
  standard: 'voicemail.greetingTemplate',
  focused: 'voicemail.greetingTemplateFocused',
  'after-hours': 'voicemail.greetingTemplateAfterHours',
  away: 'voicemail.greetingTemplateAway',
} as const satisfies Record<GreetingVariant, SettingKey>;

export type GreetingValues = Pick<
  SettingsValues,
  (typeof GREETING_TEMPLATE_KEY)[GreetingVariant] | 'voicemail.serviceManagerNumber' | 'voicemail.name' | 'account.displayName'
>;

export type GreetingExtra = { ticket?: { id: string; summary: string } };

export type GreetingProblem = {
  kind: 'unknown-placeholder' | 'missing-value' | 'discloses-ticket';
  /** The placeholder as the template wrote it, e.g. "{nmae}". */
  placeholder: string;
  message: string;
};

export type GreetingScript = {
  variant: GreetingVariant;
  /** Whose template was used: a variant with an empty template uses the standard one. */
  template: GreetingVariant;
  text: string;
  problems: GreetingProblem[];
};

type Known = 'name' | 'servicemanagernumber' | 'ticketid' | 'ticketsummary';
/** Each placeholder's value, by its lower-case name; '' = no value. */
export type PlaceholderValues = Record<Known, string>;

const PLACEHOLDER = /\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}/g;

export function greetingScript(variant: GreetingVariant, values: GreetingValues, extra: GreetingExtra = {}): GreetingScript {
  const own = values[GREETING_TEMPLATE_KEY[variant]].trim();
  const template: GreetingVariant = own === '' ? 'standard' : variant;
  const text = own === '' ? values[GREETING_TEMPLATE_KEY.standard] : own;
  const filled = fillTemplate(text, placeholderValues(values, extra));
  return { variant, template, text: filled.text, problems: filled.problems };
}

export function placeholderValues(values: GreetingValues, extra: GreetingExtra = {}): PlaceholderValues {
  return {
    name: values['voicemail.name'].trim() || values['account.displayName'].trim(),
    servicemanagernumber: values['voicemail.serviceManagerNumber'].trim(),
    ticketid: extra.ticket?.id.trim() ?? '',
    ticketsummary: extra.ticket?.summary.trim() ?? '',
  };
}

/** What a manager or tech can do about each empty placeholder. */
const MISSING: Record<Known, string> = {
  name: 'No name to say: set "Name in the greeting" (voicemail.name) or your display name (account.displayName).',
  servicemanagernumber:
    'No Service Manager number is set (voicemail.serviceManagerNumber), so urgent callers are not told whom to call. Ask your service manager to set it.',
  ticketid: 'No ticket is active, so there is no ticket number to say.',
  ticketsummary: 'No ticket is active, so there is no ticket summary to say.',
};

export type Filled = { text: string; problems: GreetingProblem[] };

/** Fills a template; exported for the policy view's preview of a template being edited. */
export function fillTemplate(template: string, values: PlaceholderValues): Filled {
  const problems: GreetingProblem[] = [];
  const sentences = splitSentences(template);
  const kept = sentences.filter((sentence) => missingIn(sentence.text, values).length === 0);
  // A template that is one sentence (or all holes) would vanish: keep it and just close the gaps.
  const usable = kept.length > 0 ? kept : sentences;
  for (const sentence of sentences) {
    for (const missing of missingIn(sentence.text, values)) {
      const fate = usable.includes(sentence) ? `${missing.written} was left blank.` : `So this sentence was left out: "${sentence.text.trim()}"`;
      problems.push({ kind: 'missing-value', placeholder: missing.written, message: `${MISSING[missing.known]} ${fate}` });
    }
  }
  const text = usable
    .map((s) => s.text + s.gap)
    .join('')
    .trim();
  return { text: substitute(text, values, problems), problems };
}

type Sentence = { text: string; gap: string };

/** Sentences end at . ! or ? followed by white space; the white space is kept so the script reads as written. */
function splitSentences(text: string): Sentence[] {
  const parts = text.split(/(?<=[.!?])(\s+)/);
  const sentences: Sentence[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const body = parts[i] ?? '';
    if (body !== '') sentences.push({ text: body, gap: parts[i + 1] ?? '' });
  }
  return sentences;
}

/** The placeholders in a sentence that have no value, as written ("{Name}") and by name. */
function missingIn(sentence: string, values: PlaceholderValues): { written: string; known: Known }[] {
  return [...sentence.matchAll(PLACEHOLDER)].flatMap((m) => {
    const known = knownName(m[0]);
    return known !== undefined && values[known] === '' ? [{ written: m[0], known }] : [];
  });
}

function substitute(text: string, values: PlaceholderValues, problems: GreetingProblem[]): string {
  const reported = new Set<string>();
  const result = text.replace(PLACEHOLDER, (whole) => {
    const known = knownName(whole);
    if (known === undefined) {
      if (!reported.has(whole)) {
        reported.add(whole);
        problems.push({
          kind: 'unknown-placeholder',
          placeholder: whole,
          message: `${whole} is not a placeholder Focusline knows, so it stays in the script as written. Use {name}, {serviceManagerNumber}, {ticketId} or {ticketSummary}.`,
        });
      }
      return whole;
    }
    if (known === 'ticketsummary' && values.ticketsummary !== '' && !reported.has('summary')) {
      reported.add('summary');
      problems.push({
        kind: 'discloses-ticket',
        placeholder: whole,
        message:
          "The greeting reads the ticket's summary to every caller, which can tell one customer about another's problem. Use {ticketId} instead, or no ticket at all.",
      });
    }
    return values[known];
  });
  return result.replace(/[ \t]{2,}/g, ' ').replace(/ +([.,!?])/g, '$1');
}

function knownName(placeholder: string): Known | undefined {
  const name = placeholder.replace(/[{}\s]/g, '').toLowerCase();
  return name === 'name' || name === 'servicemanagernumber' || name === 'ticketid' || name === 'ticketsummary' ? name : undefined;
}

/** Why the call went to voicemail, as far as the greeting cares. */
export type GreetingContext = {
  /** The focus decision's rule for this call, when the decision sent it to voicemail. */
  rule?: DecisionRule;
  /** The focus mode when the call came in. */
  focus: FocusState['mode'];
  /** Outside business hours, when the caller knows it (e.g. a call that rang out after hours). */
  afterHours?: boolean;
};

/**
 * Which greeting a call hears. The decision's own reason comes first, in
 * decide()'s precedence (after hours before focus); a call that reached
 * voicemail for another reason (it rang and nobody answered) hears what the
 * tech's state says: focused on a ticket, do not disturb ("away"), or the
 * standard greeting.
 */
export function greetingVariantFor(context: GreetingContext): GreetingVariant {
  if (context.rule === 'after-hours' || context.afterHours === true) return 'after-hours';
  if (context.rule === 'focus') return 'focused';
  if (context.rule === 'dnd') return 'away';
  if (context.focus === 'ticket') return 'focused';
  if (context.focus === 'dnd') return 'away';
  return 'standard';
}
