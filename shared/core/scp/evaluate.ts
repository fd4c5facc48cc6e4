import type { Result } from '../types.js';
import { createContextLookup, evaluateConditions, resolvePattern, type ContextLookup } from './conditions.js';
import { parsePolicyDocument, type ParsedPolicy, type ParsedStatement } from './policy.js';
import type { Evaluation, PolicyInput, PolicySet, RequestContext, StatementRef } from './types.js';
import { arnResourceTokens, matchAction, matchResource, matchTokens } from './wildcard.js';

/**
 * The SCP evaluator: AWS Organizations' documented logic. An explicit Deny in any SCP at any level
 * denies; otherwise every level from the root to the account needs at least one matching Allow.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */

/** Identifier used for the default SCP when the evaluator assumes it (`evaluateRequest`). */
export const FULL_AWS_ACCESS_POLICY_ID = 'p-FullAWSAccess';

/**
 * The `FullAWSAccess` SCP that AWS Organizations attaches to every root, OU and account by default.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */
export const FULL_AWS_ACCESS_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
} as const;

interface Prepared {
  action: string;
  resource: string;
  lookup: ContextLookup;
}

function prepare(request: RequestContext): Prepared {
  const safe = (typeof request === 'object' && request !== null ? request : {}) as Partial<RequestContext>;
  return {
    action: typeof safe.action === 'string' ? safe.action : '',
    resource: typeof safe.resource === 'string' ? safe.resource : '',
    lookup: createContextLookup(safe.context),
  };
}

function resourceMatches(pattern: string, prepared: Prepared, variables: boolean): boolean {
  if (pattern === '*') return true;
  if (!variables || !pattern.includes('${')) return matchResource(pattern, prepared.resource);
  const tokens = resolvePattern(pattern, prepared.lookup, { wildcards: true, ignoreCase: true });
  return tokens !== null && matchTokens(arnResourceTokens(tokens), prepared.resource);
}

function matchesStatement(statement: ParsedStatement, prepared: Prepared): boolean {
  const actionHit = (patterns: readonly string[]): boolean => patterns.some((p) => matchAction(p, prepared.action));
  if (statement.action !== null && !actionHit(statement.action)) return false;
  if (statement.notAction !== null && actionHit(statement.notAction)) return false;
  const resourceHit = (patterns: readonly string[]): boolean => patterns.some((p) => resourceMatches(p, prepared, statement.variables));
  if (statement.resource !== null && !resourceHit(statement.resource)) return false;
  if (statement.notResource !== null && resourceHit(statement.notResource)) return false;
  return evaluateConditions(statement.conditions, prepared.lookup, { variables: statement.variables });
}

/**
 * Whether a statement applies to the request: its Action/NotAction, Resource/NotResource and every
 * Condition clause match. The Effect is not considered.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
export function statementMatches(statement: ParsedStatement, request: RequestContext): boolean {
  return matchesStatement(statement, prepare(request));
}

function refOf(policyId: string, statement: ParsedStatement): StatementRef {
  return { policyId, index: statement.index, sid: statement.sid, effect: statement.effect };
}

/** The statements of one policy that apply to the request (Allow and Deny), in document order. */
export function findMatchingStatements(policy: ParsedPolicy, request: RequestContext): StatementRef[] {
  const prepared = prepare(request);
  return policy.statements.filter((s) => matchesStatement(s, prepared)).map((s) => refOf(policy.id, s));
}

/** Parses a `PolicyInput` (document object or JSON text); see `parsePolicyDocument`. */
export function toParsedPolicy(input: PolicyInput): Result<ParsedPolicy> {
  const id = typeof input?.id === 'string' ? input.id : String(input?.id);
  return parsePolicyDocument(id, input?.document);
}

/**
 * Evaluates a request against the SCPs in force, level by level (root first).
 * Contract: never throws; always `allow` or `deny`. A policy that cannot be parsed contributes no
 * statement and is listed in `invalidPolicies`. An empty `levels` list restricts nothing (allow).
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */
export function evaluatePolicySet(set: PolicySet, request: RequestContext): Evaluation {
  const prepared = prepare(request);
  const levels = Array.isArray(set?.levels) ? set.levels : [];
  const denies: StatementRef[] = [];
  const allows: StatementRef[] = [];
  const invalidPolicies: { policyId: string; reason: string }[] = [];
  let levelWithoutAllow: number | null = null;
  levels.forEach((level, levelIndex) => {
    let allowed = false;
    for (const input of Array.isArray(level) ? level : []) {
      const parsed = toParsedPolicy(input);
      if (!parsed.ok) {
        invalidPolicies.push({ policyId: String(input?.id), reason: parsed.reason });
        continue;
      }
      for (const statement of parsed.value.statements) {
        if (!matchesStatement(statement, prepared)) continue;
        const ref = refOf(parsed.value.id, statement);
        if (statement.effect === 'Deny') denies.push(ref);
        else {
          allows.push(ref);
          allowed = true;
        }
      }
    }
    if (!allowed && levelWithoutAllow === null) levelWithoutAllow = levelIndex;
  });
  const details = { allows, invalidPolicies };
  if (denies.length > 0) return { decision: 'deny', basis: 'explicit-deny', denies, levelWithoutAllow: null, ...details };
  if (levelWithoutAllow !== null) return { decision: 'deny', basis: 'implicit-deny', denies, levelWithoutAllow, ...details };
  return { decision: 'allow', basis: 'allowed', denies, levelWithoutAllow: null, ...details };
}

function hasAllowStatement(set: PolicySet): boolean {
  return set.levels.some((level) =>
    level.some((input) => {
      const parsed = toParsedPolicy(input);
      return parsed.ok && parsed.value.statements.some((s) => s.effect === 'Allow');
    }),
  );
}

/** Options of {@link evaluateRequest}. */
export interface EvaluateRequestOptions {
  /**
   * `undefined` (default): when no valid policy holds an Allow statement, assume `FullAWSAccess` is
   * attached at every level, as it is by default in AWS Organizations. `true`: always assume it at
   * every level (pin the decision made for an original set when evaluating a patched copy of it).
   * `false`: never assume it.
   */
  assumeFullAwsAccess?: boolean;
}

/**
 * Convenience for callers that hold only the SCPs a user supplied (`--scp FILE...`): a flat list is
 * one level (all policies attached to the same target); a `PolicySet` keeps its levels. Users
 * usually supply only their deny SCPs; when no Allow statement exists anywhere, `FullAWSAccess` is
 * added to every level and `assumedFullAwsAccess` says so.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */
export function evaluateRequest(
  policies: PolicyInput[] | PolicySet,
  request: RequestContext,
  options: EvaluateRequestOptions = {},
): Evaluation {
  const set: PolicySet = Array.isArray(policies)
    ? { levels: [policies] }
    : { levels: Array.isArray(policies?.levels) ? policies.levels.map((l) => (Array.isArray(l) ? l : [])) : [] };
  const assume =
    set.levels.length > 0 &&
    (options.assumeFullAwsAccess === true || (options.assumeFullAwsAccess === undefined && !hasAllowStatement(set)));
  const effective: PolicySet = assume
    ? { levels: set.levels.map((level) => [...level, { id: FULL_AWS_ACCESS_POLICY_ID, document: FULL_AWS_ACCESS_POLICY }]) }
    : set;
  return { ...evaluatePolicySet(effective, request), assumedFullAwsAccess: assume };
}
