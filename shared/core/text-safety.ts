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

/** The visible mark of a cut, in every channel: `…(N characters cut)`. */
export function cutMarker(count: number): string {
  return `…(${count} characters cut)`;
}

/** Matches {@link cutMarker}'s mark (for tests and readers of stored text). */
export const CUT_MARKER_PATTERN = /…\((\d+) characters cut\)/;

/**
 * Shortens `value` to at most `max` code points, ending with {@link cutMarker} naming how many
 * were cut; never splits a surrogate pair. Values within budget are returned unchanged.
 */
export function cutToBudget(value: string, max: number): string {
  if (value.length <= max) return value;
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  // The marker's own length depends on the count; two passes settle it.
  let keep = Math.max(0, max - cutMarker(chars.length).length);
  keep = Math.max(0, max - cutMarker(chars.length - keep).length);
  return `${chars.slice(0, keep).join('')}${cutMarker(chars.length - keep)}`;
}

/** Shortens text to at most `max` characters (code points), marking the cut with {@link cutMarker}. */
export function truncateText(value: string, max: number): string {
  return cutToBudget(value, max);
}

/**
 * Characters a terminal or a JavaScript parser treats specially that `JSON.stringify` leaves raw:
 * C1 controls (U+0080–U+009F, some terminals act on them), bidi controls (U+061C, U+200E/F,
 * U+202A–U+202E, U+2066–U+2069: they reorder what is read), U+2028/U+2029 (line breaks to
 * JavaScript and some viewers), and invisible format characters (U+200B–U+200D, U+2060, U+FEFF).
 */
const JSON_UNSAFE = /[\u0080-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060\u2066-\u2069\uFEFF]/g;

/**
 * Serialises a value as one line of JSON that is safe to write to a terminal: the same value as
 * `JSON.stringify` (a consumer parses it to exactly the same strings), with every character of
 * {@link JSON_UNSAFE} written as a `\uXXXX` escape instead of raw. Outside strings JSON has none
 * of these characters, so replacing them in the text only changes how string contents are spelt.
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-7
 */
export function toTerminalSafeJson(value: unknown, space?: number): string {
  return escapeJsonText(JSON.stringify(value, null, space));
}

/** Rewrites the characters of {@link JSON_UNSAFE} in JSON text as `\uXXXX` escapes. */
export function escapeJsonText(json: string): string {
  return json.replace(JSON_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
