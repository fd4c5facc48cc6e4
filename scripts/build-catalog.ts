/**
 * Builds the bundled inference-profile catalog (shared/core/classify/profile-catalog-data.json) from the
 * documentation snapshot in ../shared/data/inference-profiles.json.
 *
 *   npm run catalog:build [-- path/to/inference-profiles.json]
 *
 * The snapshot writes global destinations as `COMMERCIAL_REGIONS(+source)`; the catalog keeps that
 * as the marker `commercial` and stores each distinct destination list once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { serializeCatalogData, type CatalogData } from '../shared/core/classify/profile-catalog.js';

const COMMERCIAL_MARKER = 'COMMERCIAL_REGIONS(+source)';

interface Snapshot {
  _meta: { source: string };
  profiles: Array<{ profileId: string; sourceToDestinations: Record<string, string[]> }>;
}

function buildCatalogData(snapshot: Snapshot, sourceName: string): CatalogData {
  const lists: string[][] = [];
  const listIndex = new Map<string, number>();
  const profiles: CatalogData['profiles'] = {};
  const commercial = new Set<string>();
  for (const profile of snapshot.profiles) {
    const routes: Record<string, number | 'commercial'> = {};
    for (const [source, destinations] of Object.entries(profile.sourceToDestinations)) {
      if (destinations.includes(COMMERCIAL_MARKER)) {
        routes[source] = 'commercial';
        commercial.add(source);
        continue;
      }
      const sorted = [...new Set(destinations)].sort();
      const key = sorted.join(',');
      let index = listIndex.get(key);
      if (index === undefined) {
        index = lists.push(sorted) - 1;
        listIndex.set(key, index);
      }
      routes[source] = index;
    }
    profiles[profile.profileId] = routes;
  }
  return {
    source: `${sourceName}: ${snapshot._meta.source.slice(0, 200)}`,
    commercialRegions: [...commercial].sort(),
    lists,
    profiles,
  };
}

const input = resolve(process.argv[2] ?? '../shared/data/inference-profiles.json');
const snapshot = JSON.parse(readFileSync(input, 'utf8')) as Snapshot;
const data = buildCatalogData(snapshot, 'inference-profiles.json snapshot');
const output = resolve('shared/core/classify/profile-catalog-data.json');
writeFileSync(output, serializeCatalogData(data));
process.stdout.write(`wrote ${output}: ${Object.keys(data.profiles).length} profiles, ${data.lists.length} destination lists\n`);
