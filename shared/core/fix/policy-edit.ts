/**
 * Small, pure edits of IAM/SCP policy documents (plain JSON values). Every function returns new
 * values and leaves its inputs untouched; key order is kept so rendered diffs stay minimal.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
 */

/** A JSON object as policies hold them. */
export type JsonObject = Record<string, unknown>;

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A policy element that may be one string or a list of strings, as a list. */
export function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The statements of a policy document (a single `Statement` object counts as one). */
export function statementsOf(document: unknown): JsonObject[] {
  if (!isObject(document)) return [];
  const statement = document.Statement;
  if (Array.isArray(statement)) return statement.filter(isObject);
  return isObject(statement) ? [statement] : [];
}

/** A copy of `document` whose statements are `statements` (a list, even if it was one object). */
export function withStatements(document: JsonObject, statements: JsonObject[]): JsonObject {
  if (!Array.isArray(document.Statement) && statements.length === 1 && statements[0] !== undefined) {
    return { ...document, Statement: statements[0] };
  }
  return { ...document, Statement: statements };
}

/** Deep copy of a JSON value. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Whether an action pattern (`bedrock:Invoke*`, `*`) matches an action, case-insensitively, with
 * `*` and `?` wildcards. Linear dynamic programming: hostile patterns cannot blow up.
 */
export function actionMatches(pattern: string, action: string): boolean {
  const p = pattern.toLowerCase();
  const a = action.toLowerCase();
  let row = new Array<boolean>(a.length + 1).fill(false);
  row[0] = true;
  for (const char of p) {
    const next = new Array<boolean>(a.length + 1).fill(false);
    if (char === '*') {
      next[0] = row[0] ?? false;
      for (let j = 1; j <= a.length; j += 1) next[j] = (row[j] ?? false) || (next[j - 1] ?? false);
    } else {
      for (let j = 1; j <= a.length; j += 1) {
        next[j] = (row[j - 1] ?? false) && (char === '?' || char === a[j - 1]);
      }
    }
    row = next;
  }
  return row[a.length] ?? false;
}

/** Operator name without its `ForAnyValue:`/`ForAllValues:` prefix and `IfExists` suffix. */
export function baseOperator(operator: string): string {
  return operator.replace(/^For(Any|All)Values:/i, '').replace(/IfExists$/i, '');
}

const NEGATED_STRING_OPERATORS = new Set(['stringnotequals', 'stringnotequalsignorecase', 'stringnotlike']);
const NEGATED_ARN_OPERATORS = new Set(['arnnotlike', 'arnnotequals', 'stringnotlike', 'stringnotequals']);

/** Where a condition key sits in a statement's `Condition` block. */
export interface ConditionRef {
  operator: string;
  key: string;
  values: string[];
}

function findCondition(statement: JsonObject, key: string, operators: ReadonlySet<string>): ConditionRef | null {
  const condition = statement.Condition;
  if (!isObject(condition)) return null;
  for (const [operator, block] of Object.entries(condition)) {
    if (!operators.has(baseOperator(operator).toLowerCase()) || !isObject(block)) continue;
    for (const [name, values] of Object.entries(block)) {
      if (name.toLowerCase() === key.toLowerCase()) return { operator, key: name, values: asList(values) };
    }
  }
  return null;
}

/** The `aws:RequestedRegion` list a deny statement exempts (`StringNotEquals`/`StringNotLike`), if any. */
export function regionCondition(statement: JsonObject): ConditionRef | null {
  return findCondition(statement, 'aws:RequestedRegion', NEGATED_STRING_OPERATORS);
}

/** The negated `bedrock:InferenceProfileArn` condition of a statement (`ArnNotLike` and kin), if any. */
export function profileCondition(statement: JsonObject): ConditionRef | null {
  return findCondition(statement, 'bedrock:InferenceProfileArn', NEGATED_ARN_OPERATORS);
}

