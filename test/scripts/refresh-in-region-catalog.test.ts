import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshInRegionCatalog } from '../../scripts/refresh-in-region-catalog.js';
import { createInRegionCatalog, type InRegionCatalogData } from '../../shared/core/classify/in-region-catalog.js';
import { startBedrockServer, type ServedModel } from '../helpers/bedrock-server.js';
import { ROOT } from '../helpers/load-event.js';

const served = (modelId: string, overrides: Partial<ServedModel> = {}): ServedModel => ({
  modelId,
  modelName: modelId.split('.')[1] ?? modelId,
  providerName: 'Anthropic',
  inputModalities: ['TEXT'],
  outputModalities: ['TEXT'],
  inferenceTypesSupported: ['ON_DEMAND'],
  modelLifecycle: { status: 'ACTIVE' },
  ...overrides,
});

describe('npm run catalog:refresh-models against a loopback Bedrock control plane', () => {
  let bedrock: Awaited<ReturnType<typeof startBedrockServer>>;

  beforeAll(async () => {
    bedrock = await startBedrockServer({}, 2, {
      'ap-northeast-1': [
        served('anthropic.claude-haiku-4-5-20251001-v1:0'),
        served('anthropic.claude-3-haiku-20240307-v1:0', { modelLifecycle: { status: 'LEGACY' } }),
        served('anthropic.claude-sonnet-4-5-20250929-v1:0', { inferenceTypesSupported: ['INFERENCE_PROFILE'] }),
        served('amazon.titan-embed-text-v2:0', { providerName: 'Amazon', outputModalities: ['EMBEDDING'] }),
      ],
    });
    process.env.AWS_ENDPOINT_URL_BEDROCK = bedrock.url;
  });

  afterAll(() => {
    delete process.env.AWS_ENDPOINT_URL_BEDROCK;
    bedrock.server.close();
  });

  it('asks for on-demand models, keeps the ACTIVE ones, dates the Region, keeps failed Regions and exits 2', async () => {
    // Prepare
    const out = join(mkdtempSync(join(tmpdir(), 'in-region-')), 'in-region.json');
    copyFileSync(join(ROOT, 'shared', 'core', 'classify', 'in-region-models-data.json'), out);
    const before = createInRegionCatalog(JSON.parse(readFileSync(out, 'utf8')) as InRegionCatalogData);

    // Act
    const code = await refreshInRegionCatalog(['--region', 'ap-northeast-1', '--region', 'eu-west-1', '--out', out], undefined, new Date('2026-12-01T08:00:00Z'));

    // Assess
    const after = createInRegionCatalog(JSON.parse(readFileSync(out, 'utf8')) as InRegionCatalogData);
    expect(code).toBe(2);
    expect(bedrock.requests).toContain('ap-northeast-1 GET /foundation-models?byInferenceType=ON_DEMAND');
    expect(after.models('ap-northeast-1').map((model) => [model.modelId, model.kind])).toEqual([
      ['amazon.titan-embed-text-v2:0', 'embedding'],
      ['anthropic.claude-haiku-4-5-20251001-v1:0', 'text'],
    ]);
    expect(after.dataDate('ap-northeast-1')).toBe('2026-12-01');
    expect(after.models('eu-west-1')).toEqual(before.models('eu-west-1'));
    expect(after.dataDate('eu-west-1')).toBe(before.dataDate('eu-west-1'));
  });
});
