export {
  parseAuthorizationDetailsPage,
  mergeAuthorizationPages,
  policyDocumentText,
  type AuthorizationDetails,
  type AuthorizationDetailsPage,
  type AuthorizationDetailsSource,
  type AuthorizationEvaluation,
  type EvaluatedPolicy,
  type MatchedStatement,
  type ToolboxFailure,
  type ToolboxFailureKind,
} from './details.js';
export { attachmentKind, deniedEvaluation, denyingScps, evaluatedScps, scpLevels, SERVICE_CONTROL_POLICY } from './select.js';
export { candidateRegions, resolveAuthoritativeScps, type AuthoritativeInput, type AuthoritativeScps } from './resolve.js';
export { authoritativeNote, authoritativeReasonText, withAuthoritativeNote, type AuthoritativeFallback } from './messages.js';
