/**
 * A small line diff: longest common subsequence over lines, rendered in unified format. No
 * dependency; policies are a few hundred lines at most, and inputs beyond the size budget degrade to
 * one replace hunk instead of quadratic work.
 * @see https://www.gnu.org/software/diffutils/manual/html_node/Detailed-Unified.html
 */

/** One line operation turning the old text into the new one. */
export type LineOp =
  | { kind: 'equal'; oldIndex: number; newIndex: number }
  | { kind: 'delete'; oldIndex: number }
  | { kind: 'insert'; newIndex: number };

/** Cells of the LCS table above which the middle part is replaced wholesale. */
const MAX_CELLS = 4_000_000;

/** Splits text into lines; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Line operations from `before` to `after`, in order. Contract: replaying the `equal` and `insert`
 * operations yields `after`; replaying `equal` and `delete` yields `before`.
 */
export function diffLines(before: readonly string[], after: readonly string[]): LineOp[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let endOld = before.length;
  let endNew = after.length;
  // A common suffix is trimmed only when the table would be too large: aligning from the front
  // shows statements appended to a policy as one block at its end, the way a reviewer reads them.
  const tooLarge = (endOld - start) * (endNew - start) > MAX_CELLS;
  while (tooLarge && endOld > start && endNew > start && before[endOld - 1] === after[endNew - 1]) {
    endOld -= 1;
    endNew -= 1;
  }
  const ops: LineOp[] = [];
  for (let i = 0; i < start; i += 1) ops.push({ kind: 'equal', oldIndex: i, newIndex: i });
  ops.push(...middleOps(before, after, start, endOld, endNew));
  for (let i = endOld, j = endNew; i < before.length; i += 1, j += 1) {
    ops.push({ kind: 'equal', oldIndex: i, newIndex: j });
  }
  return ops;
}

function middleOps(
  before: readonly string[],
  after: readonly string[],
  start: number,
  endOld: number,
  endNew: number,
): LineOp[] {
  const n = endOld - start;
  const m = endNew - start;
  const ops: LineOp[] = [];
  if (n * m > MAX_CELLS || n === 0 || m === 0) {
    for (let i = start; i < endOld; i += 1) ops.push({ kind: 'delete', oldIndex: i });
    for (let j = start; j < endNew; j += 1) ops.push({ kind: 'insert', newIndex: j });
    return ops;
  }
  // lcs[i][j]: LCS length of before[start+i..endOld) and after[start+j..endNew), flattened.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i * width + j] =
        before[start + i] === after[start + j]
          ? (lcs[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * width + j] ?? 0, lcs[i * width + j + 1] ?? 0);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (before[start + i] === after[start + j]) {
      ops.push({ kind: 'equal', oldIndex: start + i, newIndex: start + j });
      i += 1;
      j += 1;
    } else if ((lcs[(i + 1) * width + j] ?? 0) >= (lcs[i * width + j + 1] ?? 0)) {
      ops.push({ kind: 'delete', oldIndex: start + i });
      i += 1;
    } else {
      ops.push({ kind: 'insert', newIndex: start + j });
      j += 1;
    }
  }
  for (; i < n; i += 1) ops.push({ kind: 'delete', oldIndex: start + i });
  for (; j < m; j += 1) ops.push({ kind: 'insert', newIndex: start + j });
  return ops;
}

/** Options of {@link unifiedDiff}. */
export interface UnifiedDiffOptions {
  /** Name shown on the `---` line; `/dev/null` for a new file. */
  fromName: string;
  /** Name shown on the `+++` line. */
  toName: string;
  /** Unchanged lines kept around each change (3 like `diff -u`). */
  context?: number;
}

function range(startIndex: number, count: number): string {
  const start = count === 0 ? startIndex : startIndex + 1;
  return count === 1 ? `${start}` : `${start},${count}`;
}

/**
 * A unified diff of two texts, or the empty string when they are equal. Lines that lose or gain a
 * final newline are marked `\ No newline at end of file`, as `diff -u` does.
 */
export function unifiedDiff(before: string, after: string, options: UnifiedDiffOptions): string {
  if (before === after) return '';
  const context = options.context ?? 3;
  const oldLines = splitLines(before);
  const newLines = splitLines(after);
  const oldNoEol = before.length > 0 && !before.endsWith('\n');
  const newNoEol = after.length > 0 && !after.endsWith('\n');
  const ops = diffLines(oldLines, newLines);
  // Distinguish the last line when only its final newline changed.
  if (oldNoEol !== newNoEol && oldLines.length > 0 && newLines.length > 0) {
    const last = ops[ops.length - 1];
    if (last?.kind === 'equal' && last.oldIndex === oldLines.length - 1 && last.newIndex === newLines.length - 1) {
      ops.splice(ops.length - 1, 1, { kind: 'delete', oldIndex: last.oldIndex }, { kind: 'insert', newIndex: last.newIndex });
    }
  }
  const changed = ops.map((op) => op.kind !== 'equal');
  const out: string[] = [`--- ${options.fromName}`, `+++ ${options.toName}`];
  let index = 0;
  while (index < ops.length) {
    if (!changed[index]) {
      index += 1;
      continue;
    }
    let first = Math.max(0, index - context);
    let last = index;
    // Extend the hunk while the next change is within 2 × context unchanged lines.
    for (let k = index; k < ops.length; k += 1) {
      if (changed[k]) last = k;
      else if (k - last > 2 * context) break;
    }
    const end = Math.min(ops.length - 1, last + context);
    first = Math.max(0, first);
    const hunk = ops.slice(first, end + 1);
    const oldStart = firstIndex(ops, first, 'old');
    const newStart = firstIndex(ops, first, 'new');
    const oldCount = hunk.filter((op) => op.kind !== 'insert').length;
    const newCount = hunk.filter((op) => op.kind !== 'delete').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const op of hunk) {
      if (op.kind === 'equal') {
        out.push(` ${oldLines[op.oldIndex] ?? ''}`);
        if (op.oldIndex === oldLines.length - 1 && oldNoEol) out.push('\\ No newline at end of file');
      } else if (op.kind === 'delete') {
        out.push(`-${oldLines[op.oldIndex] ?? ''}`);
        if (op.oldIndex === oldLines.length - 1 && oldNoEol) out.push('\\ No newline at end of file');
      } else {
        out.push(`+${newLines[op.newIndex] ?? ''}`);
        if (op.newIndex === newLines.length - 1 && newNoEol) out.push('\\ No newline at end of file');
      }
    }
    index = end + 1;
  }
  return `${out.join('\n')}\n`;
}

/** Index in the old (or new) text where the operation at `at` sits. */
function firstIndex(ops: readonly LineOp[], at: number, side: 'old' | 'new'): number {
  let count = 0;
  for (let k = 0; k < at; k += 1) {
    const op = ops[k];
    if (op === undefined) continue;
    if (side === 'old' ? op.kind !== 'insert' : op.kind !== 'delete') count += 1;
  }
  return count;
}
