/**
 * What `analyze` consumes, from the reader in this thread or from worker threads: the reader's
 * items with records already classified. A record becomes a `finding` (a denied Bedrock call) or
 * is counted in `records`; only findings cross threads.
 */
import { readInput, type CloudTrailBatchItem, type CloudTrailInput } from '../shared/adapters/cloudtrail-files.js';
import { classifyRecord } from '../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import type { Finding } from '../shared/core/types.js';

/** An item of {@link classifiedBatches}. */
export type AnalyzeItem =
  | Exclude<CloudTrailBatchItem, { kind: 'record' } | { kind: 'other' }>
  | { kind: 'records'; count: number }
  | { kind: 'finding'; finding: Finding };

/** Reads one input with the prefilter and classifies its records; batches in input order. */
export async function* classifiedBatches(input: Extract<CloudTrailInput, { kind: 'read' }>): AsyncGenerator<AnalyzeItem[], void, undefined> {
  const catalog = loadBundledCatalog();
  for await (const batch of readInput(input, { prefilter: true })) {
    const out: AnalyzeItem[] = [];
    let records = 0;
    for (const item of batch) {
      if (item.kind === 'other') {
        records += item.count;
      } else if (item.kind === 'record') {
        records++;
        const finding = classifyRecord(item.record, { catalog });
        if (finding !== null) {
          out.push({ kind: 'records', count: records });
          records = 0;
          out.push({ kind: 'finding', finding });
        }
      } else {
        if (records > 0) out.push({ kind: 'records', count: records });
        records = 0;
        out.push(item);
      }
    }
    if (records > 0) out.push({ kind: 'records', count: records });
    yield out;
  }
}
