import { describe, expect, it } from 'vitest';
import { createLiveClassifier, type DestinationResolver } from '../../../../shared/core/classify/live-classifier.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import type { CloudTrailRecord, Result } from '../../../../shared/core/types.js';
import { loadEvent } from '../../../helpers/load-event.js';

const catalog = loadBundledCatalog();

/** A resolver that answers from a table and records what it was asked. */
function tableResolver(answers: Record<string, Result<string[]>>): DestinationResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (profileId: string, sourceRegion: string) => {
    asked.push(`${profileId} ${sourceRegion}`);
    return answers[profileId] ?? { ok: false, reason: 'not in the table' };
  };
  return Object.assign(resolve, { asked });
}

function recordFor(modelId: string, sample = 'cross-region-scp-apac-converse'): CloudTrailRecord {
  const record = loadEvent<CloudTrailRecord>(`cloudtrail/${sample}.json`);
  record.requestParameters = { modelId };
  return record;
}

describe('createLiveClassifier', () => {
  it('asks Bedrock once about a profile newer than the catalog and uses its exact Regions', async () => {
    // Prepare
    const resolve = tableResolver({ 'apac.anthropic.claude-sonnet-4-6-v1:0': { ok: true, value: ['ap-southeast-2', 'ap-northeast-1', 'ap-southeast-1'] } });
    const classify = createLiveClassifier({ catalog, resolve });

    // Act
    const first = await classify(recordFor('apac.anthropic.claude-sonnet-4-6-v1:0'));
    const second = await classify(recordFor('apac.anthropic.claude-sonnet-4-6-v1:0'));

    // Assess
    expect(first).toMatchObject({ destinations: ['ap-northeast-1', 'ap-southeast-1', 'ap-southeast-2'], destinationsSource: 'runtime', verdict: 'cross-region-scp' });
    expect(first?.reason).toContain('it routes to 3 Regions, and every one must be allowed');
    expect(first?.reason).not.toContain('approximate');
    expect(second?.destinationsSource).toBe('runtime');
    expect(resolve.asked).toEqual(['apac.anthropic.claude-sonnet-4-6-v1:0 ap-northeast-1']);
  });

  it('keeps the geography-wide destinations, marked approximate, when Bedrock cannot be asked', async () => {
    // Prepare
    const unresolved: string[] = [];
    const classify = createLiveClassifier({ catalog, resolve: tableResolver({}), onUnresolved: (id, region, reason) => unresolved.push(`${id} ${region}: ${reason}`) });

    // Act
    const finding = await classify(recordFor('apac.anthropic.claude-sonnet-4-6-v1:0'));

    // Assess
    expect(finding?.destinationsSource).toBe('geography');
    expect(finding?.reason).toContain('approximate');
    expect(unresolved).toEqual(['apac.anthropic.claude-sonnet-4-6-v1:0 ap-northeast-1: not in the table']);
  });

  it.each([
    ['a profile the catalog knows', 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0'],
    ['a global profile', 'global.anthropic.claude-sonnet-4-6-v1:0'],
    ['an application profile', 'arn:aws:bedrock:ap-northeast-1:111122223333:application-inference-profile/abc123'],
    ['a plain model ID', 'anthropic.claude-3-haiku-20240307-v1:0'],
  ])('does not ask Bedrock about %s', async (_name, modelId) => {
    const resolve = tableResolver({});
    const classify = createLiveClassifier({ catalog, resolve });

    await classify(recordFor(modelId));

    expect(resolve.asked).toEqual([]);
  });

  it('yields no finding for a record that is not a Bedrock denial, without asking', async () => {
    const resolve = tableResolver({});
    const classify = createLiveClassifier({ catalog, resolve });

    expect(await classify(loadEvent('cloudtrail/not-a-denial-throttling.json'))).toBeNull();
    expect(resolve.asked).toEqual([]);
  });
});
