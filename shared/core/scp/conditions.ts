import type { ContextValue } from './types.js';
import type { BaseOperator, ConditionClause } from './policy.js';
import { matchArnTokens, matchTokens, type PatternToken } from './wildcard.js';

/**
 * Condition operators, context-key lookup and policy variables, per IAM's documented logic:
 * operators in a block are ANDed, keys within an operator ANDed, values for one key ORed — NORed
 * for negated operators; a missing key makes a positive operator false and a negated one true,
 * except `...IfExists` (true) and `Null`; `ForAllValues` is true and `ForAnyValue` false for a
 * missing or empty key.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */

/** Values of a context key (never empty), or `undefined` when the request does not carry it. */
export type ContextLookup = (key: string) => readonly string[] | undefined;

function contextStrings(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (typeof value === 'boolean' || typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) {
    const strings = value.flatMap((v) => contextStrings(v) ?? []);
    return strings.length > 0 ? strings : undefined;
  }
  return undefined;
}

/**
 * A case-insensitive view of a request's condition keys. Booleans become `"true"`/`"false"`;
 * an empty array counts as absent (an empty data set, in IAM's words).
 */
export function createContextLookup(context: Readonly<Record<string, ContextValue>> | undefined): ContextLookup {
  const byLower = new Map<string, string[]>();
  if (typeof context === 'object' && context !== null) {
    for (const [key, value] of Object.entries(context)) {
      const strings = contextStrings(value);
      if (strings !== undefined) byLower.set(key.toLowerCase(), strings);
    }
  }
  return (key) => byLower.get(key.toLowerCase());
}

function literalTokens(text: string, ignoreCase: boolean): PatternToken[] {
  return Array.from(text, (char) => ({ kind: 'literal', char, ignoreCase }) as const);
}

/** Finds the `}` closing a `${` at `start`, skipping quoted defaults; -1 when unterminated. */
function variableEnd(pattern: string, start: number): number {
  let quoted = false;
  for (let j = start + 2; j < pattern.length; j += 1) {
    const char = pattern[j];
    if (quoted) {
      if (char === "'" && pattern[j + 1] === "'") j += 1;
      else if (char === "'") quoted = false;
    } else if (char === "'") quoted = true;
    else if (char === '}') return j;
  }
  return -1;
}

function resolveVariable(body: string, lookup: ContextLookup): string | null {
  if (body === '*' || body === '?' || body === '$') return body;
  const comma = body.indexOf(',');
  const key = (comma < 0 ? body : body.slice(0, comma)).trim();
  const values = key === '' ? undefined : lookup(key);
  if (values !== undefined && values.length === 1) return values[0] ?? null;
  if (comma < 0) return null;
  const fallback = body.slice(comma + 1).trim();
  if (fallback.length < 2 || !fallback.startsWith("'") || !fallback.endsWith("'")) return null;
  return fallback.slice(1, -1).replaceAll("''", "'");
}

/**
 * Tokens of a policy value after policy-variable substitution (`${aws:PrincipalAccount}`,
 * `${key, 'default'}`, the escapes `${*}` `${?}` `${$}`); substituted text is literal.
 * Returns null when a variable cannot be resolved (absent or multivalued key without a default):
 * such a value matches nothing. Placeholders like `${Account}` in published examples resolve to
 * nothing and therefore never match.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 */
export function resolvePattern(
  pattern: string,
  lookup: ContextLookup,
  options: { wildcards: boolean; ignoreCase: boolean; variables?: boolean },
): PatternToken[] | null {
  const tokens: PatternToken[] = [];
  const variables = options.variables ?? true;
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i] ?? '';
    if (variables && char === '$' && pattern[i + 1] === '{') {
      const end = variableEnd(pattern, i);
      if (end >= 0) {
        const value = resolveVariable(pattern.slice(i + 2, end), lookup);
        if (value === null) return null;
        tokens.push(...literalTokens(value, options.ignoreCase));
        i = end + 1;
        continue;
      }
    }
    const code = pattern.codePointAt(i) ?? 0;
    const whole = String.fromCodePoint(code);
    if (options.wildcards && whole === '*') tokens.push({ kind: 'many', colonAllowed: true });
    else if (options.wildcards && whole === '?') tokens.push({ kind: 'one', colonAllowed: true });
    else tokens.push({ kind: 'literal', char: whole, ignoreCase: options.ignoreCase });
    i += whole.length;
  }
  return tokens;
}

/** Operators that are true when the request value matches none of the policy values. */
export const NEGATED_OPERATORS: ReadonlySet<BaseOperator> = new Set<BaseOperator>([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'NumericNotEquals',
  'DateNotEquals',
  'NotIpAddress',
  'ArnNotEquals',
  'ArnNotLike',
]);

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  return NUMBER.test(trimmed) ? Number(trimmed) : null;
}

function parseDate(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? null : ms;
}

interface IpValue {
  v6: boolean;
  value: bigint;
}

