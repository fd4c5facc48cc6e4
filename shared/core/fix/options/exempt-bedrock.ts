/**
 * Approach 4: exempt Bedrock inference from the Region deny, guarded so direct calls outside the
 * approved Regions stay denied.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Null
 */
import type { FixOption, Language } from '../../types.js';
import type { FixContext } from '../fix-context.js';
import { buildOption } from './common.js';
import { contextParams } from './params.js';

/** Builds the exempt-Bedrock option. */
export function exemptBedrockOption(input: {
  lang: Language;
  rank: number;
  context: FixContext;
  snippet: FixOption['snippet'];
  verification?: FixOption['verification'];
}): FixOption {
  return buildOption({
    id: 'exempt-bedrock',
    rank: input.rank,
    lang: input.lang,
    title: 'exemptBedrock.title',
    summary: 'exemptBedrock.summary',
    tradeoffs: 'exemptBedrock.tradeoffs',
    params: contextParams(input.context),
    snippet: input.snippet,
    verification: input.verification,
  });
}
