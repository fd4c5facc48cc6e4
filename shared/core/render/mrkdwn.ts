/**
 * Escaping for Slack `mrkdwn`, where every string that came from a CloudTrail record is hostile:
 * session names, user agents, error messages and model IDs are chosen by whoever made the call.
 *
 * Slack requires `&`, `<` and `>` to be escaped as HTML entities; that alone disarms the control
 * sequences `<!channel>`, `<!here>`, `<@U…>`, `<#C…>` and `<url|label>`. Formatting characters and
 * bare mentions/URLs have no escape in mrkdwn, so they are replaced by look-alike characters that
 * Slack does not interpret. Attacker strings are best shown with {@link inlineCode}.
 * @see https://api.slack.com/reference/surfaces/formatting#escaping
 */
import { CUT_MARKER_PATTERN, cutMarker, neutralizeText } from '../text-safety.js';

/**
 * Matches the mark that ends any text shortened to fit a Block Kit limit: the same visible
 * `…(N characters cut)` as every other channel (`cutMarker`).
 */
export const TRUNCATION_MARKER_PATTERN = CUT_MARKER_PATTERN;

/** Look-alike of the backtick, so attacker text cannot open or close a code span or block. */
const BACKTICK_LOOKALIKE = '\u02cb';

/** Breaks `scheme://` so Slack does not turn a bare URL into a link (∕ is U+2215). */
function breakLinks(text: string): string {
  return text.replace(/:\/\//g, ':\u2215\u2215');
}

/** Escapes the three characters Slack reserves for control sequences. */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One line, nothing invisible: line breaks become spaces, controls and bidi overrides visible. */
function singleLine(text: string): string {
  return neutralizeText(text);
}

/**
 * Text for a mrkdwn position outside code: entities escaped, `* _ ~ \`` replaced by look-alikes
 * (∗ ＿ ∼ ˋ), `@` of would-be mentions and `://` of would-be links broken so Slack neither pings
 * nor links. Line breaks are kept.
 */
export function escapeMrkdwn(text: string): string {
  return escapeEntities(neutralizeText(text, { multiline: true }))
    .replace(/\*/g, '\u2217')
    .replace(/_/g, '\uff3f')
    .replace(/~/g, '\u223c')
    .replace(/`/g, BACKTICK_LOOKALIKE)
    .replace(/@/g, '\uff20')
    .replace(/:\/\//g, ':\u2215\u2215');
}

/**
 * One value as inline code: one line, entities escaped, backticks replaced, never empty. Slack
 * does not format, link or mention inside a code span.
 */
export function inlineCode(text: string | null | undefined, maxLength = 500): string {
  const value = text === null || text === undefined || text.trim() === '' ? '-' : singleLine(text);
  return `\`${truncateEscaped(breakLinks(escapeEntities(value)).replace(/`/g, BACKTICK_LOOKALIKE), maxLength)}\``;
}

/** Identifier shapes found in prose: ARNs, Regions, `service:Action` / condition keys, dotted model and profile IDs. */
const IDENTIFIER_SHAPE = new RegExp(
  [
    String.raw`arn:[a-z0-9-]+:[^\s"'<>\u0060]*`,
    String.raw`\b[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}\b`,
    String.raw`\b[a-z][a-z0-9-]*:[A-Za-z][A-Za-z0-9*_-]*`,
    String.raw`\b[A-Za-z0-9_-]*[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_*-]+)+(?::[0-9A-Za-z]+)?`,
    String.raw`\b\d{12}\b`,
  ].join('|'),
  'g',
);

/** Punctuation that ends a sentence rather than an identifier. */
const TRAILING_PUNCTUATION = /[.,;:)\]}'"]+$/;

/** A known value worth spanning: not a common word a hostile value could use to restyle the prose. */
function isDistinctive(value: string | null | undefined): value is string {
  if (typeof value !== 'string' || value.trim() !== value || value.length < 4 || /\n/.test(value)) return false;
  return value.length >= 8 || /[^A-Za-z]/.test(value);
}

function escapeForRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Prose that names identifiers, for a mrkdwn position outside code: every identifier (an ARN, a
 * model or profile ID, a Region, an action or condition key, a Sid, an account ID, a command
 * already written in backticks) becomes a code span, so a reader copies exactly what the record
 * or the fix says (`role/my_app_role`, not `role/my＿app＿role`); everything else is escaped by
 * {@link escapeMrkdwn}, which keeps mentions and links neutralised. `identifiers` are known values
 * (from the finding) matched literally before the generic shapes, so a Sid such as
 * `DenyAllOutsideEU` or a hostile model ID is spanned whole.
 * @see https://api.slack.com/reference/surfaces/formatting#inline-code
 */
