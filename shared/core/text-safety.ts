/**
 * Neutralizes characters in attacker-controlled text that would change how surrounding text reads,
 * before it is escaped for HTML or written into a plain-text message: Unicode bidirectional
 * controls (a U+202E RIGHT-TO-LEFT OVERRIDE can make `exe.txt` read as `txt.exe`) become a visible
 * `[U+202E]`; other control characters and lone surrogates become U+FFFD. Line breaks and tabs are
 * kept only when `multiline` is set (policy snippets); otherwise they become spaces, so a value
 * cannot forge extra lines.
 * @see https://www.unicode.org/reports/tr9/#Explicit_Directional_Formatting_Characters
 */
export function neutralizeText(value: string, options: { multiline?: boolean } = {}): string {
  const multiline = options.multiline === true;
  return value
    .replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, (char) => `[U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`)
    .replace(/\r\n?|\n|\t/g, (char) => (multiline ? (char === '\t' ? '\t' : '\n') : ' '))
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029]/g, '\uFFFD')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Shortens text to at most `max` characters (code points), marking the cut with `…`. */
export function truncateText(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
