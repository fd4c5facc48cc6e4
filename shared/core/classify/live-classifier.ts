/**
 * Classification that asks Bedrock when the bundled catalog does not know a profile. New models get
 * new inference profiles every few weeks; without this, their findings (and the fixes built on
 * them) would fall back to the whole geography. Only system-defined geographic profiles are looked
 * up: global ones route to every commercial Region anyway, and an application profile belongs to
 * the member account, which the auditor cannot read.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetInferenceProfile.html
 */
import { classifyRecord } from './classify.js';
import { routeKey, withRuntimeRoutes, type ProfileCatalog } from './profile-catalog.js';
import type { Finding, Result } from '../types.js';

/** Destination Regions of a system-defined profile as Bedrock reports them from `sourceRegion`. */
export type DestinationResolver = (profileId: string, sourceRegion: string) => Promise<Result<string[]>>;

/** Options of {@link createLiveClassifier}. */
export interface LiveClassifierOptions {
  catalog: ProfileCatalog;
  resolve: DestinationResolver;
  /** Told when a lookup fails; the finding then keeps its approximate destinations. */
  onUnresolved?: (profileId: string, sourceRegion: string, reason: string) => void;
  /** Most routes remembered (default 1,000); beyond that the memory starts over. */
  maxRoutes?: number;
}

function needsLookup(finding: Finding): finding is Finding & { profile: NonNullable<Finding['profile']>; sourceRegion: string } {
  return (
    finding.destinationsSource === 'geography' &&
    finding.profile !== null &&
    finding.profile.scope !== 'application' &&
    finding.profile.scope !== 'global' &&
    finding.sourceRegion !== null
  );
}

/**
 * A classifier over `catalog` that, for a profile the catalog only knows by its geography, asks
 * `resolve` once and classifies again with the exact destinations (`destinationsSource: runtime`).
 */
export function createLiveClassifier(options: LiveClassifierOptions): (record: unknown) => Promise<Finding | null> {
  const routes = new Map<string, readonly string[]>();
  const catalog = withRuntimeRoutes(options.catalog, routes);
  const maxRoutes = options.maxRoutes ?? 1_000;
  return async (record) => {
    const finding = classifyRecord(record, { catalog });
    if (finding === null || !needsLookup(finding)) return finding;
    const resolved = await options.resolve(finding.profile.id, finding.sourceRegion);
    if (!resolved.ok || resolved.value.length === 0) {
      options.onUnresolved?.(finding.profile.id, finding.sourceRegion, resolved.ok ? 'Bedrock reported no destination Region' : resolved.reason);
      return finding;
    }
    if (routes.size >= maxRoutes) routes.clear();
    routes.set(routeKey(finding.profile.id, finding.sourceRegion), [...new Set(resolved.value)].sort());
    return classifyRecord(record, { catalog });
  };
}