export function mrkdwnProse(text: string, identifiers: readonly (string | null | undefined)[] = []): string {
  const known = [...new Set(identifiers.filter(isDistinctive))].sort((a, b) => b.length - a.length).map(escapeForRegExp);
  const knownPattern = known.length === 0 ? null : new RegExp(`(?<![A-Za-z0-9_])(?:${known.join('|')})(?![A-Za-z0-9_])`, 'g');
  const flat = neutralizeText(text, { multiline: true });
  const parts: string[] = [];
  // Backtick spans written by our own message templates (commands) stay code spans.
  const segments = flat.split(/(`[^`\n]+`)/);
  for (const segment of segments) {
    if (segment.length > 2 && segment.startsWith('`') && segment.endsWith('`')) {
      parts.push(inlineCode(segment.slice(1, -1), Number.POSITIVE_INFINITY));
      continue;
    }
    parts.push(spanIdentifiers(segment, knownPattern));
  }
  return parts.join('');
}

/** A dotted word is an identifier only with a digit or hyphen (`amazon.nova-pro-v1:0`), not `e.g`. */
function looksLikeIdentifier(value: string): boolean {
  if (value.startsWith('arn:') || !value.includes('.')) return true;
  return /[\d-]/.test(value);
}

function spanIdentifiers(text: string, knownPattern: RegExp | null): string {
  const matches: Array<{ start: number; end: number }> = [];
  if (knownPattern !== null) {
    for (const match of text.matchAll(knownPattern)) matches.push({ start: match.index, end: match.index + match[0].length });
  }
  for (const match of text.matchAll(IDENTIFIER_SHAPE)) {
    const value = match[0].replace(TRAILING_PUNCTUATION, '');
    if (value.length === 0 || !looksLikeIdentifier(value)) continue;
    matches.push({ start: match.index, end: match.index + value.length });
  }
  // Leftmost first, and the longest at one position: an ARN wins over the account ID inside it.
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let cursor = 0;
  for (const { start, end } of matches) {
    if (start < cursor) continue;
    out += escapeMrkdwn(text.slice(cursor, start)) + inlineCode(text.slice(start, end), Number.POSITIVE_INFINITY);
    cursor = end;
  }
  return out + escapeMrkdwn(text.slice(cursor));
}

/**
 * A code block (```) of `text` that fits in `maxLength` characters including its fences. Entities
 * are escaped and backticks replaced so the block cannot be closed early; line breaks are kept.
 */
export function codeBlock(text: string, maxLength = 3000): string {
  const fence = '```';
  const body = breakLinks(escapeEntities(neutralizeText(text, { multiline: true }).replace(/\n+$/, ''))).replace(/`/g, BACKTICK_LOOKALIKE);
  return `${fence}\n${truncateEscaped(body, maxLength - 2 * fence.length - 2)}\n${fence}`;
}

/**
 * Shortens already-escaped text to at most `maxLength` characters, ending with
 * `…(N characters cut)`, never cutting an entity (`&amp;`) or a surrogate pair in half.
 */
export function truncateEscaped(text: string, maxLength: number): string {
  return truncate(text, maxLength, true);
}

/** Shortens plain text (e.g. a `plain_text` header) to `maxLength`, marking the cut. */
export function truncatePlain(text: string, maxLength: number): string {
  return truncate(text, maxLength, false);
}

/** The largest cut point ≤ `cut` that splits neither an entity (`&amp;`) nor a surrogate pair. */
function safeCut(text: string, cut: number, escaped: boolean): number {
  let at = Math.max(0, cut);
  if (escaped) {
    const ampersand = text.lastIndexOf('&', at - 1);
    if (ampersand !== -1 && ampersand > at - 5) {
      const semicolon = text.indexOf(';', ampersand);
      if (semicolon === -1 || semicolon >= at) at = ampersand;
    }
  }
  const code = text.charCodeAt(at - 1);
  if (code >= 0xd800 && code <= 0xdbff) at -= 1;
  return at;
}

function truncate(text: string, maxLength: number, escaped: boolean): string {
  if (text.length <= maxLength) return text;
  // The mark names how many characters (code points of the text as sent) were cut; its own length
  // depends on that count, so the cut point is settled in a few passes, never past the limit.
  const markerAt = (at: number): string => cutMarker(Array.from(text.slice(at)).length);
  let cut = safeCut(text, maxLength - markerAt(0).length, escaped);
  for (let pass = 0; pass < 4; pass += 1) {
    const next = safeCut(text, maxLength - markerAt(cut).length, escaped);
    if (next === cut || next + markerAt(next).length > maxLength) break;
    cut = next;
  }
  return `${text.slice(0, cut)}${cutMarker(Array.from(text.slice(cut)).length)}`;
}