function parseIpv4(text: string): bigint | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (match === null) return null;
  let value = 0n;
  for (const part of match.slice(1)) {
    const octet = Number(part);
    if (octet > 255) return null;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string | undefined): string[] => (half === undefined || half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

function parseIp(text: string): IpValue | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { v6: false, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === null ? null : { v6: true, value: v6 };
}

/** Whether an IP address is inside a CIDR block (a bare address means /32 or /128). */
export function ipInCidr(address: string, cidr: string): boolean {
  const ip = parseIp(address.trim().split('/')[0] ?? '');
  const [base = '', prefixText] = cidr.trim().split('/');
  const block = parseIp(base);
  if (ip === null || block === null || ip.v6 !== block.v6) return false;
  const bits = block.v6 ? 128 : 32;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return false;
  const shift = BigInt(bits - prefix);
  return ip.value >> shift === block.value >> shift;
}

type Compare = (request: number, policy: number) => boolean;

const COMPARISONS: Record<string, Compare> = {
  Equals: (a, b) => a === b,
  LessThan: (a, b) => a < b,
  LessThanEquals: (a, b) => a <= b,
  GreaterThan: (a, b) => a > b,
  GreaterThanEquals: (a, b) => a >= b,
};

/** The positive operator whose result a negated operator inverts. */
function positiveOf(base: BaseOperator): BaseOperator {
  switch (base) {
    case 'StringNotEquals':
      return 'StringEquals';
    case 'StringNotEqualsIgnoreCase':
      return 'StringEqualsIgnoreCase';
    case 'StringNotLike':
      return 'StringLike';
    case 'NumericNotEquals':
      return 'NumericEquals';
    case 'DateNotEquals':
      return 'DateEquals';
    case 'NotIpAddress':
      return 'IpAddress';
    case 'ArnNotEquals':
    case 'ArnNotLike':
      return 'ArnLike';
    default:
      return base;
  }
}

/** Builds "does this request value match any of the policy values" for a positive operator. */
function anyValueMatcher(
  base: BaseOperator,
  policyValues: readonly string[],
  lookup: ContextLookup,
  variables: boolean,
): (value: string) => boolean {
  const resolved = (wildcards: boolean, ignoreCase: boolean): PatternToken[][] =>
    policyValues.flatMap((v) => {
      const tokens = resolvePattern(v, lookup, { wildcards, ignoreCase, variables });
      return tokens === null ? [] : [tokens];
    });
  switch (base) {
    case 'StringEquals':
    case 'StringEqualsIgnoreCase':
    case 'StringLike': {
      const patterns = resolved(base === 'StringLike', base === 'StringEqualsIgnoreCase');
      return (value) => patterns.some((tokens) => matchTokens(tokens, value));
    }
    case 'ArnEquals':
    case 'ArnLike': {
      const patterns = resolved(true, false);
      return (value) => patterns.some((tokens) => matchArnTokens(tokens, value));
    }
    case 'Bool': {
      const patterns = resolved(false, true);
      return (value) => patterns.some((tokens) => matchTokens(tokens, value));
    }
    case 'BinaryEquals':
      return (value) => policyValues.includes(value);
    case 'IpAddress':
      return (value) => policyValues.some((cidr) => ipInCidr(value, cidr));
    default: {
      const numeric = base.startsWith('Numeric');
      const compare = COMPARISONS[base.replace(/^(Numeric|Date)/, '')];
      const parse = numeric ? parseNumber : parseDate;
      const limits = policyValues.map(parse).filter((n): n is number => n !== null);
      if (compare === undefined) return () => false;
      return (value) => {
        const n = parse(value);
        return n !== null && limits.some((limit) => compare(n, limit));
      };
    }
  }
}

/**
 * Evaluates one `operator → key → values` clause against the request. Contract: total, never
 * throws; see the module comment for the documented rules it follows.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
export function evaluateCondition(clause: ConditionClause, lookup: ContextLookup, options: { variables?: boolean } = {}): boolean {
  const values = lookup(clause.key);
  if (clause.base === 'Null') {
    const absent = values === undefined;
    return clause.values.some((v) => (v.toLowerCase() === 'true' ? absent : v.toLowerCase() === 'false' ? !absent : false));
  }
  const negated = NEGATED_OPERATORS.has(clause.base);
  if (values === undefined) {
    if (clause.ifExists) return true;
    if (clause.set === 'ForAllValues') return true;
    if (clause.set === 'ForAnyValue') return false;
    return negated;
  }
  const matchesAny = anyValueMatcher(positiveOf(clause.base), clause.values, lookup, options.variables ?? true);
  const single = (value: string): boolean => (negated ? !matchesAny(value) : matchesAny(value));
  if (clause.set === 'ForAnyValue') return values.some(single);
  if (clause.set === 'ForAllValues') return values.every(single);
  return negated ? !values.some(matchesAny) : values.some(matchesAny);
}

/** Whether every clause of a statement's `Condition` holds (an empty condition holds). */
export function evaluateConditions(clauses: readonly ConditionClause[], lookup: ContextLookup, options: { variables?: boolean } = {}): boolean {
  return clauses.every((clause) => evaluateCondition(clause, lookup, options));
}
