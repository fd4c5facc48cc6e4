/**
 * Refreshes the bundled in-Region model catalog from Bedrock itself, with your AWS credentials:
 *
 *   npm run catalog:refresh-models -- [--region ap-northeast-1 --region us-east-1 ...] [--out FILE]
 *
 * Calls `ListFoundationModels` with `byInferenceType=ON_DEMAND` in each Region (default: every Region
 * the current catalog knows) and replaces that Region's models with the ACTIVE ones listed, dated.
 * Regions that fail (not enabled, no permission) are reported and keep their previous data; the exit
 * code is then 2. Needs bedrock:ListFoundationModels in each Region.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBedrockModelSource } from '../shared/adapters/bedrock-model-source.js';
import {
  mergeModelReports,
  serializeInRegionCatalogData,
  type InRegionCatalogData,
  type ModelRegionReport,
} from '../shared/core/classify/in-region-catalog.js';

/** Refreshes the catalog file; returns the exit code (2 when any Region failed). */
export async function refreshInRegionCatalog(argv: string[], source = createBedrockModelSource(), today = new Date()): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { region: { type: 'string', multiple: true }, out: { type: 'string', default: 'shared/core/classify/in-region-models-data.json' } },
  });
  const out = resolve(values.out);
  const base = JSON.parse(readFileSync(out, 'utf8')) as InRegionCatalogData;
  const regions = values.region ?? Object.keys(base.regions).sort();
  const date = today.toISOString().slice(0, 10);
  const reports: ModelRegionReport[] = [];
  const failures: string[] = [];
  for (const region of regions) {
    try {
      reports.push({ region, date, models: await source.listOnDemandModels(region) });
      process.stderr.write(`${region}: ${reports.at(-1)?.models.length} on-demand models listed\n`);
    } catch (error) {
      failures.push(region);
      process.stderr.write(`${region}: not refreshed (${(error as Error).name}: ${(error as Error).message})\n`);
    }
  }
  const merged = mergeModelReports(base, reports, `ListFoundationModels ${date} in ${reports.length} Regions, over: ${base.source.slice(0, 160)}`);
  writeFileSync(out, serializeInRegionCatalogData(merged));
  process.stdout.write(`wrote ${out}: ${reports.length} Regions refreshed (${failures.length} failed)\n`);
  return failures.length > 0 ? 2 : 0;
}

if (require.main === module) {
  refreshInRegionCatalog(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`in-Region catalog refresh failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
