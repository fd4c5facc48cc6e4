import type { Result } from '../types.js';

/**
 * Parsing, validation and normalization of SCP documents into the shape the evaluator reads.
 * Invalid documents are values (`{ ok: false, reason }`) whose reason names the policy, the
 * statement (index and Sid) and the field.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */

/** Condition operators without qualifiers, as IAM spells them. */
export const BASE_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;

/** A condition operator without `ForAnyValue:`/`ForAllValues:` or `IfExists`. */
export type BaseOperator = (typeof BASE_OPERATORS)[number];

/** Set qualifiers for multivalued context keys. */
export const SET_OPERATORS = ['ForAnyValue', 'ForAllValues'] as const;

/** `ForAnyValue` or `ForAllValues`. */
export type SetOperator = (typeof SET_OPERATORS)[number];

/** One `operator → key → values` entry of a `Condition` block, normalized. */
export interface ConditionClause {
  /** The operator exactly as written, e.g. `ForAnyValue:StringNotLikeIfExists`. */
  operator: string;
  base: BaseOperator;
  set: SetOperator | null;
  ifExists: boolean;
  /** Context key as written (matched case-insensitively). */
  key: string;
  /** Policy values as strings (JSON booleans and numbers are stringified). */
  values: string[];
}

/** One statement, normalized: list fields are arrays, absent fields `null`. */
export interface ParsedStatement {
  /** Index in `Statement` (0 when `Statement` is a single object). */
  index: number;
  sid: string | null;
  effect: 'Allow' | 'Deny';
  action: string[] | null;
  notAction: string[] | null;
  resource: string[] | null;
  notResource: string[] | null;
  conditions: ConditionClause[];
  /**
   * Whether `${…}` policy variables are substituted: only under `Version: "2012-10-17"`; with
   * `2008-10-17` or no `Version` they are literal text.
   */
  variables: boolean;
}

/** A validated SCP document. */
export interface ParsedPolicy {
  id: string;
  version: string | null;
  statements: ParsedStatement[];
}

const STATEMENT_FIELDS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
  'Principal',
  'NotPrincipal',
]);

const OPERATOR_BY_LOWER = new Map<string, BaseOperator>(BASE_OPERATORS.map((op) => [op.toLowerCase(), op]));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(index: number, sid: string | null): string {
  return sid === null ? `statement ${index}` : `statement ${index} (Sid "${sid}")`;
}

function stringList(value: unknown, where: string, field: string): Result<string[]> {
  if (typeof value === 'string') return { ok: true, value: [value] };
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
    return { ok: true, value: [...(value as string[])] };
  }
  return { ok: false, reason: `${where}: ${field} must be a string or a non-empty array of strings` };
}

/**
 * Splits an operator name into qualifier, base operator and `IfExists`. Names are matched ignoring
 * case and normalized to IAM's spelling; null when the operator is unknown.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 */
export function parseOperator(
  operator: string,
): { base: BaseOperator; set: SetOperator | null; ifExists: boolean } | null {
  let rest = operator;
  let set: SetOperator | null = null;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase();
    set = SET_OPERATORS.find((s) => s.toLowerCase() === qualifier) ?? null;
    if (set === null) return null;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'IfExists'.length);
  }
  const base = OPERATOR_BY_LOWER.get(rest.toLowerCase());
  if (base === undefined) return null;
  if (base === 'Null' && ifExists) return null;
  return { base, set, ifExists };
}

function conditionValues(value: unknown): string[] | null {
  const scalar = (v: unknown): string | null =>
    typeof v === 'string' ? v : typeof v === 'boolean' || typeof v === 'number' ? String(v) : null;
  if (Array.isArray(value)) {
    const out = value.map(scalar);
    return out.length > 0 && out.every((v) => v !== null) ? (out as string[]) : null;
  }
  const one = scalar(value);
  return one === null ? null : [one];
}

function parseCondition(value: unknown, where: string): Result<ConditionClause[]> {
  if (!isRecord(value)) return { ok: false, reason: `${where}: Condition must be an object` };
  const clauses: ConditionClause[] = [];
  for (const [operator, block] of Object.entries(value)) {
    const parsed = parseOperator(operator);
    if (parsed === null) return { ok: false, reason: `${where}: Condition operator "${operator}" is not supported` };
    if (!isRecord(block) || Object.keys(block).length === 0) {
      return { ok: false, reason: `${where}: Condition "${operator}" must map context keys to values` };
    }
    for (const [key, raw] of Object.entries(block)) {
      const values = conditionValues(raw);
      if (values === null) {
        return {
          ok: false,
          reason: `${where}: Condition "${operator}" key "${key}" must be a string, number, boolean or a non-empty array of them`,
        };
      }
      clauses.push({ operator, ...parsed, key, values });
    }
  }
  return { ok: true, value: clauses };
}

/** Index of the fifth colon of an ARN (where the resource part starts), or -1. */
function fifthColon(value: string): number {
  let at = -1;
  for (let n = 0; n < 5; n += 1) {
    at = value.indexOf(':', at + 1);
    if (at < 0) return -1;
  }
  return at;
}

