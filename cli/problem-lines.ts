/**
 * Problem lines on stderr, capped per input: a binary file or a random `.gz` read as NDJSON has a
 * problem on almost every "line", and hundreds of them would bury the others. Each input shows
 * its first {@link PROBLEM_LINES_PER_INPUT} problems, then one line with how many more it had;
 * the summary still counts them all.
 */
import type { CloudTrailInputItem } from '../shared/adapters/cloudtrail-files.js';
import { safe } from './terminal.js';

/** Problem lines shown per input before the rest are only counted. */
export const PROBLEM_LINES_PER_INPUT = 10;

/** Prints `problem` and skip notices of the reader's items, with the per-input cap. */
export function createProblemLines(stderr: { write(text: string): unknown }, perInput = PROBLEM_LINES_PER_INPUT) {
  let file: string | null = null;
  let inFile = 0;
  return {
    /** A problem of the input being read. */
    problem(item: Extract<CloudTrailInputItem, { kind: 'problem' }>): void {
      if (item.file !== file) {
        file = item.file;
        inFile = 0;
      }
      inFile++;
      if (inFile <= perInput) stderr.write(`cris-audit: ${safe(item.file)}${item.line === undefined ? '' : `:${item.line}`}: ${safe(item.reason)}\n`);
    },
    /** The end of an input: the count of problems not shown, and why a file was skipped. */
    fileEnded(item: Extract<CloudTrailInputItem, { kind: 'file' }>): void {
      if (item.file === file && inFile > perInput) {
        stderr.write(`cris-audit: ${safe(item.file)}: ${inFile - perInput} more problems not shown (${inFile} in this input)\n`);
      }
      if (item.reason !== undefined) stderr.write(`cris-audit: ${safe(item.file)}: skipped: ${safe(item.reason)}\n`);
      file = null;
      inFile = 0;
    },
  };
}
