/**
 * The SCP-change guard: Organizations changes read from CloudTrail, applied to the organization
 * snapshot, and the readiness flips they cause for the profiles in use.
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
