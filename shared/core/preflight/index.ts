/**
 * Pre-flight readiness: which targets (supplied SCPs, or every account and OU of an organization
 * snapshot) a cross-Region inference profile would break, where, why, and the fix.
 */
export type { DeniedBy, PreflightFix, PreflightRow, PreflightStats, PreflightTarget, ProfileRoute, TargetKind } from './types.js';
export { routeLegs, routeFinding, type Leg, type RouteLegs } from './legs.js';
export { chainKey, prepareChain, evaluateLeg, relevantChainKey, createPolicyCache, resetPolicyCache, deniersOf, policyIdOf, type PreparedChain } from './chain.js';
export {
  ORG_SNAPSHOT_FORMAT,
  ORG_SNAPSHOT_VERSION,
  parseOrgSnapshot,
  snapshotTargets,
  type OrgSnapshot,
  type SnapshotAccount,
  type SnapshotNode,
  type SnapshotPolicy,
  type SnapshotTargetsOptions,
} from './org-snapshot.js';
export { runPreflight, catalogRoutes, approvedRegions, toPreflightFix, type PreflightOptions, type PreflightResult } from './run.js';
export { buildMatrix, columnLabel, type ChainColumn, type PreflightMatrix } from './group.js';
export { renderPreflightText, cellText, type RenderPreflightTextOptions } from './render-text.js';
export { PREFLIGHT_MESSAGES, type PreflightMessages } from './messages.js';
export { renderPreflightHtml, scriptJson, type RenderPreflightHtmlOptions } from './render-html.js';
export { serializePreflightRow } from './serialize.js';
export { callCountsSeen, routesInUse, parseRouteList, type RouteInUse } from './routes-in-use.js';
