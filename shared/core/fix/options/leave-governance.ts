/**
 * Approach 1 (last): take the account out of the Region governance. Listed for completeness, with
 * its risk spelled out.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_move.html
 */
import type { FixOption, Language } from '../../types.js';
import type { FixContext } from '../fix-context.js';
import { buildOption } from './common.js';
import { contextParams } from './params.js';

/** Builds the leave-governance option. */
export function leaveGovernanceOption(input: { lang: Language; rank: number; context: FixContext }): FixOption {
  return buildOption({
    id: 'leave-governance',
    rank: input.rank,
    lang: input.lang,
    title: 'leaveGovernance.title',
    summary: 'leaveGovernance.summary',
    tradeoffs: 'leaveGovernance.tradeoffs',
    params: contextParams(input.context),
    snippet: null,
  });
}
