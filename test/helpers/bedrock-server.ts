import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A system profile as the loopback Bedrock control plane serves it. */
export interface ServedProfile {
  inferenceProfileId: string;
  models: Array<{ modelArn: string }>;
}

/** A foundation model as the loopback `ListFoundationModels` serves it (the API's `modelSummaries` item). */
export interface ServedModel {
  modelId: string;
  modelName: string;
  providerName: string;
  inputModalities: string[];
  outputModalities: string[];
  inferenceTypesSupported: string[];
  modelLifecycle: { status: 'ACTIVE' | 'LEGACY' };
}

/** Region named in a SigV4 credential scope (`Credential=AK/date/<region>/service/aws4_request`). */
export function regionOf(request: IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? 'unknown';
}

/**
 * A loopback server speaking Bedrock's REST-JSON `ListInferenceProfiles`
 * (`GET /inference-profiles?maxResults&nextToken&type`, paginated) and `GetInferenceProfile`
 * (`GET /inference-profiles/{id}`), per Region, and `ListFoundationModels` (`GET /foundation-models`,
 * one unpaginated response, filtered by `byInferenceType`, `byOutputModality` and `byProvider` as
 * the service does); Regions not in `profilesByRegion` (or `modelsByRegion`) answer
 * AccessDeniedException, unknown profiles ResourceNotFoundException, an invalid `byInferenceType`
 * ValidationException.
 */
export async function startBedrockServer(
  profilesByRegion: Record<string, ServedProfile[]>,
  pageSize = 2,
  modelsByRegion: Record<string, ServedModel[]> = {},
): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const region = regionOf(request);
    requests.push(`${region} ${request.method} ${url.pathname}${url.search}`);
    const profiles = profilesByRegion[region];
    const models = modelsByRegion[region];
    if (request.method === 'GET' && url.pathname === '/foundation-models' && models !== undefined) {
      const byInference = url.searchParams.get('byInferenceType');
      if (byInference !== null && byInference !== 'ON_DEMAND' && byInference !== 'PROVISIONED') {
        response.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ValidationException' });
        response.end(JSON.stringify({ message: `1 validation error detected: Value '${byInference}' at 'byInferenceType' failed to satisfy constraint` }));
        return;
      }
      const byOutput = url.searchParams.get('byOutputModality');
      const byProvider = url.searchParams.get('byProvider');
      const listed = models.filter(
        (model) =>
          (byInference === null || model.inferenceTypesSupported.includes(byInference)) &&
          (byOutput === null || model.outputModalities.includes(byOutput)) &&
          (byProvider === null || model.providerName.toLowerCase() === byProvider.toLowerCase()),
      );
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ modelSummaries: listed.map((model) => ({ ...model, modelArn: `arn:aws:bedrock:${region}::foundation-model/${model.modelId}`, responseStreamingSupported: true, customizationsSupported: [] })) }));
      return;
    }
    const single = /^\/inference-profiles\/(.+)$/.exec(url.pathname);
    if (request.method === 'GET' && single !== null && profiles !== undefined) {
      const id = decodeURIComponent(single[1] ?? '');
      const profile = profiles.find((candidate) => candidate.inferenceProfileId === id);
      response.writeHead(profile === undefined ? 404 : 200, { 'content-type': 'application/json', ...(profile === undefined ? { 'x-amzn-errortype': 'ResourceNotFoundException' } : {}) });
      response.end(JSON.stringify(profile === undefined ? { message: `profile ${id} not found` } : { ...profile, type: 'SYSTEM_DEFINED', status: 'ACTIVE', inferenceProfileName: id }));
      return;
    }
    if (request.method !== 'GET' || url.pathname !== '/inference-profiles' || profiles === undefined) {
      response.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' });
      response.end(JSON.stringify({ message: `not allowed in ${region}` }));
      return;
    }
    const start = Number(url.searchParams.get('nextToken') ?? '0');
    const page = profiles.slice(start, start + pageSize);
    const next = start + pageSize < profiles.length ? String(start + pageSize) : undefined;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ inferenceProfileSummaries: page.map((profile) => ({ ...profile, type: 'SYSTEM_DEFINED', status: 'ACTIVE', inferenceProfileName: profile.inferenceProfileId, inferenceProfileArn: `arn:aws:bedrock:${region}:111122223333:inference-profile/${profile.inferenceProfileId}` })), nextToken: next }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests };
}