/** Adds values to one key of one operator, creating the operator block and key when absent. */
export function addConditionValues(
  statement: JsonObject,
  operator: string,
  key: string,
  values: readonly string[],
): JsonObject {
  const condition = isObject(statement.Condition) ? statement.Condition : {};
  const rawBlock = condition[operator];
  const block = isObject(rawBlock) ? rawBlock : {};
  const existingKey = Object.keys(block).find((name) => name.toLowerCase() === key.toLowerCase()) ?? key;
  const current = block[existingKey];
  const merged = mergeValues(current, values);
  return {
    ...statement,
    Condition: { ...condition, [operator]: { ...block, [existingKey]: merged } },
  };
}

/** `current` (string or list) with `values` appended when missing; a single value stays a string. */
export function mergeValues(current: unknown, values: readonly string[]): string | string[] {
  const list = asList(current);
  const missing = values.filter((value) => !list.includes(value));
  const merged = insertKeepingOrder(list, missing);
  if (merged.length === 1 && (typeof current === 'string' || current === undefined)) return merged[0] ?? '';
  return merged;
}

/**
 * Inserts values into a list: at their sorted place when the list is (nearly) sorted, as published
 * Region-deny lists are, else at the end.
 */
export function insertKeepingOrder(list: readonly string[], values: readonly string[]): string[] {
  const key = (value: string): string => value.toLowerCase();
  const compare = (a: string, b: string): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
  const inOrder = list.filter((value, i) => i > 0 && compare(list[i - 1] ?? '', value) <= 0).length;
  if (list.length < 2 || inOrder < 0.8 * (list.length - 1)) return [...list, ...values];
  const result = [...list];
  for (const value of values) {
    const at = result.findIndex((existing) => compare(existing, value) > 0);
    if (at === -1) result.push(value);
    else result.splice(at, 0, value);
  }
  return result;
}

/** Replaces one key of an object by another at the same position. */
export function renameKey(object: JsonObject, from: string, to: string, value: unknown): JsonObject {
  const result: JsonObject = {};
  for (const [key, current] of Object.entries(object)) {
    if (key === from) result[to] = value;
    else result[key] = current;
  }
  return result;
}

/** Sets the values of one condition key (in whatever operator holds it) to `values`. */
export function setConditionValues(statement: JsonObject, ref: ConditionRef, values: readonly string[]): JsonObject {
  const condition = isObject(statement.Condition) ? statement.Condition : {};
  const rawBlock = condition[ref.operator];
  const block = isObject(rawBlock) ? rawBlock : {};
  const current = block[ref.key];
  const next = typeof current === 'string' && values.length === 1 ? (values[0] ?? '') : [...values];
  return { ...statement, Condition: { ...condition, [ref.operator]: { ...block, [ref.key]: next } } };
}

/** A Sid not used yet in the document: `base`, else `base2`, `base3`, … */
export function uniqueSid(statements: readonly JsonObject[], base: string): string {
  const used = new Set(statements.map((s) => (typeof s.Sid === 'string' ? s.Sid : '')));
  if (!used.has(base)) return base;
  for (let n = 2; ; n += 1) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

const POSITIVE_STRING_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike']);

/** The `aws:RequestedRegion` list a deny-list statement forbids (`StringEquals` and kin), if any. */
export function regionDenyList(statement: JsonObject): ConditionRef | null {
  return findCondition(statement, 'aws:RequestedRegion', POSITIVE_STRING_OPERATORS);
}

/** Principal ARN patterns a statement exempts (`ArnNotLike`/`StringNotLike`… on `aws:PrincipalArn`). */
export function principalExemptionPatterns(statement: JsonObject): string[] {
  const condition = statement.Condition;
  if (!isObject(condition)) return [];
  const out: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!NEGATED_ARN_OPERATORS.has(baseOperator(operator).toLowerCase()) || !isObject(block)) continue;
    for (const [key, values] of Object.entries(block)) if (key.toLowerCase() === 'aws:principalarn') out.push(...asList(values));
  }
  return out;
}
