/**
 * What an Athena query costs at the public price: $5 per TB scanned, each query rounded up to the
 * next megabyte with a 10 MB minimum; cancelled queries (such as one stopped by the workgroup's
 * cutoff) are billed for what they scanned, failed ones are not. Region prices may differ; the
 * figure is an estimate for the report, not a bill.
 * @see https://aws.amazon.com/athena/pricing/
 * @see https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html
 */

/** US dollars per terabyte scanned (SQL queries, US East list price). */
export const ATHENA_USD_PER_TB = 5;
/** Minimum billed per query. */
export const ATHENA_MINIMUM_BILLED_BYTES = 10 * 1024 * 1024;
const MB = 1024 * 1024;
const TB = 1024 ** 4;

/** Bytes a query is billed for: rounded up to the megabyte, at least 10 MB; 0 for a failed query. */
export function billedBytes(dataScannedBytes: number, state: string): number {
  if (state === 'FAILED') return 0;
  return Math.max(ATHENA_MINIMUM_BILLED_BYTES, Math.ceil(Math.max(0, dataScannedBytes) / MB) * MB);
}

/** Estimated cost in US dollars of a query that scanned `dataScannedBytes` and ended in `state`. */
export function queryCostUsd(dataScannedBytes: number, state: string): number {
  return (billedBytes(dataScannedBytes, state) / TB) * ATHENA_USD_PER_TB;
}

/** `12.3 MB`, `1.02 GB`: bytes for people (binary units, as the Athena console shows them). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ${units[unit]}`;
}

/** `$0.000048`: a small dollar amount with enough digits to not read as zero. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${usd.toPrecision(2)}`;
}
