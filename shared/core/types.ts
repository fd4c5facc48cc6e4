import type { INFERENCE_IAM_ACTIONS, LANGUAGES, VERDICTS } from './constants.js';

/** A verdict code; see {@link VERDICTS}. */
export type Verdict = (typeof VERDICTS)[keyof typeof VERDICTS];

/** A language of human-facing text. */
export type Language = (typeof LANGUAGES)[number];

/** An IAM action that cross-Region inference needs. */
export type InferenceAction = (typeof INFERENCE_IAM_ACTIONS)[number];

/** Result of an operation whose failure is expected and must be reported, not thrown. */
export type Result<T, R = string> = { ok: true; value: T } | { ok: false; reason: R };

/**
 * The subset of a CloudTrail record the auditor reads. Every field is optional: records come from
 * users' files and may be partial or hostile.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
export interface CloudTrailRecord {
  eventVersion?: string;
  eventID?: string;
  eventTime?: string;
  eventSource?: string;
  eventName?: string;
  awsRegion?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  recipientAccountId?: string;
  readOnly?: boolean;
  userIdentity?: {
    type?: string;
    arn?: string;
    accountId?: string;
    principalId?: string;
    sessionContext?: { sessionIssuer?: { arn?: string; userName?: string; type?: string } };
  };
  requestParameters?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown> | null;
  [key: string]: unknown;
}

/** How a model was addressed, derived from `requestParameters.modelId`. */
export interface ProfileRef {
  /** Profile ID (e.g. `apac.anthropic.claude-3-5-sonnet-20241022-v2:0`) or application profile ARN. */
  id: string;
  /** Geographic prefix (`apac`, `us`, `global`, …) or `application` for application profiles. */
  scope: string;
}

/**
 * One denied Bedrock call, explained. A stable JSON contract: other tools and our own functions
 * consume it. Unknown values are `null`, never absent.
 */
export interface Finding {
  eventId: string | null;
  eventTime: string | null;
  eventName: string | null;
  accountId: string | null;
  principalArn: string | null;
  /** The record's `awsRegion`: where the caller sent the request. */
  sourceRegion: string | null;
  /** IAM action named in the error message (`Converse` is reported as `bedrock:InvokeModel`). */
  action: string | null;
  /** `requestParameters.modelId` exactly as the caller passed it. */
  modelId: string | null;
  profile: ProfileRef | null;
  /** Foundation model ID (`anthropic.claude-…`) when it can be told from the model ID or resource. */
  foundationModel: string | null;
  deniedResource: string | null;
  /** Region of the denied resource ARN; `unspecified` for a Region-less ARN (global profile). */
  deniedRegion: string | null;
  /** Policy type as worded in the message (`service control policy`, …). */
  policyType: string | null;
  /** Complete ARN of the denying policy when the message names it; null when absent or truncated. */
  policyArn: string | null;
  /**
   * IAM Access Troubleshooter (preview) authorization ID from the message, for
   * `GetRequestAuthorizationDetails` (details are kept at least 24 hours); null when absent.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied-authorization-id.html
   */
  authorizationId: string | null;
  /** The message's console link to those details, only when complete and on an AWS console host. */
  authorizationDetailsUrl: string | null;
  /** Every destination Region of the profile from the source Region, when known. */
  destinations: string[] | null;
  /** Whether `destinations` comes from exact catalog data or a geography-wide approximation. */
  destinationsSource: 'catalog' | 'geography' | 'runtime' | null;
  verdict: Verdict;
  /** One sentence a person can act on. */
  reason: string;
  /** Caller context shown in alerts; attacker-controlled, always escaped when rendered. */
  userAgent: string | null;
  sourceIpAddress: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Suggested fix, attached by the fix engine (absent until it runs). */
  fix?: Fix | null;
  /**
   * What IAM Access Troubleshooter (`GetRequestAuthorizationDetails`) said about this denial, when
   * the authoritative path ran (absent when it did not: not an SCP denial, or switched off).
   */
  authoritative?: AuthoritativeLookup;
  /**
   * The role behind the session, path included (`userIdentity.sessionContext.sessionIssuer.arn`):
   * what `aws:PrincipalArn` is for a role session. Absent on findings made before it existed.
   */
  principalRoleArn?: string | null;
  /** `userIdentity.type` (`AssumedRole`, `IAMUser`, …): what `aws:PrincipalType` is. */
  principalType?: string | null;
}

/** Why the authoritative path was not used; stable codes (see docs/authoritative.md). */
export type AuthoritativeReason =
  | 'no-authorization-id'
  | 'expired-or-unknown'
  | 'access-denied'
  | 'preview-unavailable'
  | 'invalid-response'
  | 'no-matching-scp';

/** An SCP as IAM recorded it for the denied request. */
export interface AuthoritativePolicy {
  /** Policy URI from the details (the SCP's ARN for managed policies). */
  uri: string;
  /** Sids of its statements that denied the request (empty for policies that only took part). */
  deniedBy: string[];
  /** Where it is attached: the Organizations ARN of the root, OU or account, with its kind. */
  attachedTo: { arn: string; kind: 'root' | 'ou' | 'account' | 'other' }[];
}

