/**
 * A small, dependency-free matcher for the Amazon EventBridge event-pattern operators this project
 * uses, so that tests can prove the capture pattern (read back from the packaged CloudFormation
 * template) selects exactly the events it should. It is not a full EventBridge implementation:
 * unsupported operators throw {@link EventPatternError} instead of silently matching.
 *
 * Supported: exact values (string, number, boolean, null), `prefix`, `suffix`, `equals-ignore-case`,
 * `anything-but` (a value, a list of values, `{ prefix }` or `{ suffix }`), `exists`, nested objects,
 * and arrays in events (a leaf matches when any array element matches).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 */
import { CrisAuditorError } from './errors.js';

/** A pattern is invalid, or uses an operator this matcher does not implement; the message says which. */
export class EventPatternError extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventPatternError';
  }
}

/** An EventBridge event pattern: nested objects whose leaves are arrays of matchers. */
export interface EventPattern {
  [field: string]: EventPattern | readonly unknown[];
}

type Scalar = string | number | boolean | null;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/**
 * Tells whether `event` matches `pattern` under EventBridge semantics: every field named in the
 * pattern must be satisfied (AND); within a field's array, any matcher may satisfy it (OR); when the
 * event's value is an array, the field matches if any element matches.
 * @throws EventPatternError when the pattern is malformed or uses an unsupported operator.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isPlainObject(pattern)) throw new EventPatternError('an event pattern must be a JSON object');
  return matchObject(pattern, event, '');
}

function matchObject(pattern: Record<string, unknown>, event: unknown, path: string): boolean {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new EventPatternError(`pattern object at "${path || '<root>'}" is empty`);
  for (const key of keys) {
    const fieldPath = path ? `${path}.${key}` : key;
    if (key.startsWith('$')) throw new EventPatternError(`operator "${key}" at "${fieldPath}" is not supported`);
    const rule = pattern[key];
    const value = isPlainObject(event) ? event[key] : undefined;
    if (Array.isArray(rule)) {
      if (!matchLeaf(rule, value, fieldPath)) return false;
    } else if (isPlainObject(rule)) {
      if (!matchObject(rule, value, fieldPath)) return false;
    } else {
      throw new EventPatternError(`pattern field "${fieldPath}" must be an array or an object`);
    }
  }
  return true;
}

function matchLeaf(matchers: readonly unknown[], value: unknown, path: string): boolean {
  if (matchers.length === 0) throw new EventPatternError(`pattern field "${path}" has an empty array`);
  // Compile every matcher first so that a malformed pattern fails whatever the event holds.
  const predicates = matchers.map((matcher) => compileMatcher(matcher, path));
  // An object in the event is not a leaf: only `exists: false` can match it (the leaf is absent).
  const present = value !== undefined && !isPlainObject(value);
  const candidates: readonly unknown[] = Array.isArray(value) ? value : present ? [value] : [];
  return predicates.some((predicate) => predicate(candidates));
}

type LeafPredicate = (candidates: readonly unknown[]) => boolean;

function compileMatcher(matcher: unknown, path: string): LeafPredicate {
  if (isPlainObject(matcher) && 'exists' in matcher) {
    const expected = matcher['exists'];
    if (Object.keys(matcher).length !== 1 || typeof expected !== 'boolean') {
      throw new EventPatternError(`"exists" at "${path}" takes exactly true or false`);
    }
    return (candidates) => expected === candidates.length > 0;
  }
  const test = compileScalarMatcher(matcher, path);
  return (candidates) => candidates.some((candidate) => isScalar(candidate) && test(candidate));
}

function compileScalarMatcher(matcher: unknown, path: string): (value: Scalar) => boolean {
  if (isScalar(matcher)) return (value) => matcher === value;
  if (!isPlainObject(matcher)) throw new EventPatternError(`matcher at "${path}" must be a value or an object`);
  const operators = Object.keys(matcher);
  if (operators.length !== 1) throw new EventPatternError(`matcher at "${path}" must have exactly one operator`);
  const operator = operators[0] as string;
  const operand = matcher[operator];
  switch (operator) {
    case 'prefix': {
      const text = stringOperand(operand, operator, path);
      return (value) => typeof value === 'string' && value.startsWith(text);
    }
    case 'suffix': {
      const text = stringOperand(operand, operator, path);
      return (value) => typeof value === 'string' && value.endsWith(text);
    }
    case 'equals-ignore-case': {
      const text = stringOperand(operand, operator, path).toLowerCase();
      return (value) => typeof value === 'string' && value.toLowerCase() === text;
    }
    case 'anything-but':
      return compileAnythingBut(operand, path);
    default:
      throw new EventPatternError(`operator "${operator}" at "${path}" is not supported`);
  }
}

function compileAnythingBut(operand: unknown, path: string): (value: Scalar) => boolean {
  if (isScalar(operand)) return (value) => operand !== value;
  if (Array.isArray(operand)) {
    if (!operand.every(isScalar)) throw new EventPatternError(`"anything-but" list at "${path}" must hold plain values`);
    return (value) => !operand.includes(value);
  }
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    const key = keys[0];
    if (keys.length === 1 && (key === 'prefix' || key === 'suffix')) {
      const text = stringOperand(operand[key], `anything-but.${key}`, path);
      // Only strings can start or end with text: any other present value is "anything but" it.
      return (value) =>
        typeof value !== 'string' || (key === 'prefix' ? !value.startsWith(text) : !value.endsWith(text));
    }
  }
  throw new EventPatternError(`"anything-but" form at "${path}" is not supported`);
}

function stringOperand(operand: unknown, operator: string, path: string): string {
  if (typeof operand !== 'string') throw new EventPatternError(`"${operator}" at "${path}" takes a string`);
  return operand;
}
