/**
 * Turns patched documents into what a person reviews: the full patched policy in the original's
 * style, a unified diff, and its size against the SCP limit.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
import type { StatementRef } from '../scp/types.js';
import type { ScpPatch } from '../types.js';
import { unifiedDiff } from './diff.js';
import { detectIndent, measurePolicy, renderLike } from './policy-text.js';
import { statementsOf, type JsonObject } from './policy-edit.js';
import type { LoadedScp } from './verify.js';

/** File name used in diffs: the policy name, else the last segment of its ID. */
export function diffName(scp: LoadedScp): string {
  const name = scp.source.name ?? scp.source.id.split('/').pop() ?? 'policy';
  return name.endsWith('.json') ? name : `${name}.json`;
}

function sizeFields(text: string): Pick<ScpPatch, 'size' | 'fitsLimit' | 'minifiedSize'> {
  const report = measurePolicy(text);
  return { size: report.size, fitsLimit: report.minifiedFits, minifiedSize: report.minifiedSize };
}

function base(scp: LoadedScp, statement: StatementRef, controlTowerManaged: boolean): Pick<ScpPatch, 'policyArn' | 'policyName' | 'statement' | 'controlTowerManaged'> {
  return {
    policyArn: scp.source.id.startsWith('arn:') ? scp.source.id : null,
    policyName: scp.source.name,
    statement: { sid: statement.sid, index: statement.index },
    controlTowerManaged,
  };
}

/** An edit of an existing policy: full patched text in the original's style, and its diff. */
export function editPatch(scp: LoadedScp, patched: JsonObject, statement: StatementRef): ScpPatch {
  const text = renderLike(scp.source.content, scp.document, patched);
  const name = diffName(scp);
  return {
    ...base(scp, statement, false),
    patchedPolicy: text,
    diff: unifiedDiff(scp.source.content, text, { fromName: `a/${name}`, toName: `b/${name}` }),
    ...sizeFields(text),
    mode: 'edit',
  };
}

/** Name of the separate SCP proposed next to a Control Tower-managed one. */
export const GUARD_POLICY_NAME = 'bedrock-cris-guard.json';

/**
 * A new policy holding the statements a patch added to a Control Tower-managed SCP, which itself is
 * never edited. Null when the patch added no statement.
 */
export function newPolicyPatch(scp: LoadedScp, patched: JsonObject, statement: StatementRef): ScpPatch | null {
  const originalCount = statementsOf(scp.document).length;
  const added = statementsOf(patched).slice(originalCount);
  if (added.length === 0) return null;
  const version = typeof scp.document?.Version === 'string' ? scp.document.Version : '2012-10-17';
  const indent = detectIndent(scp.source.content) || '  ';
  const text = `${JSON.stringify({ Version: version, Statement: added }, null, indent)}\n`;
  return {
    ...base(scp, statement, true),
    patchedPolicy: text,
    diff: unifiedDiff('', text, { fromName: '/dev/null', toName: `b/${GUARD_POLICY_NAME}` }),
    ...sizeFields(text),
    mode: 'new-policy',
  };
}
