import { BedrockClient } from '@aws-sdk/client-bedrock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBedrockDestinationResolver } from '../../../shared/adapters/bedrock-profile-resolver.js';
import { startBedrockServer } from '../../helpers/bedrock-server.js';

const PROFILE = 'apac.anthropic.claude-sonnet-4-6-v1:0';
const fm = (region: string) => ({ modelArn: `arn:aws:bedrock:${region}::foundation-model/anthropic.claude-sonnet-4-6-v1:0` });

describe('createBedrockDestinationResolver against a loopback Bedrock control plane', () => {
  let bedrock: Awaited<ReturnType<typeof startBedrockServer>>;
  const clientFor = (region: string) => new BedrockClient({ region, endpoint: bedrock.url, maxAttempts: 1 });

  beforeAll(async () => {
    bedrock = await startBedrockServer({
      'ap-northeast-1': [{ inferenceProfileId: PROFILE, models: [fm('ap-northeast-1'), fm('ap-southeast-2'), fm('ap-northeast-1'), fm('ap-south-1')] }],
    });
  });

  afterAll(() => {
    bedrock.server.close();
  });

  it('reads the destination Regions from the model ARNs, once per profile and Region', async () => {
    // Prepare
    const resolve = createBedrockDestinationResolver({ clientFor });
    const before = bedrock.requests.length;

    // Act
    const first = await resolve(PROFILE, 'ap-northeast-1');
    const second = await resolve(PROFILE, 'ap-northeast-1');

    // Assess
    expect(first).toEqual({ ok: true, value: ['ap-northeast-1', 'ap-south-1', 'ap-southeast-2'] });
    expect(second).toEqual(first);
    expect(bedrock.requests.slice(before)).toEqual([`ap-northeast-1 GET /inference-profiles/${encodeURIComponent(PROFILE)}`]);
  });

  it('reports a failure naming the profile and Region, and does not ask again at once', async () => {
    // Prepare
    let now = 0;
    const resolve = createBedrockDestinationResolver({ clientFor, now: () => now, failureTtlMs: 1000 });
    const before = bedrock.requests.length;

    // Act
    const missing = await resolve('apac.unknown-model-v1:0', 'ap-northeast-1');
    await resolve('apac.unknown-model-v1:0', 'ap-northeast-1');
    now = 2000;
    await resolve('apac.unknown-model-v1:0', 'ap-northeast-1');
    const denied = await resolve(PROFILE, 'eu-west-1');

    // Assess
    expect(missing.ok).toBe(false);
    expect(missing.ok ? '' : missing.reason).toMatch(/^GetInferenceProfile apac\.unknown-model-v1:0 in ap-northeast-1 failed: ResourceNotFoundException/);
    expect(denied.ok ? '' : denied.reason).toMatch(/in eu-west-1 failed: AccessDeniedException/);
    expect(bedrock.requests.slice(before).filter((line) => line.includes('unknown-model'))).toHaveLength(2);
  });
});
