export type {
  ContextValue,
  Evaluation,
  PolicyInput,
  PolicySet,
  RequestContext,
  StatementRef,
} from './types.js';
export {
  BASE_OPERATORS,
  SET_OPERATORS,
  parseOperator,
  parsePolicy,
  parsePolicyDocument,
  type BaseOperator,
  type ConditionClause,
  type ParsedPolicy,
  type ParsedStatement,
  type SetOperator,
} from './policy.js';
export {
  NEGATED_OPERATORS,
  createContextLookup,
  evaluateCondition,
  evaluateConditions,
  ipInCidr,
  resolvePattern,
  type ContextLookup,
} from './conditions.js';
export { matchAction, matchArnTokens, matchResource, matchWildcard, splitArn } from './wildcard.js';
export {
  FULL_AWS_ACCESS_POLICY,
  FULL_AWS_ACCESS_POLICY_ID,
  evaluatePolicySet,
  evaluateRequest,
  findMatchingStatements,
  statementMatches,
  toParsedPolicy,
  type EvaluateRequestOptions,
} from './evaluate.js';
