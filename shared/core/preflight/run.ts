/**
 * Organization-wide readiness: for every target × profile × source Region, evaluate every leg of
 * the profile's routing against the target's SCP chain, and for a blocked route ask the fix engine
 * for its recommended way out. Work is done once per distinct chain and shared by every target
 * that has it.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */
import type { CatalogData, ProfileCatalog } from '../classify/profile-catalog.js';
import { buildFixContext, buildVerificationRequests, suggestFix } from '../fix/index.js';
import type { Fix, Language } from '../types.js';
import { deniersOf, evaluateLeg, prepareChain, relevantChainKey, type PreparedChain } from './chain.js';
import { routeFinding, routeLegs, type RouteLegs } from './legs.js';
import type { DeniedBy, PreflightFix, PreflightRow, PreflightStats, PreflightTarget, ProfileRoute } from './types.js';

/** Options of {@link runPreflight}. */
export interface PreflightOptions {
  targets: readonly PreflightTarget[];
  /** (profile, source Region) pairs to check; see {@link catalogRoutes}. */
  routes: readonly { profile: string; sourceRegion: string }[];
  catalog: ProfileCatalog;
  lang: Language;
  /** Run the fix engine for blocked rows (default true). */
  withFix?: boolean;
  /**
   * Receives each row as it is made, instead of collecting them in `rows` (which stays empty): an
   * organization of 5,000 accounts yields hundreds of thousands of rows. Rows of one chain share
   * their arrays and fix object: read them, never mutate them.
   */
  onRow?: (row: PreflightRow) => void;
}

/** Result of {@link runPreflight}. */
export interface PreflightResult {
  rows: PreflightRow[];
  stats: PreflightStats;
  /** Routes the catalog knows nothing about (unknown profile, or not a system profile). */
  unknownRoutes: { profile: string; sourceRegion: string }[];
}

interface RouteOutcome {
  deniedDestinations: string[];
  sourceCallDenied: boolean;
  deniedBy: DeniedBy[];
  fix: PreflightFix | null;
}

function sameDenier(a: DeniedBy, b: DeniedBy): boolean {
  return a.policyId === b.policyId && a.sid === b.sid && a.level === b.level;
}

/** The fix engine's recommended option, in the row's shape. */
export function toPreflightFix(fix: Fix): PreflightFix {
  const recommended = fix.recommended;
  return {
    option: recommended?.id ?? null,
    title: recommended?.title ?? null,
    verification: fix.verification.status,
    snippet: recommended?.snippet?.content ?? null,
    policyName: fix.scp?.policyName ?? null,
    notes: fix.notes ?? [],
  };
}

/** Fixes shared between chains that look the same to every request the fix engine evaluates. */
type FixCache = Map<string, PreflightFix>;

function fixFor(
  chain: PreparedChain,
  route: { profile: string; sourceRegion: string },
  legs: RouteLegs,
  deniedRegion: string,
  options: PreflightOptions,
  stats: PreflightStats,
  cache: FixCache,
): PreflightFix {
  const finding = routeFinding(route.profile, route.sourceRegion, { regions: legs.catalogRegions, source: legs.destinationsSource }, deniedRegion);
  const requests = buildVerificationRequests(finding, buildFixContext(finding, options.catalog));
  const probes = requests === null ? [] : [requests.denied, ...requests.routes, requests.direct, requests.nonBedrock].map((named) => named.request);
  // Without probes there is nothing to tell chains apart by: key on the whole chain.
  const key = `${route.profile}\u0000${route.sourceRegion}\u0000${deniedRegion}\u0000${probes.length === 0 ? chain.key : relevantChainKey(chain, probes)}`;
  let fix = cache.get(key);
  if (fix === undefined) {
    stats.fixes += 1;
    fix = toPreflightFix(suggestFix(finding, { catalog: options.catalog, lang: options.lang, scps: chain.levels }));
    cache.set(key, fix);
  }
  return fix;
}

