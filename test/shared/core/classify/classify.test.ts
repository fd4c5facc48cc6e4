import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyRecord, isBedrockDenial } from '../../../../shared/core/classify/classify.js';
import { VERDICT_ORDER } from '../../../../shared/core/constants.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import type { CloudTrailRecord } from '../../../../shared/core/types.js';
import { loadEvent } from '../../../helpers/load-event.js';

const catalog = loadBundledCatalog();
const classify = (record: unknown) => classifyRecord(record, { catalog });

describe('classifyRecord on the shipped samples', () => {
  it.each([
    {
      sample: 'cross-region-scp-apac-converse',
      expected: {
        verdict: 'cross-region-scp',
        action: 'bedrock:InvokeModel',
        sourceRegion: 'ap-northeast-1',
        deniedRegion: 'ap-southeast-1',
        profile: { id: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', scope: 'apac' },
        foundationModel: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
        policyArn: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
        destinationsSource: 'catalog',
      },
    },
    {
      sample: 'cross-region-scp-global-legacy-message',
      expected: { verdict: 'cross-region-scp', deniedRegion: 'unspecified', policyArn: null, profile: { scope: 'global' } },
    },
    {
      sample: 'cross-region-scp-us-profile-arn-truncated-policy',
      expected: {
        verdict: 'cross-region-scp',
        deniedRegion: 'us-west-2',
        policyArn: null,
        action: 'bedrock:InvokeModelWithResponseStream',
        profile: { id: 'us.anthropic.claude-sonnet-4-20250514-v1:0', scope: 'us' },
      },
    },
    { sample: 'cross-region-scp-jp-converse-stream', expected: { verdict: 'cross-region-scp', deniedRegion: 'ap-northeast-3', destinations: ['ap-northeast-1', 'ap-northeast-3'] } },
    {
      sample: 'cross-region-scp-application-profile',
      expected: { verdict: 'cross-region-scp', deniedRegion: 'us-east-2', profile: { scope: 'application' }, destinations: null, foundationModel: 'amazon.nova-pro-v1:0' },
    },
    { sample: 'cross-region-scp-batch-job', expected: { verdict: 'cross-region-scp', action: 'bedrock:CreateModelInvocationJob', deniedRegion: 'ap-south-1' } },
    { sample: 'cross-region-scp-govcloud-sdk-prefix', expected: { verdict: 'cross-region-scp', deniedRegion: 'us-gov-east-1', profile: { scope: 'us-gov' }, destinationsSource: 'geography' } },
    { sample: 'scp-same-region-model-allow-list', expected: { verdict: 'scp', deniedRegion: 'ap-northeast-1', profile: null } },
    { sample: 'scp-no-resource-clause', expected: { verdict: 'scp', deniedRegion: null, deniedResource: null } },
    { sample: 'cross-region-identity-implicit', expected: { verdict: 'cross-region-identity', deniedRegion: 'ap-southeast-2', policyType: 'identity-based policy' } },
    { sample: 'identity-explicit-deny', expected: { verdict: 'identity', policyArn: 'arn:aws:iam::111122223333:policy/deny-expensive-models' } },
    { sample: 'permissions-boundary', expected: { verdict: 'permissions-boundary' } },
    { sample: 'session-policy', expected: { verdict: 'session-policy' } },
    { sample: 'vpc-endpoint-policy', expected: { verdict: 'vpc-endpoint-policy', policyType: 'VPC endpoint policy' } },
    { sample: 'resource-control-policy', expected: { verdict: 'resource-control-policy' } },
    { sample: 'model-access-not-granted', expected: { verdict: 'model-access', errorCode: 'AccessDeniedException' } },
    { sample: 'model-access-marketplace', expected: { verdict: 'model-access' } },
    { sample: 'unknown-garbled-message', expected: { verdict: 'unknown', action: 'bedrock:InvokeModel' } },
  ])('classifies $sample as $expected.verdict', ({ sample, expected }) => {
    // Prepare
    const record = loadEvent(`cloudtrail/${sample}.json`);

    // Act
    const finding = classify(record);

    // Assess
    expect(finding).toMatchObject({ ...expected, eventId: record.eventID, accountId: '111122223333' });
    expect(finding?.reason.length).toBeGreaterThan(20);
  });

  it.each(['not-a-denial-successful-cris', 'not-a-denial-throttling'])('yields no finding for %s', (sample) => {
    expect(classify(loadEvent(`cloudtrail/${sample}.json`))).toBeNull();
  });

  it('lists every destination of the profile from the source Region, not just the denied one', () => {
    const finding = classify(loadEvent('cloudtrail/cross-region-scp-apac-converse.json'));

    expect(finding?.destinations).toContain('ap-southeast-1');
    expect(finding?.destinations).toContain('ap-northeast-1');
    expect(finding?.reason).toContain(`${finding?.destinations?.length} Regions`);
  });
});

describe('classifyRecord on edge cases', () => {
  const base = (): CloudTrailRecord => loadEvent<CloudTrailRecord>('cloudtrail/cross-region-scp-apac-converse.json');

  it('keeps classifying when modelId is missing', () => {
    const record = base();
    record.requestParameters = null;

    const finding = classify(record);

    expect(finding).toMatchObject({ verdict: 'cross-region-scp', modelId: null, profile: null, destinations: null });
  });

  it('falls back to additionalEventData.inferenceRegion when the message names no resource', () => {
    const record = base();
    record.errorMessage = 'User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: bedrock:InvokeModel with an explicit deny in a service control policy';
    record.additionalEventData = { inferenceRegion: 'ap-south-1' };

    expect(classify(record)).toMatchObject({ verdict: 'cross-region-scp', deniedRegion: 'ap-south-1' });
  });

  it('classifies an SCP denial carrying the Access Troubleshooter suffix with its Region, exact policy ARN and authorization ID', () => {
    const record = base();
    record.errorMessage = `${record.errorMessage}. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/k3m9x2q7w1 for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: k3m9x2q7w1`;

    expect(classify(record)).toMatchObject({
      verdict: 'cross-region-scp',
      deniedRegion: 'ap-southeast-1',
      policyType: 'service control policy',
      policyArn: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
      authorizationId: 'k3m9x2q7w1',
      authorizationDetailsUrl: 'https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/k3m9x2q7w1',
    });
  });

  it('gives null authorization references when the message carries none', () => {
    expect(classify(base())).toMatchObject({ authorizationId: null, authorizationDetailsUrl: null });
  });

  it('classifies a missing error message as unknown instead of failing', () => {
    const record = base();
    delete record.errorMessage;

    expect(classify(record)).toMatchObject({ verdict: 'unknown', errorMessage: null });
  });

  it('reads the principal from the message when userIdentity is not an object', () => {
    const record = base();
    (record as Record<string, unknown>).userIdentity = 'garbage';

    expect(classify(record)?.principalArn).toBe('arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc12345def67890');
  });

  it.each([
    ['a non-Bedrock event source', { eventSource: 'bedrock-runtime.amazonaws.com' }],
    ['an error code that is not AccessDenied', { errorCode: 'ValidationException' }],
    ['no error code', { errorCode: undefined }],
  ])('ignores %s', (_name, patch) => {
    expect(classify({ ...base(), ...patch })).toBeNull();
  });

  it('never throws on arbitrary JSON and always returns a known verdict for denials', () => {
    const denial = fc.record(
      {
        eventSource: fc.constant('bedrock.amazonaws.com'),
        errorCode: fc.constantFrom('AccessDenied', 'AccessDeniedException'),
        errorMessage: fc.oneof(fc.string(), fc.jsonValue()),
        awsRegion: fc.oneof(fc.string(), fc.jsonValue()),
        requestParameters: fc.oneof(fc.jsonValue(), fc.record({ modelId: fc.oneof(fc.string(), fc.jsonValue()) })),
        userIdentity: fc.jsonValue(),
        additionalEventData: fc.jsonValue(),
        eventID: fc.jsonValue(),
      },
      { requiredKeys: ['eventSource', 'errorCode'] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), denial), (record) => {
        const finding = classify(record);
        if (isBedrockDenial(record)) expect(VERDICT_ORDER).toContain(finding?.verdict);
        else expect(finding).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});
