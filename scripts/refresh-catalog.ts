/**
 * Rebuilds the bundled inference-profile catalog from Bedrock itself, with your AWS credentials:
 *
 *   npm run catalog:refresh -- [--region ap-northeast-1 --region us-east-1 ...] [--out FILE]
 *
 * Without --region it asks every source Region the current catalog knows. Regions that fail (not
 * enabled, no permission) are reported and keep their previous routes. Needs
 * bedrock:ListInferenceProfiles in each Region.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBedrockProfileSource } from '../shared/adapters/bedrock-profile-source.js';
import { mergeRegionReports, type RegionReport } from '../shared/core/classify/catalog-refresh.js';
import { serializeCatalogData, type CatalogData } from '../shared/core/classify/profile-catalog.js';

/** Refreshes the catalog file; returns the exit code (2 when any Region failed). */
export async function refreshCatalog(argv: string[], source = createBedrockProfileSource()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { region: { type: 'string', multiple: true }, out: { type: 'string', default: 'shared/core/classify/profile-catalog-data.json' } },
  });
  const out = resolve(values.out);
  const base = JSON.parse(readFileSync(out, 'utf8')) as CatalogData;
  const regions = values.region ?? [...new Set(Object.values(base.profiles).flatMap((routes) => Object.keys(routes)))].sort();
  const reports: RegionReport[] = [];
  const failures: string[] = [];
  for (const region of regions) {
    try {
      reports.push({ sourceRegion: region, profiles: await source.listSystemProfiles(region) });
      process.stderr.write(`${region}: ${reports.at(-1)?.profiles.length} system-defined profiles\n`);
    } catch (error) {
      failures.push(region);
      process.stderr.write(`${region}: not refreshed (${(error as Error).name}: ${(error as Error).message})\n`);
    }
  }
  const stamp = new Date().toISOString().slice(0, 10);
  const merged = mergeRegionReports(base, reports, `ListInferenceProfiles ${stamp} in ${reports.length} Regions, over: ${base.source.slice(0, 120)}`);
  writeFileSync(out, serializeCatalogData(merged));
  process.stdout.write(`wrote ${out}: ${Object.keys(merged.profiles).length} profiles from ${reports.length} Regions (${failures.length} failed)\n`);
  return failures.length > 0 ? 2 : 0;
}

if (require.main === module) {
  refreshCatalog(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`catalog refresh failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
