import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshCatalog } from '../../scripts/refresh-catalog.js';
import { createProfileCatalog, type CatalogData } from '../../shared/core/classify/profile-catalog.js';
import { startBedrockServer } from '../helpers/bedrock-server.js';
import { ROOT } from '../helpers/load-event.js';

const fm = (region: string, model: string) => `arn:aws:bedrock:${region}::foundation-model/${model}`;

describe('npm run catalog:refresh against a loopback Bedrock control plane', () => {
  let bedrock: Awaited<ReturnType<typeof startBedrockServer>>;

  beforeAll(async () => {
    bedrock = await startBedrockServer({
      'ap-northeast-1': [
        { inferenceProfileId: 'apac.anthropic.claude-sonnet-4-6-v1:0', models: [fm('ap-northeast-1', 'anthropic.claude-sonnet-4-6-v1:0'), fm('ap-southeast-2', 'anthropic.claude-sonnet-4-6-v1:0'), fm('ap-south-1', 'anthropic.claude-sonnet-4-6-v1:0')].map((modelArn) => ({ modelArn })) },
        { inferenceProfileId: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0', models: [{ modelArn: fm('ap-northeast-1', 'x') }, { modelArn: fm('ap-northeast-3', 'x') }] },
        { inferenceProfileId: 'global.anthropic.claude-sonnet-4-6-v1:0', models: [{ modelArn: 'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-6-v1:0' }] },
      ],
    });
    process.env.AWS_ENDPOINT_URL_BEDROCK = bedrock.url;
  });

  afterAll(() => {
    delete process.env.AWS_ENDPOINT_URL_BEDROCK;
    bedrock.server.close();
  });

  it('adds new profiles from every page, keeps failed Regions, and exits 2 naming the failure', async () => {
    // Prepare
    const out = join(mkdtempSync(join(tmpdir(), 'catalog-')), 'catalog.json');
    copyFileSync(join(ROOT, 'shared', 'core', 'classify', 'profile-catalog-data.json'), out);
    const before = createProfileCatalog(JSON.parse(readFileSync(out, 'utf8')) as CatalogData);

    // Act
    const code = await refreshCatalog(['--region', 'ap-northeast-1', '--region', 'eu-west-1', '--out', out]);

    // Assess
    const after = createProfileCatalog(JSON.parse(readFileSync(out, 'utf8')) as CatalogData);
    expect(code).toBe(2);
    expect(bedrock.requests.filter((line) => line.startsWith('ap-northeast-1 GET /inference-profiles'))).toHaveLength(2);
    expect(after.destinations('apac.anthropic.claude-sonnet-4-6-v1:0', 'ap-northeast-1')).toEqual({ regions: ['ap-northeast-1', 'ap-south-1', 'ap-southeast-2'], source: 'catalog' });
    expect(after.destinations('global.anthropic.claude-sonnet-4-6-v1:0', 'ap-northeast-1')?.regions).toContain('us-east-1');
    expect(after.size).toBe(before.size + 2);
    expect(after.destinations('eu.amazon.nova-lite-v1:0', 'eu-west-1')).toEqual(before.destinations('eu.amazon.nova-lite-v1:0', 'eu-west-1'));
  });
});
