import { VERDICTS } from '../constants.js';
import type { Finding, Verdict } from '../types.js';

/**
 * Severity of an alert, a stable code carried in SNS message attributes and Slack messages so
 * subscribers can filter and route. `high`: production calls break (often intermittently) because
 * of an organization-wide guardrail; `medium`: an account-level policy denies the call; `low`:
 * set-up issues (model access) or denials the auditor could not explain.
 */
export const SEVERITIES = {
  high: 'high',
  medium: 'medium',
  low: 'low',
} as const;

/** A severity code; see {@link SEVERITIES}. */
export type Severity = (typeof SEVERITIES)[keyof typeof SEVERITIES];

const SEVERITY_BY_VERDICT: Record<Verdict, Severity> = {
  [VERDICTS.crossRegionScp]: SEVERITIES.high,
  [VERDICTS.scp]: SEVERITIES.high,
  [VERDICTS.resourceControlPolicy]: SEVERITIES.high,
  [VERDICTS.crossRegionIdentity]: SEVERITIES.medium,
  [VERDICTS.identity]: SEVERITIES.medium,
  [VERDICTS.permissionsBoundary]: SEVERITIES.medium,
  [VERDICTS.sessionPolicy]: SEVERITIES.medium,
  [VERDICTS.vpcEndpointPolicy]: SEVERITIES.medium,
  [VERDICTS.resourceBased]: SEVERITIES.medium,
  [VERDICTS.modelAccess]: SEVERITIES.low,
  [VERDICTS.serviceRole]: SEVERITIES.medium,
  [VERDICTS.unknown]: SEVERITIES.low,
};

/**
 * The severity of a finding, decided by its verdict alone so that one fingerprint always has one
 * severity (subscriptions filtering on `severity` never see a problem change class).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
 */
export function severityOf(finding: Pick<Finding, 'verdict'>): Severity {
  return SEVERITY_BY_VERDICT[finding.verdict] ?? SEVERITIES.low;
}
