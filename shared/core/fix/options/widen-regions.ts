/**
 * Approach 3: add the profile's destination Regions to the approved Regions.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
 */
import type { FixOption, Language } from '../../types.js';
import type { FixContext } from '../fix-context.js';
import { buildOption, jsonSnippet, listText } from './common.js';
import { contextParams } from './params.js';

/** Builds the widen-Regions option; without a patched policy, the snippet is the Region list. */
export function widenRegionsOption(input: {
  lang: Language;
  rank: number;
  context: FixContext;
  controlTower: boolean;
  /** Regions already approved (when the SCP is known); only the others are proposed. */
  approved?: readonly string[];
  snippet?: FixOption['snippet'];
  verification?: FixOption['verification'];
}): FixOption {
  const ct = input.controlTower;
  const approved = new Set(input.approved ?? []);
  const regions = input.context.scpRegions.filter((region) => !approved.has(region));
  return buildOption({
    id: 'widen-regions',
    rank: input.rank,
    lang: input.lang,
    title: 'widenRegions.title',
    summary: ct ? 'widenRegions.summaryControlTower' : 'widenRegions.summary',
    tradeoffs: ct ? 'widenRegions.tradeoffsControlTower' : 'widenRegions.tradeoffs',
    params: { ...contextParams(input.context), regions: listText(regions) },
    snippet: input.snippet ?? jsonSnippet({ 'aws:RequestedRegion': regions }),
    verification: input.verification,
  });
}
