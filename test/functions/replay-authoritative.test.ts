import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildReplayDependencies, createReplayHandler } from '../../functions/replay.js';
import { createCloudTrailLookup } from '../../shared/adapters/cloudtrail-lookup.js';
import { classifyRecord } from '../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../shared/core/classify/profile-catalog.js';
import type { AggregateWriter } from '../../shared/core/ports.js';
import type { CloudTrailRecord } from '../../shared/core/types.js';
import { startCloudTrailServer, type CloudTrailServer } from '../helpers/cloudtrail-server.js';
import { startIamToolboxServer, type IamToolboxServer } from '../helpers/iam-toolbox-server.js';
import { apacConverseDenial, AUTHORIZATION_ID, REGION_DENY_URI } from '../helpers/iam-toolbox-records.js';
import { loadEvent } from '../helpers/load-event.js';

// The deployed replay on the authoritative path: a denial replayed from LookupEvents within the
// retention of its authorization details gets its fix verified against IAM's record.

const catalog = loadBundledCatalog();
const NOW = Date.parse('2026-11-28T00:00:00Z');
const TIME = Date.parse('2026-11-27T12:00:00Z') / 1000;
let cloudtrail: CloudTrailServer;
let toolbox: IamToolboxServer;

beforeAll(async () => {
  cloudtrail = await startCloudTrailServer();
  toolbox = await startIamToolboxServer({ callers: [{ accessKeyId: 'test', secretAccessKey: 'test', accountId: '444455556666' }], now: () => NOW });
  toolbox.authorizations.set(AUTHORIZATION_ID, apacConverseDenial({ expiresAt: NOW + 3600_000 }));
  const record = loadEvent<CloudTrailRecord>('cloudtrail/cross-region-scp-apac-converse.json');
  record.eventTime = new Date(TIME * 1000).toISOString();
  record.errorMessage = `${(record.errorMessage ?? '').replace(/arn:aws:organizations::\S+$/, REGION_DENY_URI)}. Go to https://ap-northeast-1.console.aws.amazon.com/iam/home?region=ap-northeast-1#/authorization-details/${AUTHORIZATION_ID} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: ${AUTHORIZATION_ID}`;
  cloudtrail.setEvents('ap-northeast-1', [{ EventId: String(record.eventID), EventName: String(record.eventName), EventTime: TIME, EventSource: 'bedrock.amazonaws.com', CloudTrailEvent: JSON.stringify(record) }]);
});
afterAll(async () => {
  await Promise.all([cloudtrail.close(), toolbox.close()]);
});

describe('replay function, authoritative path', () => {
  it('verifies the replayed fix against the SCPs IAM recorded and stores the lookup with every hour', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_IAM_TOOLBOX', toolbox.url);
    const built = buildReplayDependencies({ AWS_REGION: 'ap-northeast-1' });
    const calls: Parameters<AggregateWriter['addOccurrences']>[0][] = [];
    const handler = createReplayHandler({
      ...built,
      lookup: createCloudTrailLookup({
        clientFor: (region) => new CloudTrailClient({ region, endpoint: cloudtrail.endpoint, maxAttempts: 1 }),
        rate: { ratePerSecond: 10_000, burst: 10_000 },
      }),
      classify: (record) => classifyRecord(record, { catalog }),
      writer: { addOccurrences: async (input) => { calls.push(input); } },
      notifier: null,
      now: () => NOW,
    });

    const response = await handler({ from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z', store: true }, { functionName: 'replay', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context)
      .finally(() => vi.unstubAllEnvs());

    expect(response.ok).toBe(true);
    const group = response.ok ? response.report.crossRegionScpGroups[0] : undefined;
    expect(group?.recommendedFix?.verification).toBe('verified');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.finding.fix?.verification.status).toBe('verified');
    expect(calls[0]?.finding.fix?.scp?.statement.sid).toBe('DenyOutsideTokyoOsaka');
    expect(calls[0]?.finding.authoritative).toMatchObject({ status: 'used', authorizationId: AUTHORIZATION_ID, region: 'ap-northeast-1' });
  });
});
