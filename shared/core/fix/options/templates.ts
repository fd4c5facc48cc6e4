/**
 * Statement templates used when the SCP in force is unknown: the statements a patch would add to a
 * typical Region deny, with the approved Regions as placeholders to replace.
 * @see https://github.com/aws-samples/service-control-policy-examples
 */
import type { FixContext } from '../fix-context.js';
import { patchStatement, type PatchStrategy } from '../patch-scp.js';
import { statementsOf, type JsonObject } from '../policy-edit.js';

/** Placeholder for the Regions an organization approves. */
export const APPROVED_REGIONS_PLACEHOLDER = '<other-approved-Regions>';

/** A typical Region-deny statement with the source Region and a placeholder approved. */
export function templateRegionDeny(context: FixContext): JsonObject {
  const approved = context.sourceRegion !== null ? [context.sourceRegion, APPROVED_REGIONS_PLACEHOLDER] : [APPROVED_REGIONS_PLACEHOLDER];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyOutsideApprovedRegions',
        Effect: 'Deny',
        NotAction: ['<global services you exempt>'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': approved } },
      },
    ],
  };
}

/** The statements a strategy adds to the template Region deny, as a policy document. */
export function addedStatementsDocument(context: FixContext, strategy: PatchStrategy): JsonObject | null {
  const template = templateRegionDeny(context);
  const patched = patchStatement(template, 0, context, strategy);
  if (!patched.ok) return null;
  return { Version: '2012-10-17', Statement: statementsOf(patched.document).slice(1) };
}
