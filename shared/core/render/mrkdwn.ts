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
import { neutralizeText } from '../text-safety.js';

/** Marker appended to any text that had to be shortened to fit a Block Kit limit. */
export const TRUNCATION_MARKER = '…(truncated)';

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
 * {@link TRUNCATION_MARKER}, never cutting an entity (`&amp;`) or a surrogate pair in half.
 */
export function truncateEscaped(text: string, maxLength: number): string {
  return truncate(text, maxLength, true);
}

/** Shortens plain text (e.g. a `plain_text` header) to `maxLength`, marking the cut. */
export function truncatePlain(text: string, maxLength: number): string {
  return truncate(text, maxLength, false);
}

function truncate(text: string, maxLength: number, escaped: boolean): string {
  if (text.length <= maxLength) return text;
  let cut = Math.max(0, maxLength - TRUNCATION_MARKER.length);
  if (escaped) {
    const ampersand = text.lastIndexOf('&', cut - 1);
    if (ampersand !== -1 && ampersand > cut - 5) {
      const semicolon = text.indexOf(';', ampersand);
      if (semicolon === -1 || semicolon >= cut) cut = ampersand;
    }
  }
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}${TRUNCATION_MARKER}`;
}
