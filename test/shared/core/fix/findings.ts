import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, ScpDocument } from '../../../../shared/core/types.js';

const FIXTURES = join(__dirname, '../../../fixtures/fix');

/** An SCP fixture as the fix engine receives it (fresh copy each call). */
export function scpFixture(file: string, overrides: Partial<ScpDocument> = {}): ScpDocument {
  return { id: file, name: file, content: readFileSync(join(FIXTURES, file), 'utf8'), ...overrides };
}

const BASE: Finding = {
  eventId: 'b6c7d8e9-0000-4000-8000-000000000001',
  eventTime: '2026-11-28T09:00:00Z',
  eventName: 'Converse',
  accountId: '111122223333',
  principalArn: 'arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc12345def67890',
  sourceRegion: 'ap-northeast-1',
  action: 'bedrock:InvokeModel',
  modelId: null,
  profile: null,
  foundationModel: null,
  deniedResource: null,
  deniedRegion: null,
  policyType: 'service control policy',
  policyArn: null, authorizationId: null, authorizationDetailsUrl: null,
  destinations: null,
  destinationsSource: null,
  verdict: 'cross-region-scp',
  reason: 'denied',
  userAgent: null,
  sourceIpAddress: null,
  errorCode: 'AccessDenied',
  errorMessage: null,
};

/** A finding with defaults filled (fresh object each call). */
export function finding(overrides: Partial<Finding>): Finding {
  return structuredClone({ ...BASE, ...overrides });
}

/** The four profile shapes the fix must handle. */
export const PROFILE_FINDINGS = {
  'apac profile from ap-northeast-1': () =>
    finding({
      modelId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
      profile: { id: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', scope: 'apac' },
      foundationModel: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
      deniedResource: 'arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0',
      deniedRegion: 'ap-southeast-1',
      destinations: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
      destinationsSource: 'catalog',
    }),
  'us profile from us-east-1': () =>
    finding({
      eventName: 'InvokeModelWithResponseStream',
      action: 'bedrock:InvokeModelWithResponseStream',
      sourceRegion: 'us-east-1',
      modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
      profile: { id: 'us.anthropic.claude-sonnet-4-20250514-v1:0', scope: 'us' },
      foundationModel: 'anthropic.claude-sonnet-4-20250514-v1:0',
      deniedResource: 'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
      deniedRegion: 'us-west-2',
      destinations: ['us-east-1', 'us-east-2', 'us-west-2'],
      destinationsSource: 'catalog',
    }),
  'global profile from ap-northeast-1': () =>
    finding({
      modelId: 'global.anthropic.claude-opus-4-5-20251101-v1:0',
      profile: { id: 'global.anthropic.claude-opus-4-5-20251101-v1:0', scope: 'global' },
      foundationModel: 'anthropic.claude-opus-4-5-20251101-v1:0',
      deniedResource: 'arn:aws:bedrock:::foundation-model/anthropic.claude-opus-4-5-20251101-v1:0',
      deniedRegion: 'unspecified',
      destinations: ['ap-northeast-1', 'eu-west-1', 'us-east-1', 'us-west-2'],
      destinationsSource: 'catalog',
    }),
  'application profile from us-east-1': () =>
    finding({
      eventName: 'InvokeModel',
      sourceRegion: 'us-east-1',
      modelId: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6',
      profile: { id: 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6', scope: 'application' },
      foundationModel: 'amazon.nova-pro-v1:0',
      deniedResource: 'arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0',
      deniedRegion: 'us-east-2',
    }),
} as const;
