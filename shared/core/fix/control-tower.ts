/**
 * Tells Control Tower-managed SCPs apart. Editing them causes drift that Control Tower reverts or
 * reports, so the fix engine never proposes an edit to one.
 * @see https://docs.aws.amazon.com/controltower/latest/userguide/region-deny.html
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/primary-region-deny-policy.html
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/ou-region-deny.html
 */
import type { ScpDocument } from '../types.js';
import { isObject, statementsOf } from './policy-edit.js';

/** Which Control Tower Region deny a policy implements. */
export type ControlTowerKind = 'landing-zone-region-deny' | 'ou-region-deny' | 'other-control';

/** Why a policy was recognized as Control Tower-managed, or null when it was not. */
export interface ControlTowerMatch {
  kind: ControlTowerKind;
  signal: 'sid' | 'name' | 'description';
}

const REGION_DENY_SIDS = new Set(['GRREGIONDENY']);
const OU_REGION_DENY_SIDS = new Set(['CTMULTISERVICEPV1']);

function parseDocument(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return null;
  }
}

function kindOf(sids: readonly string[]): ControlTowerKind {
  if (sids.some((sid) => REGION_DENY_SIDS.has(sid))) return 'landing-zone-region-deny';
  if (sids.some((sid) => OU_REGION_DENY_SIDS.has(sid.replace(/[^A-Za-z0-9]/g, '').toUpperCase()))) return 'ou-region-deny';
  return 'other-control';
}

/**
 * Whether an SCP is managed by AWS Control Tower: a `GRREGIONDENY` (or other `GR…`/CT control) Sid,
 * a name starting `aws-guardrails-`, or a description naming Control Tower.
 * Contract: total, never throws.
 */
export function detectControlTower(document: ScpDocument): ControlTowerMatch | null {
  const parsed = parseDocument(typeof document?.content === 'string' ? document.content : '');
  const sids = statementsOf(parsed)
    .map((statement) => (isObject(statement) && typeof statement.Sid === 'string' ? statement.Sid : ''))
    .filter((sid) => sid.length > 0);
  const kind = kindOf(sids);
  if (kind !== 'other-control') return { kind, signal: 'sid' };
  const name = typeof document?.name === 'string' ? document.name : '';
  if (name.toLowerCase().startsWith('aws-guardrails-')) return { kind, signal: 'name' };
  const description = typeof document?.description === 'string' ? document.description : '';
  if (/aws control tower|aws-guardrails/i.test(description)) return { kind, signal: 'description' };
  return null;
}

/** Whether a statement Sid marks it as Control Tower's (used on the denying statement itself). */
export function isControlTowerSid(sid: string | null): boolean {
  if (sid === null) return false;
  return REGION_DENY_SIDS.has(sid) || OU_REGION_DENY_SIDS.has(sid.replace(/[^A-Za-z0-9]/g, '').toUpperCase());
}
