import { BedrockClient, GetInferenceProfileCommand } from '@aws-sdk/client-bedrock';
import { parseArn } from '../core/classify/arn.js';
import type { DestinationResolver } from '../core/classify/live-classifier.js';
import type { Result } from '../core/types.js';

/** Options of {@link createBedrockDestinationResolver}. */
export interface BedrockDestinationResolverOptions {
  /** Builds the Bedrock control-plane client of a Region (credentials and endpoint from the SDK chain). */
  clientFor?: (region: string) => BedrockClient;
  /** How long an answer is kept (default 6 h: geographic profiles never change their Regions). */
  ttlMs?: number;
  /** How long a failure is kept before asking again (default 5 min), so a denied lookup is not repeated per event. */
  failureTtlMs?: number;
  now?: () => number;
}

/**
 * Resolves the destination Regions of a system-defined inference profile with
 * `bedrock:GetInferenceProfile` in the source Region: one Region per `models[].modelArn`. Answers
 * and failures are cached. Needs `bedrock:GetInferenceProfile` on
 * `arn:aws:bedrock:*:<account>:inference-profile/*`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetInferenceProfile.html
 */
export function createBedrockDestinationResolver(options: BedrockDestinationResolverOptions = {}): DestinationResolver {
  const clients = new Map<string, BedrockClient>();
  const clientFor =
    options.clientFor ??
    ((region: string) => {
      let client = clients.get(region);
      if (client === undefined) {
        client = new BedrockClient({ region, maxAttempts: 2 });
        clients.set(region, client);
      }
      return client;
    });
  const ttlMs = options.ttlMs ?? 6 * 3600_000;
  const failureTtlMs = options.failureTtlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { until: number; result: Result<string[]> }>();

  return async (profileId, sourceRegion) => {
    const key = `${sourceRegion} ${profileId}`;
    const cached = cache.get(key);
    if (cached !== undefined && cached.until > now()) return cached.result;
    let result: Result<string[]>;
    try {
      const profile = await clientFor(sourceRegion).send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: profileId }));
      const regions = (profile.models ?? []).flatMap((model) => {
        const region = model.modelArn === undefined ? '' : (parseArn(model.modelArn)?.region ?? '');
        return region === '' ? [] : [region];
      });
      result = { ok: true, value: [...new Set(regions)].sort() };
    } catch (error) {
      result = { ok: false, reason: `GetInferenceProfile ${profileId} in ${sourceRegion} failed: ${(error as Error).name}: ${(error as Error).message}` };
    }
    if (cache.size >= 1_000) cache.clear();
    cache.set(key, { until: now() + (result.ok ? ttlMs : failureTtlMs), result });
    return result;
  };
}
