/**
 * Approach 2: call a model that runs in the source Region without cross-Region inference.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/models-regions.html
 */
import type { FixOption, Language } from '../../types.js';
import type { ProfileCatalog } from '../../classify/profile-catalog.js';
import type { FixContext } from '../fix-context.js';
import { buildOption, listText } from './common.js';
import { contextParams } from './params.js';

/** Builds the in-Region-model option from what the catalog knows about the source Region. */
export function inRegionModelOption(input: {
  lang: Language;
  rank: number;
  context: FixContext;
  catalog: ProfileCatalog;
}): FixOption {
  const source = input.context.sourceRegion;
  const models = source === null ? [] : input.catalog.inRegionModels(source);
  return buildOption({
    id: 'in-region-model',
    rank: input.rank,
    lang: input.lang,
    title: 'inRegionModel.title',
    summary: models.length > 0 ? 'inRegionModel.summaryKnown' : 'inRegionModel.summaryNone',
    tradeoffs: 'inRegionModel.tradeoffs',
    params: { ...contextParams(input.context), models: listText(models) },
    snippet: models.length > 0 ? { language: 'text', content: `${models.join('\n')}\n` } : null,
  });
}
