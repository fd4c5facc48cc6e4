import { fingerprintFinding } from '../../../../shared/core/alert/fingerprint.js';
import type { HourlyAggregate } from '../../../../shared/core/ports.js';
import { hourBucket } from '../../../../shared/core/alert/store-keys.js';
import type { Finding, Fix } from '../../../../shared/core/types.js';

/** A cross-Region SCP finding as the classifier produces it; every call returns a fresh object. */
export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    eventId: '0f4c1c9e-1111-2222-3333-444455556666',
    eventTime: '2026-11-27T10:15:00Z',
    eventName: 'Converse',
    accountId: '111122223333',
    principalArn: 'arn:aws:sts::111122223333:assumed-role/app-role/session-1',
    sourceRegion: 'ap-northeast-1',
    action: 'bedrock:InvokeModel',
    modelId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
    profile: { id: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', scope: 'apac' },
    foundationModel: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
    deniedResource: 'arn:aws:bedrock:ap-southeast-2::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0',
    deniedRegion: 'ap-southeast-2',
    policyType: 'service control policy',
    policyArn: null, authorizationId: null, authorizationDetailsUrl: null,
    destinations: ['ap-northeast-1', 'ap-southeast-2'],
    destinationsSource: 'catalog',
    verdict: 'cross-region-scp',
    reason: 'The region-deny SCP blocks ap-southeast-2, a destination of the APAC profile.',
    userAgent: 'Boto3/1.35.0',
    sourceIpAddress: '198.51.100.7',
    errorCode: 'AccessDenied',
    errorMessage: 'User: ... is not authorized to perform: bedrock:InvokeModel ... with an explicit deny in a service control policy',
    ...overrides,
  };
}

/** A fix whose recommended option carries a JSON snippet. */
export function makeFix(snippet = '{\n  "Version": "2012-10-17"\n}'): Fix {
  const option = {
    id: 'allow-profile-only' as const,
    rank: 1,
    title: 'Allow the APAC profile only',
    summary: 'Deny ap-southeast-2 unless the call goes through an apac. inference profile.',
    tradeoffs: 'Most secure; new profiles need a policy update.',
    snippet: { language: 'json' as const, content: snippet },
  };
  return { lang: 'en', recommended: option, options: [option], scp: null, verification: { status: 'unverified', checks: [] } };
}

/** One hourly aggregate of a finding; the fingerprint is the real one unless given. */
export function makeAggregate(input: { time: string; finding: Finding; count?: number; fingerprint?: string; lastSeen?: string }): HourlyAggregate {
  return {
    hour: hourBucket(input.time),
    fingerprint: input.fingerprint ?? fingerprintFinding(input.finding),
    count: input.count ?? 1,
    firstSeen: new Date(input.time).toISOString(),
    lastSeen: input.lastSeen ?? new Date(input.time).toISOString(),
    finding: input.finding,
  };
}
