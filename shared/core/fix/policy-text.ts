/**
 * Policy documents as text: rendering a patched document in the original's style so the diff shows
 * only what changed, and measuring it the way AWS Organizations does.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
 */
import { SCP_MAX_CHARACTERS } from '../constants.js';
import { diffLines, splitLines } from './diff.js';

/** The indentation unit of a pretty-printed JSON text (two spaces when it cannot be told). */
export function detectIndent(text: string): string {
  for (const line of splitLines(text).slice(1)) {
    const match = /^([ \t]+)\S/.exec(line);
    if (match?.[1] !== undefined) return match[1];
  }
  return text.includes('\n') ? '  ' : '';
}

/**
 * Renders `patched` in the style of `original` (its indentation, final newline, and any stray
 * trailing whitespace on lines the patch leaves alone). When the original is not laid out the way
 * `JSON.stringify` would lay it out, the patched document is rendered canonically instead.
 */
export function renderLike(original: string, originalDocument: unknown, patched: unknown): string {
  const indent = detectIndent(original);
  if (indent === '') return JSON.stringify(patched);
  const eol = original.endsWith('\n') ? '\n' : '';
  const crlf = original.includes('\r\n');
  const before = JSON.stringify(originalDocument, null, indent).split('\n');
  const after = JSON.stringify(patched, null, indent).split('\n');
  const originalLines = splitLines(original.replace(/\r\n/g, '\n'));
  const sameLayout =
    originalLines.length === before.length && originalLines.every((line, i) => line.trimEnd() === before[i]);
  const lines = sameLayout
    ? diffLines(before, after).flatMap((op) => {
        if (op.kind === 'equal') return [originalLines[op.oldIndex] ?? ''];
        if (op.kind === 'insert') return [after[op.newIndex] ?? ''];
        return [];
      })
    : after;
  const text = lines.join('\n') + eol;
  return crlf ? text.replace(/\n/g, '\r\n') : text;
}

/** Size of a policy text as the SCP quota counts it: every character, white space included. */
export function policySize(text: string): number {
  // UTF-8 bytes: equal to the character count for the ASCII policies are written in, and the stricter
  // reading when they are not (some AWS answers state the quota in bytes).
  return new TextEncoder().encode(text).length;
}

/** The same document with every white space outside strings removed. */
export function minifyPolicy(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** Sizes of a policy text against the SCP quota. */
export interface PolicySizeReport {
  size: number;
  minifiedSize: number;
  /** The text as rendered fits. */
  fits: boolean;
  /** The minified text fits (saving it minified is enough). */
  minifiedFits: boolean;
  limit: number;
}

/** Measures a policy text, rendered and minified, against the 5,120-character SCP limit. */
export function measurePolicy(text: string): PolicySizeReport {
  const size = policySize(text);
  const minifiedSize = policySize(minifyPolicy(text));
  return {
    size,
    minifiedSize,
    fits: size <= SCP_MAX_CHARACTERS,
    minifiedFits: minifiedSize <= SCP_MAX_CHARACTERS,
    limit: SCP_MAX_CHARACTERS,
  };
}
