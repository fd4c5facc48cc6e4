import bundled from './profile-catalog-data.json';

/**
 * The inference-profile catalog: which Regions a cross-Region inference profile routes to from a
 * given source Region. The bundled data is a documentation snapshot; at run time the authoritative
 * source is `bedrock:GetInferenceProfile` (`models[].modelArn`), which `npm run catalog:refresh`
 * turns into the same data shape.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */

/**
 * Serialized catalog. Each distinct destination list is stored once in `lists`; a route is an index
 * into it, or `commercial` for global profiles (every commercial Region plus the source).
 */
export interface CatalogData {
  source: string;
  commercialRegions: string[];
  lists: string[][];
  profiles: Record<string, Record<string, number | 'commercial'>>;
}

/** Destination Regions of a profile from one source Region, and how sure we are of them. */
export interface Destinations {
  regions: string[];
  /**
   * `catalog`: exact data for this profile and source; `runtime`: what Bedrock reported at run time
   * (`GetInferenceProfile`); `geography`: every Region the prefix is known to use (approximate).
   */
  source: 'catalog' | 'runtime' | 'geography';
}

/** Read-only queries over the catalog. */
export interface ProfileCatalog {
  /** Destinations of a profile ID (not ARN) called from `sourceRegion`, or null when nothing is known. */
  destinations(profileId: string, sourceRegion: string): Destinations | null;
  /** Every Region known for a geographic prefix (`apac`, `us`, …); commercial Regions for `global`. */
  geographyRegions(scope: string): string[];
  /** Number of profiles the catalog holds. */
  readonly size: number;
  /** Where the data came from. */
  readonly source: string;
}

/** Writes catalog data as stable, diff-friendly JSON (one route map per line). */
export function serializeCatalogData(data: CatalogData): string {
  const profileLines = Object.keys(data.profiles)
    .sort()
    .map((id) => `    ${JSON.stringify(id)}: ${JSON.stringify(data.profiles[id])}`);
  return [
    '{',
    `  "source": ${JSON.stringify(data.source)},`,
    `  "commercialRegions": ${JSON.stringify(data.commercialRegions)},`,
    `  "lists": [\n${data.lists.map((list) => `    ${JSON.stringify(list)}`).join(',\n')}\n  ],`,
    `  "profiles": {\n${profileLines.join(',\n')}\n  }`,
    '}',
    '',
  ].join('\n');
}

function scopeOf(profileId: string): string {
  return profileId.startsWith('us-gov.') ? 'us-gov' : (profileId.split('.')[0] ?? '');
}

/** Builds a catalog over serialized data (the bundled snapshot or a refreshed file). */
export function createProfileCatalog(data: CatalogData): ProfileCatalog {
  const geography = new Map<string, Set<string>>();
  for (const [profileId, routes] of Object.entries(data.profiles)) {
    const scope = scopeOf(profileId);
    const regions = geography.get(scope) ?? new Set<string>();
    for (const [source, route] of Object.entries(routes)) {
      regions.add(source);
      const list = route === 'commercial' ? data.commercialRegions : (data.lists[route] ?? []);
      for (const region of list) regions.add(region);
    }
    geography.set(scope, regions);
  }
  const geographyRegions = (scope: string): string[] =>
    scope === 'global' ? [...data.commercialRegions] : [...(geography.get(scope) ?? [])].sort();

  const lookup = (profileId: string, sourceRegion: string): Destinations | null => {
    const route = data.profiles[profileId]?.[sourceRegion];
    if (route === 'commercial') {
      return { regions: [...new Set([...data.commercialRegions, sourceRegion])].sort(), source: 'catalog' };
    }
    if (route !== undefined) return { regions: [...(data.lists[route] ?? [])], source: 'catalog' };
    const regions = geographyRegions(scopeOf(profileId));
    return regions.length > 0 ? { regions, source: 'geography' } : null;
  };
  // Lookups repeat for every record of the same profile; bounded by profiles × Regions seen.
  const memo = new Map<string, Map<string, Destinations | null>>();

  return {
    size: Object.keys(data.profiles).length,
    source: data.source,
    destinations(profileId, sourceRegion) {
      let bySource = memo.get(profileId);
      if (bySource === undefined) {
        // Profile IDs come from callers; never let hostile input grow the memo without bound.
        if (memo.size >= MEMO_LIMIT) memo.clear();
        bySource = new Map();
        memo.set(profileId, bySource);
      }
      let known = bySource.get(sourceRegion);
      if (known === undefined) {
        known = lookup(profileId, sourceRegion);
        bySource.set(sourceRegion, known);
      }
      // Callers own what they receive: hand out a copy, never the memoised array.
      return known === null ? null : { regions: known.regions.slice(), source: known.source };
    },
    geographyRegions,
  };
}

const MEMO_LIMIT = 10_000;

/** Key of one (profile, source Region) route in {@link withRuntimeRoutes}. */
export function routeKey(profileId: string, sourceRegion: string): string {
  return `${profileId}\u0000${sourceRegion}`;
}

/**
 * A catalog that answers from `routes` (destinations Bedrock reported at run time, keyed by
 * {@link routeKey}) before falling back to `base`. The map is read live: routes added later count.
 */
export function withRuntimeRoutes(base: ProfileCatalog, routes: ReadonlyMap<string, readonly string[]>): ProfileCatalog {
  return {
    size: base.size,
    source: base.source,
    destinations(profileId, sourceRegion) {
      const known = routes.get(routeKey(profileId, sourceRegion));
      return known === undefined ? base.destinations(profileId, sourceRegion) : { regions: [...known], source: 'runtime' };
    },
    geographyRegions: (scope) => base.geographyRegions(scope),
  };
}

let bundledCatalog: ProfileCatalog | undefined;

/** The catalog bundled with this release (built by `npm run catalog:build`). */
export function loadBundledCatalog(): ProfileCatalog {
  bundledCatalog ??= createProfileCatalog(bundled as CatalogData);
  return bundledCatalog;
}
