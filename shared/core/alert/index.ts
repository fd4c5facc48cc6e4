/**
 * The alert path: reading an EventBridge delivery, fingerprinting and grading a finding, the
 * suppression decision, the single-table keys, and the processing that ties them to the ports.
 */
export { processAlertEvent, ALERTED_EVENT_NAMES, type AlertOutcome, type ProcessAlertDependencies } from './process.js';
export { readAlertEvent, malformedEventFinding, type AlertInput } from './input.js';
export {
  decideAlert,
  suppressionWindowStart,
  type AlertDecision,
  type AlertState,
  type AlertStore,
  type ChannelRejection,
  type EventClaim,
} from './decision.js';
export { fingerprintFinding, fingerprintParts, principalIdentity } from './fingerprint.js';
export { severityOf, SEVERITIES, type Severity } from './severity.js';
export {
  ITEM_ATTRIBUTES,
  RETENTION_SECONDS,
  TABLE_KEYS,
  digestKey,
  eventKey,
  hourBucket,
  hourBucketsBetween,
  hourKey,
  stateKey,
} from './store-keys.js';
export { FIELD_BUDGETS, budgetFinding, cutMarker, cutToBudget } from './budget.js';
