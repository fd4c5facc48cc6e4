import { describe, expect, it } from 'vitest';
import { createProfileCatalog, loadBundledCatalog, serializeCatalogData, type CatalogData } from '../../../../shared/core/classify/profile-catalog.js';
import { parseModelId } from '../../../../shared/core/classify/model-id.js';

describe('the bundled profile catalog', () => {
  const catalog = loadBundledCatalog();

  it('holds the 96 profiles of the documentation snapshot', () => {
    expect(catalog.size).toBe(96);
  });

  it.each([
    ['jp.anthropic.claude-sonnet-4-5-20250929-v1:0', 'ap-northeast-1', ['ap-northeast-1', 'ap-northeast-3']],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'us-west-1', ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2']],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', 'us-east-1', ['us-east-1', 'us-east-2', 'us-west-2']],
  ])('routes %s from %s to exactly its documented Regions', (profileId, source, regions) => {
    expect(catalog.destinations(profileId, source)).toEqual({ regions, source: 'catalog' });
  });

  it('routes a global profile to every commercial Region including the source', () => {
    const destinations = catalog.destinations('global.anthropic.claude-opus-4-5-20251101-v1:0', 'ap-northeast-1');

    expect(destinations?.source).toBe('catalog');
    expect(destinations?.regions).toEqual(expect.arrayContaining(['ap-northeast-1', 'us-east-1', 'eu-west-1', 'sa-east-1']));
    expect(destinations?.regions).not.toContain('us-gov-west-1');
  });

  it('falls back to the whole geography, marked approximate, for a profile it does not know', () => {
    const destinations = catalog.destinations('apac.anthropic.claude-sonnet-4-6-v1:0', 'ap-northeast-1');

    expect(destinations?.source).toBe('geography');
    expect(destinations?.regions).toEqual(expect.arrayContaining(['ap-northeast-1', 'ap-southeast-1', 'ap-south-1']));
    expect(destinations?.regions).not.toContain('us-east-1');
  });

  it('knows nothing of a prefix it has never seen', () => {
    expect(catalog.destinations('mars.model-v1:0', 'ap-northeast-1')).toBeNull();
  });

  it('serializes data so that it reads back identically', () => {
    const data: CatalogData = { source: 'test', commercialRegions: ['us-east-1'], lists: [['a-b-1']], profiles: { 'x.m': { 'a-b-1': 0, 'us-east-1': 'commercial' } } };

    const again = JSON.parse(serializeCatalogData(data)) as CatalogData;

    expect(again).toEqual(data);
    expect(createProfileCatalog(again).destinations('x.m', 'a-b-1')).toEqual({ regions: ['a-b-1'], source: 'catalog' });
  });
});

describe('parseModelId', () => {
  it.each([
    ['a geographic profile ID', 'apac.anthropic.claude-3-haiku-20240307-v1:0', { profile: { id: 'apac.anthropic.claude-3-haiku-20240307-v1:0', scope: 'apac' }, foundationModel: 'anthropic.claude-3-haiku-20240307-v1:0' }],
    ['a us-gov profile ID', 'us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0', { profile: { id: 'us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0', scope: 'us-gov' }, foundationModel: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }],
    ['a profile ARN', 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-pro-v1:0', { profile: { id: 'us.amazon.nova-pro-v1:0', scope: 'us' }, foundationModel: 'amazon.nova-pro-v1:0' }],
    ['an application profile ARN', 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123', { profile: { id: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123', scope: 'application' }, foundationModel: null }],
    ['a foundation-model ARN', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', { profile: null, foundationModel: 'amazon.nova-pro-v1:0' }],
    ['a plain model ID', 'amazon.nova-pro-v1:0', { profile: null, foundationModel: 'amazon.nova-pro-v1:0' }],
    ['nothing', undefined, { profile: null, foundationModel: null }],
    ['a non-Bedrock ARN', 'arn:aws:s3:::bucket', { profile: null, foundationModel: null }],
  ])('reads %s', (_name, modelId, expected) => {
    expect(parseModelId(modelId)).toEqual(expected);
  });
});
