/**
 * Shared shape of the option builders: one small unit per way out of a denial.
 */
import type { FixOption, FixOptionId, Language } from '../../types.js';
import { message, type MessageKey } from '../messages.js';

/** Input every option builder takes. */
export interface OptionTexts {
  id: FixOptionId;
  rank: number;
  lang: Language;
  title: MessageKey;
  summary: MessageKey;
  tradeoffs: MessageKey;
  params: Readonly<Record<string, string>>;
  snippet: FixOption['snippet'];
  verification?: FixOption['verification'];
}

/** Builds an option from message keys. */
export function buildOption(texts: OptionTexts): FixOption {
  const option: FixOption = {
    id: texts.id,
    rank: texts.rank,
    title: message(texts.lang, texts.title, texts.params),
    summary: message(texts.lang, texts.summary, texts.params),
    tradeoffs: message(texts.lang, texts.tradeoffs, texts.params),
    snippet: texts.snippet,
  };
  if (texts.verification !== undefined) option.verification = texts.verification;
  return option;
}

/** A list for prose: `a, b, c` (values are identifiers, never translated). */
export function listText(values: readonly string[]): string {
  return values.length === 0 ? '-' : values.join(', ');
}

/** A pretty JSON snippet. */
export function jsonSnippet(value: unknown): FixOption['snippet'] {
  return { language: 'json', content: `${JSON.stringify(value, null, 2)}\n` };
}
