import type { ScpDocument } from '../types.js';

/**
 * Contract of the organization-wide readiness check (`cris-audit preflight`, the digest's "will
 * break" section and the SCP-change guard).
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */

/** What a preflight target is: the SCPs a user supplied, or an account / OU / root of a snapshot. */
export type TargetKind = 'supplied' | 'account' | 'ou' | 'root';

/** One target: a chain of SCP levels from the root down to it. */
export interface PreflightTarget {
  /** `supplied`, an account ID, an OU ID (`ou-…`) or a root ID (`r-…`). */
  id: string;
  name: string | null;
  kind: TargetKind;
  /** IDs from the root down to the target's parent (empty for the root and `supplied`). */
  path: string[];
  /** SCPs attached at each level, root first, the target last. */
  levels: ScpDocument[][];
}

/** A statement (or a level without an Allow) that denies a leg of the profile's routing. */
export interface DeniedBy {
  /** Organizations policy ID (`p-…`), or the document ID when it is not an Organizations ARN; null for an implicit deny. */
  policyId: string | null;
  policyName: string | null;
  sid: string | null;
  /** Level of the chain the policy is attached at: 0 is the root, the last is the target. */
  level: number;
}

/** The fix engine's recommended way out for a blocked row. */
export interface PreflightFix {
  /** Recommended option ID; null when no option passed verification. */
  option: string | null;
  title: string | null;
  /** The fix engine's verification outcome, as it reports it (`verified`, `failed`, `unverified`, …). */
  verification: string;
  /** The text to paste (patched SCP, parameters), when the option has one. */
  snippet: string | null;
  /** Policy the patch edits (or sits beside, for Control Tower). */
  policyName: string | null;
  notes: string[];
}

/** Readiness of one (target, profile, source Region): one NDJSON line of `--json`. Unknowns are null. */
export interface PreflightRow {
  target: string;
  targetName: string | null;
  profile: string;
  sourceRegion: string;
  /** Every `aws:RequestedRegion` the profile's routing produces from the source (`unspecified` for global). */
  destinations: string[];
  /** `catalog` (exact routes of the bundled catalog), `runtime` or `geography` (approximate: every Region of the prefix). */
  destinationsSource: 'catalog' | 'geography' | 'runtime';
  /** The destinations the SCPs deny. */
  deniedDestinations: string[];
  /** The profile call in the source Region itself is denied (the caller cannot even start). */
  sourceCallDenied: boolean;
  /** `blocked` when any destination (or the source call) is denied: AWS fails the call. */
  status: 'ready' | 'blocked';
  deniedBy: DeniedBy[];
  fix: PreflightFix | null;
}

/** A profile and a source Region it can be called from, with its routing. */
export interface ProfileRoute {
  profile: string;
  sourceRegion: string;
  /** Destination Regions from the catalog (global: every commercial Region). */
  regions: string[];
}

/** Counters of one run. */
export interface PreflightStats {
  targets: number;
  /** Distinct SCP chains among the targets: what the cost grows with. */
  chains: number;
  routes: number;
  rows: number;
  blocked: number;
  /** Requests evaluated (each leg of each route, once per distinct chain). */
  evaluations: number;
  /** Fix-engine runs: once per blocked route × distinct set of the policies that matter to its checks. */
  fixes: number;
}
