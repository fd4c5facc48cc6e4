import bundled from './in-region-models-data.json';

/**
 * The in-Region model catalog: which foundation models a Region serves on demand by their plain
 * model ID, with no inference profile — the second way out of a cross-Region SCP block ("use a
 * model that runs in-Region"). The bundled data is built from AWS's model/Region tables
 * (`npm run catalog:build-models`); the runtime truth is `bedrock:ListFoundationModels` with
 * `byInferenceType=ON_DEMAND` per Region, which `npm run catalog:refresh-models` turns into the
 * same shape.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/models-regions.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html
 */

/** What a model produces: only `text` models answer InvokeModel/Converse as chat or completion models. */
export type ModelKind = 'text' | 'embedding' | 'image' | 'rerank' | 'speech-to-speech' | 'video-understanding' | 'other';

/** One model a Region serves on demand. */
export interface InRegionModel {
  modelId: string;
  provider: string;
  name: string;
  kind: ModelKind;
  /**
   * How sure the source is: `high` for a Region refreshed from `ListFoundationModels` or a clean
   * documentation cell; `medium` where the documentation table had to be interpreted.
   */
  confidence: 'high' | 'medium';
}

/** Serialized catalog: per Region, the models in a stable order; when and how each Region was read. */
export interface InRegionCatalogData {
  source: string;
  /** Date (YYYY-MM-DD) of the data the snapshot Regions come from. */
  snapshotDate: string;
  /** Regions refreshed from `ListFoundationModels`, with the date of the call; the rest are snapshot data. */
  refreshed: Record<string, string>;
  regions: Record<string, InRegionModel[]>;
}

/** Read-only queries over the catalog. */
export interface InRegionCatalog {
  /** Models served on demand in `region` (empty when none, or when the Region is unknown). */
  models(region: string): InRegionModel[];
  /** Whether the catalog has data for `region` (an empty list then means "none"). */
  knowsRegion(region: string): boolean;
  /**
   * Alternatives to `foundationModel` in `region`: models of the same kind (text when unknown),
   * the model itself first when the Region serves it in-Region, then the same provider and family,
   * then the same provider, then the rest (high confidence first), each group in catalog order.
   */
  alternatives(region: string, foundationModel: string | null): InRegionModel[];
  /** Date of the data behind `region`: its refresh date, or the snapshot date. */
  dataDate(region: string): string;
  readonly source: string;
}

/** `anthropic` of `anthropic.claude-…`; `us-gov`/geography prefixes are not models and yield the first segment. */
function providerOf(modelId: string): string {
  return modelId.split('.')[0] ?? '';
}

/** `claude` of `anthropic.claude-3-haiku-…`, `nova` of `amazon.nova-lite-v1:0`, `llama` of `meta.llama3-…`. */
export function modelFamily(modelId: string): string {
  const rest = modelId.slice(modelId.indexOf('.') + 1);
  return /^[a-z]+/i.exec(rest)?.[0]?.toLowerCase() ?? '';
}

/** Writes catalog data as stable, diff-friendly JSON (one model per line). */
export function serializeInRegionCatalogData(data: InRegionCatalogData): string {
  const regionBlocks = Object.keys(data.regions)
    .sort()
    .map((region) => {
      const models = data.regions[region] ?? [];
      const lines = models.map((model) => `      ${JSON.stringify(model)}`);
      return `    ${JSON.stringify(region)}: [${lines.length === 0 ? '' : `\n${lines.join(',\n')}\n    `}]`;
    });
  return [
    '{',
    `  "source": ${JSON.stringify(data.source)},`,
    `  "snapshotDate": ${JSON.stringify(data.snapshotDate)},`,
    `  "refreshed": ${JSON.stringify(data.refreshed)},`,
    `  "regions": {\n${regionBlocks.join(',\n')}\n  }`,
    '}',
    '',
  ].join('\n');
}

