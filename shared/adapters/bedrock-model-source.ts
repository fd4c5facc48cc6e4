import { BedrockClient, ListFoundationModelsCommand } from '@aws-sdk/client-bedrock';
import type { ModelRegionReport } from '../core/classify/in-region-catalog.js';

/** Options of {@link createBedrockModelSource}. */
export interface BedrockModelSourceOptions {
  /** Builds the Bedrock control-plane client of one Region (credentials and endpoint from the SDK chain). */
  clientFor?: (region: string) => BedrockClient;
}

/** Reads the foundation models a Region serves on demand. */
export interface BedrockModelSource {
  listOnDemandModels(region: string): Promise<ModelRegionReport['models']>;
}

/**
 * Lists the foundation models a Region serves on demand, through `ListFoundationModels` with
 * `byInferenceType=ON_DEMAND` (one response, the API is not paginated). Needs
 * `bedrock:ListFoundationModels`.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListFoundationModels.html
 */
export function createBedrockModelSource(options: BedrockModelSourceOptions = {}): BedrockModelSource {
  const clientFor = options.clientFor ?? ((region: string) => new BedrockClient({ region }));
  return {
    async listOnDemandModels(region) {
      const response = await clientFor(region).send(new ListFoundationModelsCommand({ byInferenceType: 'ON_DEMAND' }));
      return (response.modelSummaries ?? []).flatMap((summary) =>
        summary.modelId === undefined
          ? []
          : [
              {
                modelId: summary.modelId,
                providerName: summary.providerName ?? null,
                modelName: summary.modelName ?? null,
                outputModalities: summary.outputModalities ?? [],
                inferenceTypesSupported: summary.inferenceTypesSupported ?? [],
                lifecycleStatus: summary.modelLifecycle?.status ?? null,
              },
            ],
      );
    },
  };
}
