/**
 * Approach 2: call a model that runs in the source Region without cross-Region inference. The
 * models come from the in-Region catalog (AWS's model/Region tables, or `ListFoundationModels`
 * when refreshed), the denied model itself first when the Region serves it, then the same provider
 * and family; the texts name the date of that data, because availability changes.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/models-regions.html
 */
import type { FixOption, Language } from '../../types.js';
import { loadBundledInRegionCatalog, type InRegionCatalog, type InRegionModel } from '../../classify/in-region-catalog.js';
import type { FixContext } from '../fix-context.js';
import { buildOption, listText } from './common.js';
import { contextParams } from './params.js';

/** How many alternatives the summary names; the snippet lists them all. */
const SUMMARY_MODELS = 6;

function summaryList(models: readonly InRegionModel[], lang: Language): string {
  const named = listText(models.slice(0, SUMMARY_MODELS).map((model) => model.modelId));
  const more = models.length - SUMMARY_MODELS;
  if (more <= 0) return named;
  return IN_REGION_TEXT[lang].andMore({ named, more });
}

/** The texts this option builds itself, per language (the rest is in `../messages.ts`). */
export const IN_REGION_TEXT: Readonly<Record<Language, { andMore: (v: { named: string; more: number }) => string }>> = {
  en: { andMore: ({ named, more }) => (more > 0 ? `${named} and ${more} more` : named) },
  ja: { andMore: ({ named, more }) => (more > 0 ? `${named} ほか ${more} 件` : named) },
};

function snippetOf(models: readonly InRegionModel[]): FixOption['snippet'] {
  const width = Math.max(...models.map((model) => model.modelId.length));
  const lines = models.map((model) => `${model.modelId.padEnd(width)}  ${model.provider} ${model.name}`.trimEnd());
  return { language: 'text', content: `${lines.join('\n')}\n` };
}

/** Builds the in-Region-model option from what the in-Region catalog knows about the source Region. */
export function inRegionModelOption(input: {
  lang: Language;
  rank: number;
  context: FixContext;
  inRegion?: InRegionCatalog;
}): FixOption {
  const catalog = input.inRegion ?? loadBundledInRegionCatalog();
  const source = input.context.sourceRegion;
  const base = { id: 'in-region-model' as const, rank: input.rank, lang: input.lang, title: 'inRegionModel.title' as const, tradeoffs: 'inRegionModel.tradeoffs' as const };
  if (source === null || !catalog.knowsRegion(source)) {
    return buildOption({ ...base, summary: 'inRegionModel.summaryUnknownRegion', params: contextParams(input.context), snippet: null });
  }
  const model = input.context.foundationModel;
  const models = catalog.alternatives(source, model);
  const params = { ...contextParams(input.context), date: catalog.dataDate(source), model: model ?? '-' };
  if (models.length === 0) {
    return buildOption({ ...base, summary: 'inRegionModel.summaryNone', params, snippet: null });
  }
  const same = models[0]?.modelId === model;
  const others = same ? models.slice(1) : models;
  return buildOption({
    ...base,
    summary: same ? (others.length > 0 ? 'inRegionModel.summarySame' : 'inRegionModel.summarySameOnly') : 'inRegionModel.summaryKnown',
    params: { ...params, models: summaryList(others, input.lang) },
    snippet: snippetOf(models),
  });
}
