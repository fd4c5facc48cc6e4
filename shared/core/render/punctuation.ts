/**
 * Punctuation that differs by language: a parenthetical note, and a list separator. Japanese
 * running text takes full-width brackets with no space before them and 、 between items, as AWS's
 * Japanese documentation writes it (docs/ja-glossary.md).
 */
import type { Language } from '../types.js';

/** ` (text)` in English, `（text）` in Japanese: a note set after what it qualifies. */
export function aside(text: string, lang: Language): string {
  return lang === 'ja' ? `（${text}）` : ` (${text})`;
}

/** `(text)` in English, `（text）` in Japanese: a note on a line of its own. */
export function bracketed(text: string, lang: Language): string {
  return lang === 'ja' ? `（${text}）` : `(${text})`;
}

/** `, ` in English, `、` in Japanese. */
export function listSeparator(lang: Language): string {
  return lang === 'ja' ? '、' : ', ';
}

/**
 * What follows a Region value in Japanese when it is `unspecified`: a global profile's request names
 * no Region, so it is said what it is rather than shown as a Region. Empty otherwise, and in English
 * (where the value is explained in the reason).
 * @see https://docs.aws.amazon.com/ja_jp/bedrock/latest/userguide/global-cross-region-inference.html
 */
export function regionNote(region: string | null | undefined, lang: Language): string {
  return lang === 'ja' && region === 'unspecified' ? '（特定のリージョンに限定されないリクエスト）' : '';
}
