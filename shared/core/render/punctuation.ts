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
