/**
 * The rules of docs/ja-glossary.md that a Japanese text must keep, shared by the catalog test and
 * the channel test. Each rule returns the offending excerpt, or null.
 */

/** A rendered text and where it came from. */
export interface Rendered {
  path: string;
  text: string;
}

export const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Identifiers and code a rule about Japanese prose must not read; `extra` are verbatim values (samples, record fields). */
let verbatim: string[] = [];

/** Sets the verbatim values (identifiers) that rules about prose skip. */
export function setVerbatim(values: readonly unknown[]): void {
  verbatim = [...new Set(values.filter((v): v is string => typeof v === 'string' && v.length > 2 && !JAPANESE.test(v)))].sort((a, b) => b.length - a.length);
}

/** The prose of a text: code spans, fenced blocks, CLI flags and verbatim identifiers taken out. */
export function prose(text: string): string {
  let out = text.replace(/```[\s\S]*?```/g, ' ').replace(/https?:\/\/[^\s|>)]+/g, ' ').replace(/`[^`]*`/g, ' ').replace(/--[a-z-]+/g, ' ');
  for (const id of verbatim) out = out.split(id).join(' ');
  return out;
}

/** Identifier-shaped tokens (IDs, ARNs, Region codes, verdict codes, condition keys) taken out too. */
function words(text: string): string {
  return prose(text).replace(/[\w*$<>]+(?:[-_.:/@*][\w*$<>]*)+/g, ' ');
}

/** The rules of docs/ja-glossary.md a Japanese text must keep; each returns the offending excerpt. */
export const JA_RULES: Array<[string, (text: string) => string | null]> = [
  ['no English policy-type phrase', (t) => /service control polic|identity-based|permissions boundar|session polic|endpoint polic|resource control polic|resource-based/i.exec(prose(t))?.[0] ?? null],
  ['no ASCII "source"/"destination"/"Region" words', (t) => /\b(?:source|destinations?|Regions?)\b/i.exec(words(t))?.[0] ?? null],
  ['full-width brackets around Japanese', (t) => /\([^()]*[\u3040-\u30ff\u4e00-\u9fff、。][^()]*\)|[\u3040-\u30ff\u4e00-\u9fff]\([^()]*\)/.exec(t)?.[0] ?? null],
  ['「」, not ASCII quotes, around Japanese', (t) => [...t.matchAll(/"([^"\n]*)"/g)].find((m) => JAPANESE.test(m[1] ?? ''))?.[0] ?? null],
  ['no "0 件"', (t) => /(?:^|[^0-9])0 件/.exec(t)?.[0] ?? null],
  ['no empty brackets or dangling list', (t) => /（\s*）|\(\s*\)|[:：] *[。、）)]|[:：] +$/.exec(t)?.[0] ?? null],
  [
    'one name per concept',
    (t) => /ID ベースのポリシー|ID ポリシー|推論先|宛先リージョン|呼び出し元リージョン|ソースリージョン|リージョン指定なし|リージョンなし|呼び出し元 →|拒否リージョン|拒否先/.exec(t)?.[0] ?? null,
  ],
];

/** Rules for a whole rendered output (not a catalog text, whose samples are bare identifiers). */
export const JA_OUTPUT_RULES: Array<[string, (text: string) => string | null]> = [
  // A table row (time, account, verdict, route…) holds codes; a sentence names the value for what it is.
  ['"unspecified" is not called a Region', (t) => (/^\s*\d{4}-\d\d-\d\d \d\d:\d\d/.test(t) || t.trim() === 'unspecified' ? null : (/(?<!["\w-])unspecified(?!["\w（-])/.exec(prose(t))?.[0] ?? null))],
];

export const BOTH_RULES: Array<[string, (text: string) => string | null]> = [
  ['no leftover {placeholder}', (t) => /\{[a-zA-Z]+\}/.exec(t)?.[0] ?? null],
  ['no mojibake', (t) => /\uFFFD|Ã[\u0080-\u00bf]|â€|ã[\u0080-\u00bf]|\\u[0-9a-f]{4}/i.exec(t)?.[0] ?? null],
  ['no "undefined" or "null"', (t) => /\bundefined\b|\bnull\b|\[object Object\]|NaN/.exec(t)?.[0] ?? null],
];

export function violations(rendered: Rendered[], rules: Array<[string, (text: string) => string | null]>): string[] {
  const found: string[] = [];
  for (const { path, text } of rendered) {
    for (const [rule, check] of rules) {
      const hit = check(text);
      if (hit !== null) found.push(`${path}: ${rule}: «${hit}» in «${text.slice(0, 160)}»`);
    }
  }
  return [...new Set(found)];
}

