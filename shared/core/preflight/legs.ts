/**
 * The requests one call through a cross-Region inference profile makes, built exactly as the fix
 * engine builds the requests it verifies (`buildFixContext` + `buildVerificationRequests`): the
 * profile call in the source Region, and the foundation-model call in every destination Region
 * (`aws:RequestedRegion = unspecified` with a Region-less model ARN for `global.` profiles).
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */
import type { ProfileCatalog } from '../classify/profile-catalog.js';
import { parseModelId } from '../classify/model-id.js';
import { VERDICTS } from '../constants.js';
import { buildFixContext, buildVerificationRequests } from '../fix/index.js';
import type { RequestContext } from '../scp/types.js';
import type { Finding } from '../types.js';

/** One leg of the routing: the source-Region profile call, or a destination. */
export interface Leg {
  /** `source` for the profile call in the source Region; otherwise the destination's `aws:RequestedRegion`. */
  kind: 'source' | 'destination';
  region: string;
  request: RequestContext;
}

/** Routing of one (profile, source Region) as the evaluator sees it. */
export interface RouteLegs {
  /** Every `aws:RequestedRegion` a destination leg carries, sorted as the fix engine orders them. */
  destinations: string[];
  destinationsSource: 'catalog' | 'geography' | 'runtime';
  /** The catalog's destination list (for a global profile: every commercial Region). */
  catalogRegions: string[];
  legs: Leg[];
}

/**
 * The finding a denial of this route would produce; the fix engine takes its input in this shape.
 * `deniedRegion` null describes the route before anything was denied.
 */
export function routeFinding(
  profile: string,
  sourceRegion: string,
  destinations: { regions: string[]; source: 'catalog' | 'geography' | 'runtime' },
  deniedRegion: string | null,
): Finding {
  const target = parseModelId(profile);
  return {
    eventId: null,
    eventTime: null,
    eventName: 'InvokeModel',
    accountId: null,
    principalArn: null,
    sourceRegion,
    action: 'bedrock:InvokeModel',
    modelId: profile,
    profile: target.profile,
    foundationModel: target.foundationModel,
    deniedResource: null,
    deniedRegion,
    policyType: 'service control policy',
    policyArn: null,
    destinations: destinations.regions,
    destinationsSource: destinations.source,
    verdict: VERDICTS.crossRegionScp,
    reason: '',
    userAgent: null,
    sourceIpAddress: null,
    errorCode: null,
    errorMessage: null,
    authorizationId: null,
    authorizationDetailsUrl: null,
  };
}

const PROFILE_RESOURCE = /:(application-)?inference-profile\//;

/**
 * The legs of a route, or null when the profile ID is not a system profile or the catalog knows no
 * destination for it from that source. Contract: pure and total.
 */
export function routeLegs(profile: string, sourceRegion: string, catalog: ProfileCatalog): RouteLegs | null {
  const known = catalog.destinations(profile, sourceRegion);
  if (known === null || known.regions.length === 0) return null;
  const finding = routeFinding(profile, sourceRegion, known, null);
  if (finding.profile === null || finding.profile.scope === 'application') return null;
  const context = buildFixContext(finding, catalog);
  const requests = buildVerificationRequests(finding, context);
  if (requests === null) return null;
  const legs: Leg[] = [];
  for (const named of [requests.denied, ...requests.routes]) {
    const region = named.request.context['aws:RequestedRegion'];
    if (typeof region !== 'string') continue;
    const isSource = PROFILE_RESOURCE.test(named.request.resource);
    legs.push({ kind: isSource ? 'source' : 'destination', region, request: named.request });
  }
  const destinations = legs.filter((leg) => leg.kind === 'destination').map((leg) => leg.region);
  if (destinations.length === 0) return null;
  return { destinations: [...new Set(destinations)].sort(), destinationsSource: known.source, catalogRegions: known.regions, legs };
}
