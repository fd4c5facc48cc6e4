/**
 * Contract of the SCP evaluator (`evaluate.ts`), used by the fix engine to verify patched policies
 * before anyone sees them.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */

/** A condition-key value as the request carries it. Absent keys are `undefined`. */
export type ContextValue = string | string[] | boolean | undefined;

/** The request an SCP is evaluated against. Condition-key names are case-insensitive. */
export interface RequestContext {
  /** IAM action, e.g. `bedrock:InvokeModel`. */
  action: string;
  /** Resource ARN, e.g. `arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-…`. */
  resource: string;
  /** Condition keys, e.g. `aws:RequestedRegion`, `bedrock:InferenceProfileArn`, `aws:PrincipalArn`. */
  context: Record<string, ContextValue>;
}

/** One policy of a hierarchy level: its identifier (ARN or file name) and parsed document. */
export interface PolicyInput {
  id: string;
  document: unknown;
}

/**
 * The SCPs in force, one entry per level of the organization from the root down to the account
 * (root, OU, …, account). Each level holds the policies attached there.
 */
export interface PolicySet {
  levels: PolicyInput[][];
}

/** A statement that matched the request. */
export interface StatementRef {
  policyId: string;
  /** Index of the statement in the policy's `Statement` (0 when `Statement` is a single object). */
  index: number;
  sid: string | null;
  effect: 'Allow' | 'Deny';
}

/** Outcome of evaluating a request against a policy set. */
export interface Evaluation {
  decision: 'allow' | 'deny';
  /** Why: `explicit-deny`, or `implicit-deny` (a level without a matching Allow), or `allowed`. */
  basis: 'explicit-deny' | 'implicit-deny' | 'allowed';
  /** Deny statements that matched, in policy order. */
  denies: StatementRef[];
  /** The first level index that had no matching Allow, when `basis` is `implicit-deny`. */
  levelWithoutAllow: number | null;
  /** Allow statements that matched, in policy order (root level first). */
  allows?: StatementRef[];
  /** Policies that could not be parsed; they contribute no statement (so no Allow). */
  invalidPolicies?: { policyId: string; reason: string }[];
  /**
   * True when the caller gave only Deny statements and the evaluator assumed the default
   * `FullAWSAccess` SCP is attached at every level (see `evaluateRequest`).
   */
  assumedFullAwsAccess?: boolean;
}
