/**
 * Builds the bundled inference-profile catalog (shared/core/classify/profile-catalog-data.json) from the
 * documentation snapshot in ../shared/data/inference-profiles.json.
 *
 *   npm run catalog:build [-- path/to/inference-profiles.json] [--out FILE]
 *
 * The default input is ../shared/data/inference-profiles.json, the planning folder beside a checkout of
 * this repository; a clone without it gets a message naming the file and how to pass another one
 * (exit 2), and so does a file that is not such a snapshot. Nothing is written unless the input is good.
 *
 * The snapshot writes global destinations as `COMMERCIAL_REGIONS(+source)`; the catalog keeps that
 * as the marker `commercial` and stores each distinct destination list once.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
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

const DEFAULT_INPUT = '../shared/data/inference-profiles.json';
const DEFAULT_OUTPUT = 'shared/core/classify/profile-catalog-data.json';
const USAGE = 'usage: npm run catalog:build [-- path/to/inference-profiles.json] [--out FILE]';

/** Why `value` is not an inference-profile snapshot, or null when it is one. */
function snapshotProblem(value: unknown): string | null {
  const snapshot = value as Partial<Snapshot> | null;
  if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) return 'it is not a JSON object';
  if (typeof snapshot._meta?.source !== 'string') return 'it has no _meta.source (where the snapshot was taken from)';
  if (!Array.isArray(snapshot.profiles) || snapshot.profiles.length === 0) return 'it has no profiles list';
  for (const [index, profile] of snapshot.profiles.entries()) {
    if (typeof profile?.profileId !== 'string' || profile.profileId === '') return `profiles[${index}] has no profileId`;
    const routes = profile.sourceToDestinations as unknown;
    if (typeof routes !== 'object' || routes === null || Array.isArray(routes)) return `profiles[${index}] (${profile.profileId}) has no sourceToDestinations object`;
    for (const [source, destinations] of Object.entries(routes as Record<string, unknown>)) {
      if (!Array.isArray(destinations) || destinations.some((region) => typeof region !== 'string')) {
        return `profiles[${index}] (${profile.profileId}) source ${source}: the destinations are not a list of Region names`;
      }
    }
  }
  return null;
}

/** `npm run catalog:build`: returns the exit code (0 written, 2 bad usage or input; nothing written then). */
export function buildCatalogCommand(argv: string[], io: { stdout: (text: string) => void; stderr: (text: string) => void } = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}): number {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: { out: { type: 'string' } } }>>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' } } });
  } catch (error) {
    io.stderr(`catalog:build: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed.positionals.length > 1) {
    io.stderr(`catalog:build: one input file at most, got ${parsed.positionals.length}\n${USAGE}\n`);
    return 2;
  }
  const input = resolve(parsed.positionals[0] ?? DEFAULT_INPUT);
  if (!existsSync(input)) {
    io.stderr(
      `catalog:build: ${input} does not exist. It is the documentation snapshot of the inference profiles ` +
        '(profileId → source Region → destination Regions), kept beside a checkout in ../shared/data/; ' +
        'pass its path (npm run catalog:build -- FILE), or rebuild the catalog from Bedrock with npm run catalog:refresh.\n',
    );
    return 2;
  }
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(readFileSync(input, 'utf8'));
  } catch (error) {
    io.stderr(`catalog:build: cannot read ${input} as JSON: ${(error as Error).message}\n`);
    return 2;
  }
  const problem = snapshotProblem(snapshot);
  if (problem !== null) {
    io.stderr(`catalog:build: ${input} is not an inference-profile snapshot: ${problem}. Nothing was written.\n`);
    return 2;
  }
  const data = buildCatalogData(snapshot as Snapshot, 'inference-profiles.json snapshot');
  const output = resolve(parsed.values.out ?? DEFAULT_OUTPUT);
  writeFileSync(output, serializeCatalogData(data));
  io.stdout(`wrote ${output}: ${Object.keys(data.profiles).length} profiles, ${data.lists.length} destination lists\n`);
  return 0;
}

if (require.main === module) process.exitCode = buildCatalogCommand(process.argv.slice(2));
