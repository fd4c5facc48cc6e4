/**
 * The SCP-change guard: Organizations changes read from CloudTrail, applied to the organization
 * snapshot, the readiness flips they cause for the profiles in use, and the one alert per change.
 */
export {
  GUARDED_EVENT_NAMES,
  applyChange,
  changesScpChains,
  readOrganizationsChange,
  type GuardedEventName,
  type OrganizationsChange,
} from './change.js';
export { guardChange, type GuardChangeOptions, type GuardReport, type ReadinessFlip } from './guard.js';
export { guardAlertOf, MAX_GROUPS, MAX_TARGETS_PER_GROUP, type GuardAlert, type GuardAlertGroup } from './alert.js';
export { GUARD_MESSAGES, type GuardMessages } from './messages.js';
export { renderGuardSlack, renderGuardText, renderGuardSubject } from './render.js';
export type { DescribedPolicy, GuardChannel, GuardClaim, GuardClaimStore, PolicyDescriber } from './ports.js';
export { processGuardEvent, type GuardDependencies, type GuardOutcome } from './process.js';
