/**
 * The authoritative path: for a denial whose message carries an authorization ID, ask IAM Access
 * Troubleshooter which SCP statements denied it, where they are attached, and the policy documents
 * as they were at request time, so the fix engine patches and verifies exactly those, with no
 * Organizations read role. Every way this can fail is a value with a stable reason.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied-authorization-id.html
 */
import { UNSPECIFIED_REGION } from '../constants.js';
import type { AuthoritativeLookup, AuthoritativeReason, Finding, ScpDocument } from '../types.js';
import type { AuthorizationDetails, AuthorizationDetailsSource, ToolboxFailure } from './details.js';
import { deniedEvaluation, denyingScps, evaluatedScps, scpLevels } from './select.js';

/** What the authoritative path produced: the lookup outcome, and the SCP levels when it was used. */
export interface AuthoritativeScps {
  lookup: AuthoritativeLookup;
  /** SCPs at request time, levels root → account, for `suggestFix`; null when not used. */
  scps: ScpDocument[][] | null;
}

/** The finding fields the path reads (authorization ID and link come from the message). */
export type AuthoritativeInput = Pick<Finding, 'action' | 'deniedResource' | 'deniedRegion' | 'sourceRegion'> & {
  authorizationId?: string | null;
  authorizationDetailsUrl?: string | null;
};

/** Most SCPs that can be in force for one account: 5 per level, root + 5 OU levels + account. */
const MAX_SCPS = 35;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Regions to ask, in order: the one in the console link (`…?region=R#/authorization-details/ID`),
 * the source Region (where the denial was recorded), then the denied Region. IAM Toolbox answers
 * ResourceNotFoundException outside the Region where the denial occurred.
 */
export function candidateRegions(finding: AuthoritativeInput): string[] {
  const regions: string[] = [];
  const url = finding.authorizationDetailsUrl;
  if (typeof url === 'string') {
    try {
      const linked = new URL(url).searchParams.get('region');
      if (linked !== null && REGION.test(linked)) regions.push(linked);
    } catch {
      // A cut-off link names no Region.
    }
  }
  for (const region of [finding.sourceRegion, finding.deniedRegion]) {
    if (region !== null && region !== UNSPECIFIED_REGION && REGION.test(region)) regions.push(region);
  }
  return [...new Set(regions)];
}

function reasonOf(failure: ToolboxFailure): AuthoritativeReason {
  switch (failure.kind) {
    case 'not-found':
    case 'validation':
      return 'expired-or-unknown';
    case 'access-denied':
      return 'access-denied';
    case 'invalid-response':
      return 'invalid-response';
    default:
      return 'preview-unavailable';
  }
}

function notUsed(authorizationId: string | null, reason: AuthoritativeReason, detail: string): AuthoritativeScps {
  return { lookup: { status: 'not-used', authorizationId, reason, detail }, scps: null };
}

async function detailsIn(
  source: AuthorizationDetailsSource,
  authorizationId: string,
  regions: string[],
): Promise<{ ok: true; details: AuthorizationDetails; region: string } | { ok: false; failure: ToolboxFailure }> {
  const missing: string[] = [];
  for (const region of regions) {
    const answer = await source.details(authorizationId, region);
    if (answer.ok) return { ok: true, details: answer.value, region };
    if (answer.reason.kind !== 'not-found') return { ok: false, failure: answer.reason };
    missing.push(region);
  }
  return {
    ok: false,
    failure: { kind: 'not-found', detail: `GetRequestAuthorizationDetails found no details for this ID in ${missing.join(', ')} (unknown, or older than the retention of at least 24 hours)` },
  };
}

/**
 * Runs the authoritative path for one finding. Contract: never throws for an answer of the port;
 * `scps` is set only when every SCP IAM evaluated was read and at least one of them denied the
 * request.
 */
export async function resolveAuthoritativeScps(finding: AuthoritativeInput, source: AuthorizationDetailsSource): Promise<AuthoritativeScps> {
  const authorizationId = typeof finding.authorizationId === 'string' && finding.authorizationId !== '' ? finding.authorizationId : null;
  if (authorizationId === null) return notUsed(null, 'no-authorization-id', 'the denial message carries no authorization ID');
  const regions = candidateRegions(finding);
  if (regions.length === 0) return notUsed(authorizationId, 'expired-or-unknown', 'no Region to ask: the finding has neither a source Region nor a Region in the console link');

  const found = await detailsIn(source, authorizationId, regions);
  if (!found.ok) return notUsed(authorizationId, reasonOf(found.failure), found.failure.detail);
  const { details, region } = found;

  const evaluation = deniedEvaluation(details, finding);
  const denying = evaluation === null ? [] : denyingScps(details, evaluation);
  if (evaluation === null || denying.length === 0) {
    return notUsed(authorizationId, 'no-matching-scp', evaluation === null
      ? `the details hold no explicitly denied evaluation of ${finding.action ?? 'the action'}`
      : 'no Deny statement of a service control policy matched the denied request');
  }
  const evaluated = evaluatedScps(details);
  if (evaluated.length > MAX_SCPS) return notUsed(authorizationId, 'invalid-response', `the details list ${evaluated.length} SCPs, more than Organizations allows for one account`);

  const documents = await Promise.all(evaluated.map(async (policy) => ({ policy, answer: await source.policy(authorizationId, policy.uri, region) })));
  const failed = documents.find((d) => !d.answer.ok);
  if (failed !== undefined && !failed.answer.ok) return notUsed(authorizationId, reasonOf(failed.answer.reason), failed.answer.reason.detail);

  const levels = scpLevels(documents.map((d) => ({ policy: d.policy, content: d.answer.ok ? d.answer.value : '' })));
  const scps: ScpDocument[][] = levels.map((level) => level.map((p) => ({ id: p.id, name: null, content: p.content, description: null })));
  return { lookup: { status: 'used', authorizationId, region, policies: denying }, scps };
}
