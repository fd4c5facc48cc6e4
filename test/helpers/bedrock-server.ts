import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A system profile as the loopback Bedrock control plane serves it. */
export interface ServedProfile {
  inferenceProfileId: string;
  models: Array<{ modelArn: string }>;
}

/** Region named in a SigV4 credential scope (`Credential=AK/date/<region>/service/aws4_request`). */
export function regionOf(request: IncomingMessage): string {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? 'unknown';
}

/**
 * A loopback server speaking Bedrock's REST-JSON `ListInferenceProfiles`
 * (`GET /inference-profiles?maxResults&nextToken&type`, paginated) and `GetInferenceProfile`
 * (`GET /inference-profiles/{id}`), per Region; Regions not in `profilesByRegion` answer
 * AccessDeniedException, unknown profiles ResourceNotFoundException.
 */
export async function startBedrockServer(profilesByRegion: Record<string, ServedProfile[]>, pageSize = 2): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const region = regionOf(request);
    requests.push(`${region} ${request.method} ${url.pathname}${url.search}`);
    const profiles = profilesByRegion[region];
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