/** Outcome of the authoritative path: the SCPs at request time were used, or why not. */
export type AuthoritativeLookup =
  | { status: 'used'; authorizationId: string; region: string; policies: AuthoritativePolicy[] }
  | { status: 'not-used'; authorizationId: string | null; reason: AuthoritativeReason; detail: string };

/** Identifier of one of the ways out of a denial. */
export type FixOptionId =
  | 'allow-profile-only'
  | 'exempt-bedrock'
  | 'widen-regions'
  | 'in-region-model'
  | 'leave-governance'
  | 'control-tower-parameters'
  | 'control-tower-custom-scp'
  | 'identity-policy'
  | 'use-allowed-profile'
  | 'next-step';

/**
 * What a verification established (issue 9): `verified` holds whatever the keys the auditor cannot
 * know (principal tags, `aws:CalledVia`, …) are; `verified-assuming` holds under the listed
 * assumptions about them; `not-verified` did not hold, or could not be evaluated.
 */
export type VerificationOutcome = 'verified' | 'verified-assuming' | 'not-verified';

/**
 * What an option's verification guarantees, the same scale for every option:
 * `this-profile-only` (only this profile, only its Regions; direct calls, other services and other
 * profiles stay denied), `any-profile` (every inference profile in every Region it routes to; direct
 * calls and other services stay denied), `regions-opened` (the Regions open to every service),
 * `compliant-alternative` (no policy change: another way that the SCPs in force already allow),
 * `none` (nothing was evaluated).
 */
export type GuaranteeCode = 'this-profile-only' | 'any-profile' | 'regions-opened' | 'compliant-alternative' | 'none';

/** One way out of a denial, ready to paste. */
export interface FixOption {
  id: FixOptionId;
  /** 1 is the best; options are sorted by rank. */
  rank: number;
  title: string;
  summary: string;
  tradeoffs: string;
  /** Text to paste: a policy document, CLI parameters, a statement list. Never translated. */
  snippet: { language: 'json' | 'yaml' | 'text'; content: string } | null;
  /** Outcome of evaluating this option's patched SCP, when the SCP in force was known. */
  verification?: 'verified' | 'failed' | 'unverified';
  /** What the verification established; see {@link VerificationOutcome}. */
  outcome?: VerificationOutcome;
  /** For `verified-assuming`: what must hold of the keys the auditor cannot know. */
  assumptions?: string[];
  /** What this option's verification guarantees, in words and as a stable code. */
  guarantee?: { code: GuaranteeCode; text: string };
  /** Every document this option's verification patched (several levels, or a split SCP). */
  patches?: ScpPatch[];
  /** The profile to call instead (`use-allowed-profile`) and the Regions it routes to. */
  alternative?: { profileId: string; regions: string[] };
}

/** One check run against a patched SCP before it is offered. */
export interface VerificationCheck {
  name: string;
  expected: 'allow' | 'deny';
  actual: 'allow' | 'deny';
  passed: boolean;
}

/** The suggested fix for a finding. */
export interface Fix {
  lang: Language;
  recommended: FixOption | null;
  /** All options, ranked (the recommended one first). */
  options: FixOption[];
  /** Present when the SCP in force was known (from `--scp` files or AWS Organizations). */
  scp: ScpPatch | null;
  verification: {
    status: 'verified' | 'failed' | 'unverified';
    checks: VerificationCheck[];
    /** The recommended option's outcome (absent on fixes made before outcomes existed). */
    outcome?: VerificationOutcome;
    /** For `verified-assuming`: the assumptions the outcome rests on. */
    assumptions?: string[];
  };
  /** Every patched policy when the patch touches more than one (the first is `scp`). */
  scpPatches?: ScpPatch[];
  /** Sentences a person should read with the fix: approximations, fallbacks, size warnings. */
  notes?: string[];
}

/** The denying SCP statement and the minimal patch that lets the call through. */
export interface ScpPatch {
  policyArn: string | null;
  policyName: string | null;
  /** The denying statement: its Sid when it has one, and its index in the policy. */
  statement: { sid: string | null; index: number };
  controlTowerManaged: boolean;
  patchedPolicy: string;
  diff: string;
  size: number;
  fitsLimit: boolean;
  /** Size once white space outside strings is removed (what a saved, minified copy counts). */
  minifiedSize?: number;
  /**
   * `edit`: patched copy of the denying policy; `new-policy`: a separate SCP to attach next to it
   * (same target); `control-tower-generated`: the SCP Control Tower itself generates from the new
   * control parameters (shown for review, never to paste).
   */
  mode?: 'edit' | 'new-policy' | 'control-tower-generated';
  /** Identifier of the policy edited, or (new policy) of the policy it is attached next to. */
  policyId?: string;
}

/** An SCP document as the fix engine receives it. */
export interface ScpDocument {
  /** `arn:aws:organizations::…:policy/o-…/service_control_policy/p-…`, or the file name locally. */
  id: string;
  name: string | null;
  /** The policy JSON text exactly as stored (kept for minimal diffs). */
  content: string;
  /** The policy description, when known (tells Control Tower-managed SCPs apart). */
  description?: string | null;
  /**
   * Parameters in force of the Control Tower control behind this SCP, when they were read
   * (`controltower:GetEnabledControl`); otherwise they are taken from the SCP text.
   */
  controlTowerParameters?: Record<string, string[]>;
}
