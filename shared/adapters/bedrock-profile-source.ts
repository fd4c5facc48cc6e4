import { BedrockClient, paginateListInferenceProfiles } from '@aws-sdk/client-bedrock';
import type { ReportedProfile } from '../core/classify/catalog-refresh.js';

/** Options of {@link createBedrockProfileSource}. */
export interface BedrockProfileSourceOptions {
  /** Builds the Bedrock control-plane client of one Region (credentials and endpoint from the SDK chain). */
  clientFor?: (region: string) => BedrockClient;
}

/** Reads the system-defined inference profiles a source Region offers. */
export interface BedrockProfileSource {
  listSystemProfiles(region: string): Promise<ReportedProfile[]>;
}

/**
 * Lists system-defined inference profiles per Region through `ListInferenceProfiles`, following
 * every page. Needs `bedrock:ListInferenceProfiles`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListInferenceProfiles.html
 */
export function createBedrockProfileSource(options: BedrockProfileSourceOptions = {}): BedrockProfileSource {
  const clientFor = options.clientFor ?? ((region: string) => new BedrockClient({ region }));
  return {
    async listSystemProfiles(region) {
      const client = clientFor(region);
      const profiles: ReportedProfile[] = [];
      for await (const page of paginateListInferenceProfiles({ client, pageSize: 100 }, { typeEquals: 'SYSTEM_DEFINED' })) {
        for (const summary of page.inferenceProfileSummaries ?? []) {
          if (summary.inferenceProfileId === undefined) continue;
          profiles.push({
            id: summary.inferenceProfileId,
            modelArns: (summary.models ?? []).flatMap((model) => (model.modelArn === undefined ? [] : [model.modelArn])),
          });
        }
      }
      return profiles;
    },
  };
}
