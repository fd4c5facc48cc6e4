/**
 * Turns what `bedrock:ListInferenceProfiles` reports in each source Region into catalog data,
 * merged over an earlier catalog so Regions that could not be read keep their known routes.
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListInferenceProfiles.html
 */
import { parseArn } from './arn.js';
import type { CatalogData } from './profile-catalog.js';

/** One system-defined profile as a source Region reports it. */
export interface ReportedProfile {
  id: string;
  /** `models[].modelArn`: one foundation-model ARN per destination Region. */
  modelArns: string[];
}

/** Profiles reported by one source Region. */
export interface RegionReport {
  sourceRegion: string;
  profiles: ReportedProfile[];
}

/**
 * Merges fresh reports over `base`. Global profiles (or any whose model ARNs carry no Region) are
 * recorded as `commercial`; the others as the sorted set of Regions in their model ARNs.
 */
export function mergeRegionReports(base: CatalogData, reports: RegionReport[], source: string): CatalogData {
  const lists = base.lists.map((list) => [...list]);
  const index = new Map(lists.map((list, position) => [list.join(','), position]));
  const profiles: CatalogData['profiles'] = Object.fromEntries(Object.entries(base.profiles).map(([id, routes]) => [id, { ...routes }]));
  const commercial = new Set(base.commercialRegions);

  for (const report of reports) {
    for (const profile of report.profiles) {
      const regions = [...new Set(profile.modelArns.map((arn) => parseArn(arn)?.region ?? ''))].sort();
      const routes = (profiles[profile.id] ??= {});
      if (profile.id.startsWith('global.') || regions.includes('') || regions.length === 0) {
        routes[report.sourceRegion] = 'commercial';
        commercial.add(report.sourceRegion);
        continue;
      }
      const key = regions.join(',');
      let position = index.get(key);
      if (position === undefined) {
        position = lists.push(regions) - 1;
        index.set(key, position);
      }
      routes[report.sourceRegion] = position;
    }
  }
  return { source, commercialRegions: [...commercial].sort(), lists, profiles };
}
