/**
 * Builds the bundled in-Region model catalog (shared/core/classify/in-region-models-data.json) from
 * the reference snapshot of AWS's model/Region tables:
 *
 *   npm run catalog:build-models [-- path/to/in-region-models.json]
 *
 * The default input is ../shared/data/in-region-models.json, the planning folder beside a checkout of
 * this repository; a clone without it gets a message naming the file and how to pass another one.
 * Regions keep their order of models; the `confidence` of each entry is kept (`high`, else `medium`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  serializeInRegionCatalogData,
  type InRegionCatalogData,
  type InRegionModel,
  type ModelKind,
} from '../shared/core/classify/in-region-catalog.js';

interface SnapshotEntry {
  modelId: string;
  provider: string;
  name: string;
  kind: string;
  confidence?: string;
}

interface Snapshot {
  _meta: { sources: string[]; description: string };
  regions: Record<string, SnapshotEntry[]>;
}

const KINDS: readonly ModelKind[] = ['text', 'embedding', 'image', 'rerank', 'speech-to-speech', 'video-understanding'];

/** The date of the AWS table the snapshot was read from ("snapshot fetched YYYY-MM-DD" in its first source). */
function snapshotDateOf(snapshot: Snapshot): string {
  const date = /(\d{4}-\d{2}-\d{2})/.exec(snapshot._meta.sources[0] ?? '')?.[1];
  if (date === undefined) throw new Error('the snapshot names no date in _meta.sources[0]');
  return date;
}

export function buildInRegionCatalogData(snapshot: Snapshot): InRegionCatalogData {
  const regions: Record<string, InRegionModel[]> = {};
  for (const [region, entries] of Object.entries(snapshot.regions)) {
    regions[region] = entries.map((entry) => ({
      modelId: entry.modelId,
      provider: entry.provider,
      name: entry.name,
      kind: (KINDS as readonly string[]).includes(entry.kind) ? (entry.kind as ModelKind) : 'other',
      confidence: entry.confidence === 'high' ? 'high' : 'medium',
    }));
  }
  const date = snapshotDateOf(snapshot);
  return { source: `AWS Bedrock model/Region tables, snapshot of ${date} (${snapshot._meta.sources[0]?.split(' ')[0] ?? ''})`, snapshotDate: date, refreshed: {}, regions };
}

if (require.main === module) {
  const input = resolve(process.argv[2] ?? '../shared/data/in-region-models.json');
  if (!existsSync(input)) {
    process.stderr.write(
      `catalog:build-models: ${input} does not exist. It is the reference snapshot of AWS's model/Region tables; ` +
        'pass its path (npm run catalog:build-models -- FILE), or refresh from Bedrock with npm run catalog:refresh-models.\n',
    );
    process.exit(2);
  }
  const data = buildInRegionCatalogData(JSON.parse(readFileSync(input, 'utf8')) as Snapshot);
  const output = resolve('shared/core/classify/in-region-models-data.json');
  writeFileSync(output, serializeInRegionCatalogData(data));
  const count = Object.values(data.regions).reduce((sum, models) => sum + models.length, 0);
  process.stdout.write(`wrote ${output}: ${count} models in ${Object.keys(data.regions).length} Regions (snapshot ${data.snapshotDate})\n`);
}