/** Builds a catalog over serialized data (the bundled snapshot or a refreshed file). */
export function createInRegionCatalog(data: InRegionCatalogData): InRegionCatalog {
  const kindOf = new Map<string, ModelKind>();
  for (const models of Object.values(data.regions)) for (const model of models) kindOf.set(model.modelId, model.kind);
  const known = (region: string): InRegionModel[] | undefined =>
    Object.prototype.hasOwnProperty.call(data.regions, region) ? data.regions[region] : undefined;

  return {
    source: data.source,
    models: (region) => (known(region) ?? []).map((model) => ({ ...model })),
    knowsRegion: (region) => known(region) !== undefined,
    dataDate: (region) => data.refreshed[region] ?? data.snapshotDate,
    alternatives(region, foundationModel) {
      const kind = (foundationModel === null ? undefined : kindOf.get(foundationModel)) ?? 'text';
      const provider = foundationModel === null ? null : providerOf(foundationModel);
      const family = foundationModel === null ? null : modelFamily(foundationModel);
      const rankOf = (model: InRegionModel): number => {
        if (model.modelId === foundationModel) return 0;
        if (providerOf(model.modelId) !== provider) return model.confidence === 'high' ? 3 : 4;
        return modelFamily(model.modelId) === family ? 1 : 2;
      };
      return (known(region) ?? [])
        .filter((model) => model.kind === kind)
        .map((model, index) => ({ model, index, rank: rankOf(model) }))
        .sort((a, b) => a.rank - b.rank || a.index - b.index)
        .map(({ model }) => ({ ...model }));
    },
  };
}

let bundledCatalog: InRegionCatalog | undefined;

/** The in-Region catalog bundled with this release. */
export function loadBundledInRegionCatalog(): InRegionCatalog {
  bundledCatalog ??= createInRegionCatalog(bundled as InRegionCatalogData);
  return bundledCatalog;
}

/** What `ListFoundationModels(byInferenceType=ON_DEMAND)` reported for one Region. */
export interface ModelRegionReport {
  region: string;
  /** The call's date (YYYY-MM-DD). */
  date: string;
  models: Array<{
    modelId: string;
    providerName: string | null;
    modelName: string | null;
    outputModalities: readonly string[];
    inferenceTypesSupported: readonly string[];
    lifecycleStatus: string | null;
  }>;
}

function kindFromModalities(outputs: readonly string[], modelId: string): ModelKind {
  if (outputs.includes('TEXT')) return 'text';
  if (outputs.includes('EMBEDDING')) return /rerank/i.test(modelId) ? 'rerank' : 'embedding';
  if (outputs.includes('IMAGE')) return 'image';
  return 'other';
}

/**
 * Replaces each reported Region's models with what Bedrock listed: only models that support
 * `ON_DEMAND` (the filter is applied again here, in case a proxy ignored it) and are `ACTIVE`
 * (`LEGACY` models are on their way out and are not worth migrating to). Regions not reported
 * keep their previous data and date.
 */
export function mergeModelReports(base: InRegionCatalogData, reports: readonly ModelRegionReport[], source: string): InRegionCatalogData {
  const regions: Record<string, InRegionModel[]> = { ...base.regions };
  const refreshed: Record<string, string> = { ...base.refreshed };
  for (const report of reports) {
    const previous = new Map((base.regions[report.region] ?? []).map((model) => [model.modelId, model]));
    regions[report.region] = report.models
      .filter((model) => model.inferenceTypesSupported.includes('ON_DEMAND') && (model.lifecycleStatus ?? 'ACTIVE') === 'ACTIVE')
      .map((model) => ({
        modelId: model.modelId,
        provider: model.providerName ?? previous.get(model.modelId)?.provider ?? providerOf(model.modelId),
        name: model.modelName ?? previous.get(model.modelId)?.name ?? model.modelId,
        kind: kindFromModalities(model.outputModalities, model.modelId),
        confidence: 'high' as const,
      }))
      .sort((a, b) => a.modelId.localeCompare(b.modelId));
    refreshed[report.region] = report.date;
  }
  return { source, snapshotDate: base.snapshotDate, refreshed, regions };
}
