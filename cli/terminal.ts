/**
 * Terminal output helpers. Everything printed from a record is attacker-controlled (session names,
 * user agents, messages): control characters are replaced so a record cannot move the cursor,
 * change colours or rewrite earlier lines.
 */
import { neutralizeText } from '../shared/core/text-safety.js';

/** One line, with control characters as `�` and bidi overrides shown as `[U+202E]`. */
export function safe(text: string | null | undefined): string {
  return neutralizeText(text ?? '');
}

/** Whether a code point takes two terminal columns (East Asian wide and full-width forms). */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6)
  );
}

/** The columns `text` takes in a terminal: Japanese characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += isWide(char.codePointAt(0) ?? 0) ? 2 : 1;
  return width;
}

/** Pads or cuts `text` to exactly `width` terminal columns, marking a cut with `…`. */
export function fit(text: string, width: number): string {
  const columns = displayWidth(text);
  if (columns <= width) return text + ' '.repeat(width - columns);
  let out = '';
  let used = 0;
  for (const char of text) {
    const w = isWide(char.codePointAt(0) ?? 0) ? 2 : 1;
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  return `${out}…${' '.repeat(Math.max(0, width - 1 - used))}`;
}

/** Whether to colour output: a TTY, and NO_COLOR unset. */
export function useColour(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && process.env.NO_COLOR === undefined;
}

/** A minimal colour palette that turns into no-ops when colour is off. */
export function palette(enabled: boolean): Record<'red' | 'yellow' | 'green' | 'dim' | 'bold', (text: string) => string> {
  const wrap = (open: number, close: number) => (text: string) => (enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