function parseStatement(raw: unknown, index: number, policyId: string, variables: boolean): Result<ParsedStatement> {
  if (!isRecord(raw)) return { ok: false, reason: `policy ${policyId}: statement ${index} must be an object` };
  const sidRaw = raw['Sid'];
  if (sidRaw !== undefined && typeof sidRaw !== 'string') {
    return { ok: false, reason: `policy ${policyId}: statement ${index}: Sid must be a string` };
  }
  const sid = typeof sidRaw === 'string' ? sidRaw : null;
  const where = `policy ${policyId}: ${describe(index, sid)}`;
  const unknown = Object.keys(raw).find((k) => !STATEMENT_FIELDS.has(k));
  if (unknown !== undefined) return { ok: false, reason: `${where}: unknown field "${unknown}"` };
  if ('Principal' in raw || 'NotPrincipal' in raw) {
    return { ok: false, reason: `${where}: SCPs do not support Principal or NotPrincipal` };
  }
  const effect = raw['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') {
    return { ok: false, reason: `${where}: Effect must be "Allow" or "Deny", got ${JSON.stringify(effect) ?? 'nothing'}` };
  }
  const hasAction = 'Action' in raw;
  const hasNotAction = 'NotAction' in raw;
  if (hasAction === hasNotAction) {
    return { ok: false, reason: `${where}: exactly one of Action or NotAction is required${hasAction ? ', not both' : ''}` };
  }
  const actions = stringList(hasAction ? raw['Action'] : raw['NotAction'], where, hasAction ? 'Action' : 'NotAction');
  if (!actions.ok) return actions;
  const hasResource = 'Resource' in raw;
  const hasNotResource = 'NotResource' in raw;
  if (hasResource && hasNotResource) return { ok: false, reason: `${where}: Resource and NotResource cannot both be present` };
  if (!hasResource && !hasNotResource) {
    return { ok: false, reason: `${where}: exactly one of Resource or NotResource is required (a statement without either is invalid)` };
  }
  const field = hasResource ? 'Resource' : 'NotResource';
  const list = stringList(raw[field], where, field);
  if (!list.ok) return list;
  if (variables) {
    const misplaced = list.value.find((value) => {
      const variable = value.indexOf('${');
      if (variable < 0 || !value.toLowerCase().startsWith('arn:')) return false;
      const colon = fifthColon(value);
      return colon < 0 || variable < colon;
    });
    if (misplaced !== undefined) {
      return { ok: false, reason: `${where}: ${field} "${misplaced}" has a policy variable before the fifth colon; variables may only stand in the resource part of an ARN` };
    }
  }
  const resource = hasResource ? list.value : null;
  const notResource = hasNotResource ? list.value : null;
  let conditions: ConditionClause[] = [];
  if ('Condition' in raw) {
    const parsed = parseCondition(raw['Condition'], where);
    if (!parsed.ok) return parsed;
    conditions = parsed.value;
  }
  return {
    ok: true,
    value: {
      index,
      sid,
      effect,
      action: hasAction ? actions.value : null,
      notAction: hasNotAction ? actions.value : null,
      resource,
      notResource,
      conditions,
      variables,
    },
  };
}

/**
 * Validates and normalizes an already-decoded SCP document (the `document` of a `PolicyInput`).
 * A string is decoded as JSON first. `Statement` may be one object or an array; list fields may be
 * a string or an array. A statement needs exactly one of `Resource`/`NotResource`; a policy variable
 * in a `Resource` ARN may only stand after its fifth colon; under `Version` `2008-10-17` (or none)
 * variables are literal text.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
export function parsePolicyDocument(id: string, document: unknown): Result<ParsedPolicy> {
  if (typeof document === 'string') return parsePolicy(id, document);
  if (!isRecord(document)) return { ok: false, reason: `policy ${id}: the document must be a JSON object` };
  const version = document['Version'];
  if (version !== undefined && typeof version !== 'string') {
    return { ok: false, reason: `policy ${id}: Version must be a string` };
  }
  const raw = document['Statement'];
  if (raw === undefined) return { ok: false, reason: `policy ${id}: Statement is missing` };
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return { ok: false, reason: `policy ${id}: Statement is empty` };
  const statements: ParsedStatement[] = [];
  // Policy variables exist only in the 2012-10-17 policy language.
  const variables = version === '2012-10-17';
  for (const [index, item] of list.entries()) {
    const parsed = parseStatement(item, index, id, variables);
    if (!parsed.ok) return parsed;
    statements.push(parsed.value);
  }
  return { ok: true, value: { id, version: version ?? null, statements } };
}

/**
 * Parses SCP JSON text (as stored in AWS Organizations or a `--scp` file) and validates it.
 * Contract: never throws; `{ ok: false, reason }` for text that is not JSON or not a valid SCP,
 * the reason naming the policy, the statement and the field.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
 */
export function parsePolicy(id: string, text: string): Result<ParsedPolicy> {
  if (typeof text !== 'string') return { ok: false, reason: `policy ${id}: the document must be JSON text` };
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, reason: `policy ${id}: not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof document === 'string') return { ok: false, reason: `policy ${id}: the document must be a JSON object` };
  return parsePolicyDocument(id, document);
}
