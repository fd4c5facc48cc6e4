import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createInRegionCatalog,
  loadBundledInRegionCatalog,
  mergeModelReports,
  modelFamily,
  type InRegionCatalogData,
} from '../../../../shared/core/classify/in-region-catalog.js';
import { ROOT } from '../../../helpers/load-event.js';

/** The reference snapshot the bundled catalog is built from (AWS model/Region tables, Feb 2026), beside the checkout. */
const REFERENCE_FILE = join(ROOT, '..', 'shared', 'data', 'in-region-models.json');
const REFERENCE = (existsSync(REFERENCE_FILE) ? JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) : { regions: {} }) as {
  regions: Record<string, Array<{ modelId: string; kind: string }>>;
};

const data = (): InRegionCatalogData => ({
  source: 'test',
  snapshotDate: '2026-02-15',
  refreshed: {},
  regions: {
    'ap-northeast-1': [
      { modelId: 'amazon.nova-lite-v1:0', provider: 'Amazon', name: 'Nova Lite', kind: 'text', confidence: 'high' },
      { modelId: 'qwen.qwen3-32b-v1:0', provider: 'Qwen', name: 'Qwen3 32B', kind: 'text', confidence: 'medium' },
      { modelId: 'deepseek.v3-v1:0', provider: 'DeepSeek', name: 'DeepSeek-V3.1', kind: 'text', confidence: 'high' },
      { modelId: 'anthropic.claude-3-haiku-20240307-v1:0', provider: 'Anthropic', name: 'Claude 3 Haiku', kind: 'text', confidence: 'medium' },
      { modelId: 'amazon.titan-embed-text-v2:0', provider: 'Amazon', name: 'Titan Embeddings V2', kind: 'embedding', confidence: 'high' },
    ],
    'ap-northeast-3': [],
  },
});

describe('in-Region catalog', () => {
  it.runIf(Object.keys(REFERENCE.regions).length > 0)('bundles every model of the reference snapshot, Region by Region, in its order', () => {
    const catalog = loadBundledInRegionCatalog();
    for (const [region, models] of Object.entries(REFERENCE.regions)) {
      expect(catalog.models(region).map((model) => model.modelId), region).toEqual(models.map((model) => model.modelId));
    }
  });

  it.each([
    ['ap-northeast-1', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0'],
    ['ap-southeast-2', 'amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0'],
    ['eu-central-1', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0'],
    ['us-east-1', 'meta.llama4-scout-17b-instruct-v1:0', 'meta.llama3-70b-instruct-v1:0'],
  ])('in %s offers the closest bundled model to %s first: %s', (region, model, first) => {
    const alternatives = loadBundledInRegionCatalog().alternatives(region, model);
    expect(alternatives[0]?.modelId).toBe(first);
    expect(alternatives.every((candidate) => candidate.kind === 'text')).toBe(true);
    expect(new Set(alternatives.map((candidate) => candidate.modelId)).size).toBe(alternatives.length);
  });

  it('puts the model itself first, then its family, its provider, and the rest with high confidence before medium', () => {
    const catalog = createInRegionCatalog(data());
    expect(catalog.alternatives('ap-northeast-1', 'amazon.nova-lite-v1:0').map((m) => m.modelId)).toEqual([
      'amazon.nova-lite-v1:0',
      'deepseek.v3-v1:0',
      'qwen.qwen3-32b-v1:0',
      'anthropic.claude-3-haiku-20240307-v1:0',
    ]);
    expect(catalog.alternatives('ap-northeast-1', 'anthropic.claude-opus-4-6-v1').map((m) => m.modelId)[0]).toBe('anthropic.claude-3-haiku-20240307-v1:0');
  });

  it('offers embedding models for an embedding model, text models when the model is unknown', () => {
    const catalog = createInRegionCatalog(data());
    expect(catalog.alternatives('ap-northeast-1', 'amazon.titan-embed-text-v2:0').map((m) => m.modelId)).toEqual(['amazon.titan-embed-text-v2:0']);
    expect(catalog.alternatives('ap-northeast-1', null)).toHaveLength(4);
  });

  it('tells a Region known to have no in-Region model from a Region it has no data for', () => {
    const catalog = createInRegionCatalog(data());
    expect([catalog.knowsRegion('ap-northeast-3'), catalog.models('ap-northeast-3')]).toEqual([true, []]);
    expect([catalog.knowsRegion('mx-central-1'), catalog.knowsRegion('constructor')]).toEqual([false, false]);
  });

  it.each([
    ['anthropic.claude-3-haiku-20240307-v1:0', 'claude'],
    ['amazon.nova-lite-v1:0', 'nova'],
    ['meta.llama3-70b-instruct-v1:0', 'llama'],
    ['deepseek.v3-v1:0', 'v'],
  ])('family of %s is %s', (modelId, family) => {
    expect(modelFamily(modelId)).toBe(family);
  });
});

describe('merging ListFoundationModels reports', () => {
  const model = (modelId: string, overrides: Partial<{ outputModalities: string[]; inferenceTypesSupported: string[]; lifecycleStatus: string | null }> = {}) => ({
    modelId,
    providerName: 'Amazon',
    modelName: modelId,
    outputModalities: ['TEXT'],
    inferenceTypesSupported: ['ON_DEMAND'],
    lifecycleStatus: 'ACTIVE',
    ...overrides,
  });

  it('replaces a reported Region with its ACTIVE on-demand models, dated, and keeps the others as they were', () => {
    // Prepare
    const base = data();

    // Act
    const merged = mergeModelReports(
      base,
      [
        {
          region: 'ap-northeast-1',
          date: '2026-12-01',
          models: [
            model('amazon.nova-micro-v1:0'),
            model('amazon.nova-lite-v1:0'),
            model('anthropic.claude-3-5-sonnet-20240620-v1:0', { lifecycleStatus: 'LEGACY' }),
            model('anthropic.claude-sonnet-4-5-20250929-v1:0', { inferenceTypesSupported: ['INFERENCE_PROFILE'] }),
            model('amazon.titan-embed-text-v2:0', { outputModalities: ['EMBEDDING'] }),
            model('cohere.rerank-v3-5:0', { outputModalities: ['EMBEDDING'] }),
            model('amazon.nova-canvas-v1:0', { outputModalities: ['IMAGE'] }),
          ],
        },
      ],
      'refreshed',
    );

    // Assess
    const catalog = createInRegionCatalog(merged);
    expect(catalog.models('ap-northeast-1').map((m) => [m.modelId, m.kind, m.confidence])).toEqual([
      ['amazon.nova-canvas-v1:0', 'image', 'high'],
      ['amazon.nova-lite-v1:0', 'text', 'high'],
      ['amazon.nova-micro-v1:0', 'text', 'high'],
      ['amazon.titan-embed-text-v2:0', 'embedding', 'high'],
      ['cohere.rerank-v3-5:0', 'rerank', 'high'],
    ]);
    expect([catalog.dataDate('ap-northeast-1'), catalog.dataDate('ap-northeast-3')]).toEqual(['2026-12-01', '2026-02-15']);
    expect(merged.regions['ap-northeast-3']).toEqual([]);
    expect(base.regions['ap-northeast-1']).toHaveLength(5);
  });
});
