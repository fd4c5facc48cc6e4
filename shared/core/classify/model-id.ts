/**
 * What `requestParameters.modelId` addresses: a foundation model, a system-defined inference profile
 * (by ID or ARN), or an application inference profile ARN.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-use.html
 */
import { parseArn } from './arn.js';
import { PROFILE_SCOPES } from '../constants.js';
import type { ProfileRef } from '../types.js';

/** The profile and foundation model a model ID names, each null when it names none. */
export interface ModelTarget {
  profile: ProfileRef | null;
  foundationModel: string | null;
}

const SCOPE_SET: ReadonlySet<string> = new Set(PROFILE_SCOPES);

/** The geographic scope of a system profile ID (`apac.anthropic.…` → `apac`), or null. */
export function profileScope(profileId: string): string | null {
  if (profileId.startsWith('us-gov.')) return 'us-gov';
  const prefix = profileId.slice(0, profileId.indexOf('.'));
  return SCOPE_SET.has(prefix) ? prefix : null;
}

function fromProfileId(profileId: string): ModelTarget {
  const scope = profileScope(profileId);
  if (scope === null) return { profile: null, foundationModel: profileId || null };
  return { profile: { id: profileId, scope }, foundationModel: profileId.slice(scope.length + 1) || null };
}

/** Reads a model ID as callers pass it; never throws. */
export function parseModelId(modelId: unknown): ModelTarget {
  if (typeof modelId !== 'string' || modelId.length === 0) return { profile: null, foundationModel: null };
  if (!modelId.startsWith('arn:')) return fromProfileId(modelId);
  const arn = parseArn(modelId);
  if (arn === null || arn.service !== 'bedrock') return { profile: null, foundationModel: null };
  const slash = arn.resource.indexOf('/');
  const type = arn.resource.slice(0, slash);
  const id = arn.resource.slice(slash + 1);
  switch (type) {
    case 'inference-profile':
      return fromProfileId(id);
    case 'application-inference-profile':
      return { profile: { id: modelId, scope: 'application' }, foundationModel: null };
    case 'foundation-model':
      return { profile: null, foundationModel: id || null };
    default:
      return { profile: null, foundationModel: null };
  }
}
