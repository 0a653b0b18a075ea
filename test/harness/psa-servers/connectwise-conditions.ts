// ConnectWise's `conditions` / `childConditions` query syntax, as far as
// psa-apis.md §1 documents it ("Conditions syntax: field="string", field=123,
// field like "%x%", AND/OR, [date]; childConditions for communicationItems"),
// parsed strictly so the contract server rejects anything else: single
// quotes, unknown operators, unknown fields, a string compared with a number
// field, SQL-Server wildcards (`[`) left unescaped in a like pattern.
import { ContractViolation } from '../psa-contract-server.js';

export type FieldType = 'string' | 'number' | 'boolean' | 'date';
/** The fields an endpoint lets you filter on, with their types. */
export type FieldTypes = Record<string, FieldType>;

type Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'date'; value: number };
type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'not like';
export type Condition = { kind: 'compare'; field: string; op: Operator; value: Literal } | { kind: 'and' | 'or'; left: Condition; right: Condition };

type Token = { kind: 'word' | 'string' | 'number' | 'date' | 'op' | '(' | ')'; text: string };

function violation(message: string): ContractViolation {
  return new ContractViolation(message, 400, { code: 'InvalidObject', message, errors: [{ code: 'InvalidConditions', message }] });
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '"') {
      let text = '';
      i += 1;
      for (;;) {
        const d = source[i];
        if (d === undefined) throw violation(`unterminated string in conditions: ${source}`);
        if (d === '\\') {
          const next = source[i + 1];
          if (next !== '"' && next !== '\\') throw violation(`unknown escape \\${next ?? ''} in conditions`);
          text += next;
          i += 2;
        } else if (d === '"') {
          i += 1;
          break;
        } else {
          text += d;
          i += 1;
        }
      }
      tokens.push({ kind: 'string', text });
    } else if (c === "'") {
      throw violation(`conditions use double quotes for strings (psa-apis.md §1); got single quotes in: ${source}`);
    } else if (c === '[') {
      const end = source.indexOf(']', i);
      if (end === -1) throw violation(`unterminated [date] in conditions`);
      tokens.push({ kind: 'date', text: source.slice(i + 1, end) });
      i = end + 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c, text: c });
      i += 1;
    } else if (/[<>=!]/.test(c)) {
      const two = source.slice(i, i + 2);
      const op = ['<=', '>=', '!='].includes(two) ? two : c;
      if (op === '!') throw violation(`unknown operator ! in conditions`);
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    } else if (/[-0-9]/.test(c)) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(source.slice(i));
      if (!match) throw violation(`bad number in conditions at: ${source.slice(i)}`);
      tokens.push({ kind: 'number', text: match[0] });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*/.exec(source.slice(i));
      const text = match?.[0] ?? c;
      tokens.push({ kind: 'word', text });
      i += text.length;
    } else {
      throw violation(`unexpected character ${JSON.stringify(c)} in conditions: ${source}`);
    }
  }
  return tokens;
}

