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

/** Pads or cuts `text` to exactly `width` columns, marking a cut with `…`. */
export function fit(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  return `${text.slice(0, width - 1)}…`;
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