function evaluateRoute(
  chain: PreparedChain,
  route: { profile: string; sourceRegion: string },
  legs: RouteLegs,
  options: PreflightOptions,
  stats: PreflightStats,
  cache: FixCache,
): RouteOutcome {
  const denied = new Set<string>();
  let sourceCallDenied = false;
  const deniedBy: DeniedBy[] = [];
  for (const leg of legs.legs) {
    stats.evaluations += 1;
    const evaluation = evaluateLeg(chain, leg.request);
    if (evaluation.decision === 'allow') continue;
    if (leg.kind === 'source') sourceCallDenied = true;
    else denied.add(leg.region);
    for (const denier of deniersOf(chain, evaluation)) {
      if (!deniedBy.some((known) => sameDenier(known, denier))) deniedBy.push(denier);
    }
  }
  const deniedDestinations = legs.destinations.filter((region) => denied.has(region));
  let fix: PreflightFix | null = null;
  if ((deniedDestinations.length > 0 || sourceCallDenied) && options.withFix !== false) {
    fix = fixFor(chain, route, legs, deniedDestinations[0] ?? route.sourceRegion, options, stats, cache);
  }
  return { deniedDestinations, sourceCallDenied, deniedBy, fix };
}

/**
 * Runs the readiness check. Contract: pure and total; one row per (target, route) whose route the
 * catalog knows, in target order, then route order. Evaluations and fixes happen once per distinct
 * SCP chain × route.
 */
export function runPreflight(options: PreflightOptions): PreflightResult {
  const stats: PreflightStats = { targets: options.targets.length, chains: 0, routes: 0, rows: 0, blocked: 0, evaluations: 0, fixes: 0 };
  const unknownRoutes: PreflightResult['unknownRoutes'] = [];
  const known: { route: { profile: string; sourceRegion: string }; legs: RouteLegs }[] = [];
  for (const route of options.routes) {
    const legs = routeLegs(route.profile, route.sourceRegion, options.catalog);
    if (legs === null) unknownRoutes.push(route);
    else known.push({ route, legs });
  }
  stats.routes = known.length;
  const chains = new Map<string, { chain: PreparedChain; outcomes: RouteOutcome[] }>();
  const fixes: FixCache = new Map();
  const rows: PreflightRow[] = [];
  for (const target of options.targets) {
    const prepared = prepareChain(target.levels);
    let entry = chains.get(prepared.key);
    if (entry === undefined) {
      entry = { chain: prepared, outcomes: known.map(({ route, legs }) => evaluateRoute(prepared, route, legs, options, stats, fixes)) };
      chains.set(prepared.key, entry);
    }
    known.forEach(({ route, legs }, index) => {
      const outcome = entry.outcomes[index] as RouteOutcome;
      const blocked = outcome.deniedDestinations.length > 0 || outcome.sourceCallDenied;
      if (blocked) stats.blocked += 1;
      const row: PreflightRow = {
        target: target.id,
        targetName: target.name,
        profile: route.profile,
        sourceRegion: route.sourceRegion,
        destinations: legs.destinations,
        destinationsSource: legs.destinationsSource,
        deniedDestinations: outcome.deniedDestinations,
        sourceCallDenied: outcome.sourceCallDenied,
        status: blocked ? 'blocked' : 'ready',
        deniedBy: outcome.deniedBy,
        fix: outcome.fix,
      };
      stats.rows += 1;
      if (options.onRow === undefined) rows.push(row);
      else options.onRow(row);
    });
  }
  stats.chains = chains.size;
  return { rows, stats, unknownRoutes };
}

/**
 * The system profiles of the catalog callable from the given source Regions (`profiles` narrows
 * them), in profile then Region order. Only exact catalog routes count.
 */
export function catalogRoutes(data: CatalogData, sourceRegions: readonly string[], profiles?: readonly string[]): ProfileRoute[] {
  const wanted = profiles === undefined || profiles.length === 0 ? null : new Set(profiles);
  const routes: ProfileRoute[] = [];
  for (const profile of Object.keys(data.profiles).sort()) {
    if (wanted !== null && !wanted.has(profile)) continue;
    const bySource = data.profiles[profile] ?? {};
    for (const sourceRegion of sourceRegions) {
      const route = bySource[sourceRegion];
      if (route === undefined) continue;
      const regions = route === 'commercial' ? [...data.commercialRegions] : [...(data.lists[route] ?? [])];
      routes.push({ profile, sourceRegion, regions });
    }
  }
  return routes;
}

/**
 * The Regions a chain approves: those where it allows a non-Bedrock call (`ec2:RunInstances`, the
 * probe the fix engine's verification uses too). Defaults `--source-region` to what teams can use.
 */
export function approvedRegions(levels: PreflightTarget['levels'], candidates: readonly string[]): string[] {
  const chain = prepareChain(levels);
  return candidates.filter(
    (region) =>
      evaluateLeg(chain, {
        action: 'ec2:RunInstances',
        resource: `arn:aws:ec2:${region}:111122223333:instance/*`,
        context: { 'aws:RequestedRegion': region },
      }).decision === 'allow',
  );
}