class Parser {
  private position = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly fields: FieldTypes,
    private readonly source: string,
  ) {}

  parse(): Condition {
    const condition = this.or();
    if (this.position < this.tokens.length) throw violation(`unexpected "${this.tokens[this.position]?.text ?? ''}" in conditions: ${this.source}`);
    return condition;
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.position];
    return t?.kind === 'word' && t.text.toLowerCase() === word;
  }

  private or(): Condition {
    let left = this.and();
    while (this.peekWord('or')) {
      this.position += 1;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Condition {
    let left = this.term();
    while (this.peekWord('and')) {
      this.position += 1;
      left = { kind: 'and', left, right: this.term() };
    }
    return left;
  }

  private term(): Condition {
    const t = this.tokens[this.position];
    if (t?.kind === '(') {
      this.position += 1;
      const inner = this.or();
      if (this.tokens[this.position]?.kind !== ')') throw violation(`missing ) in conditions: ${this.source}`);
      this.position += 1;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const field = this.tokens[this.position];
    if (field?.kind !== 'word') throw violation(`expected a field name in conditions: ${this.source}`);
    const type = this.fields[field.text];
    if (type === undefined) throw violation(`${field.text} is not a field you can filter on here (allowed: ${Object.keys(this.fields).join(', ')})`);
    this.position += 1;
    const op = this.operator();
    const value = this.literal();
    if (op === 'like' || op === 'not like') {
      if (value.type !== 'string' || type !== 'string') throw violation(`like needs a string field and a "pattern": ${field.text}`);
      if (value.value.includes('[')) throw violation(`like pattern for ${field.text} contains "[" (a SQL Server wildcard); escape it`);
    } else if (value.type !== 'null' && value.type !== type) {
      throw violation(`${field.text} is a ${type}; compared with a ${value.type} (${this.source})`);
    }
    return { kind: 'compare', field: field.text, op, value };
  }

  private operator(): Operator {
    const t = this.tokens[this.position];
    if (t?.kind === 'op') {
      this.position += 1;
      return t.text as Operator;
    }
    if (this.peekWord('like')) {
      this.position += 1;
      return 'like';
    }
    if (this.peekWord('not') && this.tokens[this.position + 1]?.text.toLowerCase() === 'like') {
      this.position += 2;
      return 'not like';
    }
    throw violation(`expected an operator (=, !=, <, <=, >, >=, like) in conditions: ${this.source}`);
  }

  private literal(): Literal {
    const t = this.tokens[this.position];
    this.position += 1;
    if (t?.kind === 'string') return { type: 'string', value: t.text };
    if (t?.kind === 'number') return { type: 'number', value: Number(t.text) };
    if (t?.kind === 'date') {
      const value = Date.parse(t.text);
      if (Number.isNaN(value)) throw violation(`bad [date] ${t.text}`);
      return { type: 'date', value };
    }
    if (t?.kind === 'word' && /^(true|false)$/i.test(t.text)) return { type: 'boolean', value: t.text.toLowerCase() === 'true' };
    if (t?.kind === 'word' && /^null$/i.test(t.text)) return { type: 'null' };
    throw violation(`expected a value ("text", 123, true/false, null or [date]) in conditions: ${this.source}`);
  }
}

export function parseConditions(source: string, fields: FieldTypes): Condition {
  if (source.trim() === '') throw violation('empty conditions');
  return new Parser(tokenize(source), fields, source).parse();
}

/** The fields a condition names. */
export function fieldsOf(condition: Condition): string[] {
  return condition.kind === 'compare' ? [condition.field] : [...fieldsOf(condition.left), ...fieldsOf(condition.right)];
}

export function resolvePath(record: unknown, path: string): unknown {
  let value: unknown = record;
  for (const part of path.split('/')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function likeRegex(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'is');
}

/** Evaluates like SQL Server with CW's default collation: string comparisons ignore case. */
export function matches(condition: Condition, record: unknown): boolean {
  if (condition.kind !== 'compare') {
    return condition.kind === 'and'
      ? matches(condition.left, record) && matches(condition.right, record)
      : matches(condition.left, record) || matches(condition.right, record);
  }
  const actual = resolvePath(record, condition.field);
  const { op, value } = condition;
  if (value.type === 'null') return op === '=' ? actual == null : op === '!=' ? actual != null : false;
  if (actual == null) return false;
  if (op === 'like' || op === 'not like') {
    const hit = value.type === 'string' && likeRegex(value.value).test(String(actual));
    return op === 'like' ? hit : !hit;
  }
  const left = value.type === 'date' ? Date.parse(String(actual)) : typeof actual === 'string' ? actual.toLowerCase() : actual;
  const right = value.type === 'string' ? value.value.toLowerCase() : value.value;
  switch (op) {
    case '=':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return (left as number) < (right as number);
    case '<=':
      return (left as number) <= (right as number);
    case '>':
      return (left as number) > (right as number);
    case '>=':
      return (left as number) >= (right as number);
    default:
      return false;
  }
}
