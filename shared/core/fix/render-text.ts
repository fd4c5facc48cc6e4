/**
 * Plain-text rendering of a fix for terminals and files (`cris-audit analyze`): the recommendation,
 * how it was verified, the patched policy and its diff, every option, and the notes. Markdown code
 * fences mark the parts to paste.
 */
import type { Fix, FixOption, ScpPatch } from '../types.js';
import { message } from './messages.js';

/** Options of {@link renderFixText}. */
export interface RenderFixTextOptions {
  /** Show the snippet of every option (default) or of the recommended one only. */
  snippets?: 'all' | 'recommended';
}

function fence(language: string, content: string): string[] {
  return [`\`\`\`${language}`, content.replace(/\n$/, ''), '```'];
}

function optionLines(fix: Fix, option: FixOption, withSnippet: boolean): string[] {
  const status = option.verification === undefined ? '' : ` [${option.verification}]`;
  const lines = [`${option.rank}. ${option.title}${status}`, `   ${option.summary}`, `   ${message(fix.lang, 'render.tradeoffs')}: ${option.tradeoffs}`];
  if (withSnippet && option.snippet !== null) lines.push(...fence(option.snippet.language, option.snippet.content));
  return lines;
}

function patchLines(fix: Fix, patch: ScpPatch): string[] {
  const name = patch.policyName ?? patch.policyArn ?? '-';
  const statement = patch.statement.sid ?? `#${patch.statement.index}`;
  const heading = patch.mode === 'new-policy' ? 'render.newPolicy' : 'render.patch';
  return [
    message(fix.lang, heading, { name, statement }),
    ...(patch.policyArn !== null ? [patch.policyArn] : []),
    ...fence('diff', patch.diff),
    message(fix.lang, 'render.size', {
      size: String(patch.size),
      minified: String(patch.minifiedSize ?? patch.size),
      limit: '5120',
    }),
  ];
}

/** Renders a fix as plain text in the fix's language. Policy text and diffs are shown verbatim. */
export function renderFixText(fix: Fix, options: RenderFixTextOptions = {}): string {
  const lang = fix.lang;
  const lines: string[] = [];
  const recommended = fix.recommended;
  if (recommended === null) lines.push(message(lang, 'render.none'));
  else {
    lines.push(`${message(lang, 'render.recommended')}: ${recommended.title}`, recommended.summary);
    lines.push(`${message(lang, 'render.tradeoffs')}: ${recommended.tradeoffs}`);
  }
  lines.push('', `${message(lang, 'render.verification')}: ${message(lang, `render.status.${fix.verification.status}`)}`);
  for (const check of fix.verification.checks) {
    lines.push(`  [${check.passed ? 'pass' : 'FAIL'}] ${check.name}: expected ${check.expected}, got ${check.actual}`);
  }
  for (const patch of fix.scpPatches ?? (fix.scp === null ? [] : [fix.scp])) lines.push('', ...patchLines(fix, patch));
  lines.push('', `${message(lang, 'render.options')}:`);
  for (const option of fix.options) {
    lines.push(...optionLines(fix, option, options.snippets !== 'recommended' || option.id === recommended?.id));
  }
  if ((fix.notes ?? []).length > 0) {
    lines.push('', `${message(lang, 'render.notes')}:`, ...(fix.notes ?? []).map((note) => `- ${note}`));
  }
  return `${lines.join('\n')}\n`;
}
