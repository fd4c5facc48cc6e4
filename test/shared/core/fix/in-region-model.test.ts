import { describe, expect, it } from 'vitest';
import { createInRegionCatalog } from '../../../../shared/core/classify/in-region-catalog.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { suggestFix } from '../../../../shared/core/fix/suggest-fix.js';
import type { FixOption } from '../../../../shared/core/types.js';
import { finding } from './findings.js';

const catalog = loadBundledCatalog();

function inRegionOption(overrides: Parameters<typeof finding>[0], lang: 'en' | 'ja' = 'en', inRegionCatalog?: Parameters<typeof suggestFix>[1]['inRegionCatalog']): FixOption {
  const fix = suggestFix(finding(overrides), { catalog, lang, ...(inRegionCatalog === undefined ? {} : { inRegionCatalog }) });
  const option = fix.options.find((candidate) => candidate.id === 'in-region-model');
  if (option === undefined) throw new Error('no in-region-model option');
  return option;
}

const profileFinding = (sourceRegion: string, profileId: string, foundationModel: string, deniedRegion: string) => ({
  sourceRegion,
  modelId: profileId,
  profile: { id: profileId, scope: profileId.split('.')[0] ?? '' },
  foundationModel,
  deniedResource: `arn:aws:bedrock:${deniedRegion}::foundation-model/${foundationModel}`,
  deniedRegion,
});

describe('in-Region model option (approach 2) with the bundled catalog', () => {
  it.each([
    // Source Region, profile, the model behind it, a denied destination, models the option must name first.
    ['ap-northeast-1', 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'ap-southeast-2', ['anthropic.claude-3-haiku-20240307-v1:0']],
    ['ap-southeast-2', 'au.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'ap-southeast-4', ['anthropic.claude-3-haiku-20240307-v1:0']],
    ['eu-central-1', 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu-west-3', ['anthropic.claude-3-haiku-20240307-v1:0']],
    ['us-east-1', 'us.meta.llama4-scout-17b-instruct-v1:0', 'meta.llama4-scout-17b-instruct-v1:0', 'us-west-2', ['meta.llama3-70b-instruct-v1:0', 'meta.llama3-8b-instruct-v1:0']],
  ])('from %s instead of %s, names the models that run in-Region, closest first, with the data date', (source, profile, model, denied, first) => {
    const option = inRegionOption(profileFinding(source, profile, model, denied));
    expect(option.summary).toContain(`${model} needs an inference profile in ${source}`);
    expect(option.summary).toContain(`closest first: ${first.join(', ')}`);
    expect(option.summary).toContain('AWS data of 2026-02-15');
    expect(option.snippet?.content.split('\n')[0]).toMatch(new RegExp(`^${first[0]?.replace(/[.:]/g, '\\$&')}\\s+`));
  });

  it('tells the caller to call the model itself by its model ID when the source Region serves it in-Region', () => {
    const option = inRegionOption(profileFinding('ap-northeast-1', 'apac.amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0', 'ap-southeast-2'));
    expect(option.summary).toMatch(/^amazon\.nova-lite-v1:0 itself runs in ap-northeast-1 without cross-Region inference: call it by its model ID amazon\.nova-lite-v1:0 instead of through apac\.amazon\.nova-lite-v1:0\. Other models there: /);
    expect(option.summary).toMatch(/ and \d+ more\. \(AWS data of 2026-02-15/);
  });

  it('says plainly when the source Region serves no model of that kind in-Region (Osaka)', () => {
    const option = inRegionOption(profileFinding('ap-northeast-3', 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'ap-south-1'));
    expect(option.summary).toBe(
      'No model of this kind is known to run in ap-northeast-3 without cross-Region inference (AWS data of 2026-02-15): there, it needs an inference profile. Check the current list with `aws bedrock list-foundation-models --region ap-northeast-3 --by-inference-type ON_DEMAND`.',
    );
    expect(option.snippet).toBeNull();
  });

  it('says the catalog has no data for a Region it does not know, and how to check', () => {
    const option = inRegionOption(profileFinding('mx-central-1', 'us.amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0', 'us-east-1'));
    expect(option.summary).toBe(
      'The bundled catalog has no data for mx-central-1. List the models it serves without an inference profile with `aws bedrock list-foundation-models --region mx-central-1 --by-inference-type ON_DEMAND`.',
    );
  });

  it('writes the same facts in Japanese, identifiers untranslated', () => {
    const option = inRegionOption(profileFinding('ap-northeast-1', 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'ap-southeast-2'), 'ja');
    expect(option.summary).toContain('anthropic.claude-sonnet-4-5-20250929-v1:0 は ap-northeast-1 では推論プロファイルが必要ですが');
    expect(option.summary).toContain('anthropic.claude-3-haiku-20240307-v1:0');
    expect(option.summary).toContain('2026-02-15 時点');
  });

  it('uses a refreshed catalog when one is given, with its date', () => {
    const refreshed = createInRegionCatalog({
      source: 'ListFoundationModels',
      snapshotDate: '2026-02-15',
      refreshed: { 'ap-northeast-1': '2026-12-01' },
      regions: { 'ap-northeast-1': [{ modelId: 'anthropic.claude-haiku-4-5-20251001-v1:0', provider: 'Anthropic', name: 'Claude Haiku 4.5', kind: 'text', confidence: 'high' }] },
    });
    const option = inRegionOption(profileFinding('ap-northeast-1', 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0', 'anthropic.claude-sonnet-4-5-20250929-v1:0', 'ap-southeast-2'), 'en', refreshed);
    expect(option.summary).toContain('closest first: anthropic.claude-haiku-4-5-20251001-v1:0. Call one');
    expect(option.summary).toContain('AWS data of 2026-12-01');
    expect(option.snippet?.content).toBe('anthropic.claude-haiku-4-5-20251001-v1:0  Anthropic Claude Haiku 4.5\n');
  });
});
