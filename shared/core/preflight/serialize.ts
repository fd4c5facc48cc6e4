/**
 * One `--json` line of a preflight row. Rows of one chain share their fix object, which holds the
 * whole patched policy: it is serialised once and reused, so an organization's hundreds of
 * thousands of rows cost one `JSON.stringify` of the row's small fields each.
 */
import type { PreflightFix, PreflightRow } from './types.js';

const fixJson = new WeakMap<PreflightFix, string>();

/** The row as JSON text (no newline), fields in contract order, the same text `JSON.stringify` gives. */
export function serializePreflightRow(row: PreflightRow): string {
  if (row.fix === null) return JSON.stringify(row);
  let fix = fixJson.get(row.fix);
  if (fix === undefined) {
    fix = JSON.stringify(row.fix);
    fixJson.set(row.fix, fix);
  }
  const { fix: _fix, ...rest } = row;
  return `${JSON.stringify(rest).slice(0, -1)},"fix":${fix}}`;
}
