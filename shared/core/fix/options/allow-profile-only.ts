/**
 * Approach 5 (recommended): let the inference actions reach every destination Region of this
 * profile, and only through it.
 * @see https://aws.amazon.com/blogs/machine-learning/enable-amazon-bedrock-cross-region-inference-in-multi-account-environments/
 */
import type { FixOption, Language } from '../../types.js';
import type { FixContext } from '../fix-context.js';
import { buildOption } from './common.js';
import { contextParams } from './params.js';

/** Builds the allow-this-profile-only option; `existingGuard` names the Bedrock statement it extends. */
export function allowProfileOnlyOption(input: {
  lang: Language;
  rank: number;
  context: FixContext;
  snippet: FixOption['snippet'];
  existingGuard?: string | null;
  verification?: FixOption['verification'];
}): FixOption {
  const existing = input.existingGuard ?? null;
  return buildOption({
    id: 'allow-profile-only',
    rank: input.rank,
    lang: input.lang,
    title: 'allowProfileOnly.title',
    summary: existing === null ? 'allowProfileOnly.summary' : 'allowProfileOnly.summaryExistingGuard',
    tradeoffs: 'allowProfileOnly.tradeoffs',
    params: { ...contextParams(input.context), statement: existing ?? '-' },
    snippet: input.snippet,
    verification: input.verification,
  });
}
