/**
 * Plain-text rendering of a fix for terminals and files (`cris-audit analyze`): the recommendation,
 * how it was verified, the patched policy and its diff, every option, and the notes. Markdown code
 * fences mark the parts to paste.
 */
import type { Fix, FixOption, Language, ScpPatch } from '../types.js';
import { message } from './messages.js';

/**
 * One line saying what the verification of an option established: `verified (…)`, `verified
 * assuming …` with the assumptions, or `not verified` (and why, when the SCPs were unknown). Used by
 * every channel (CLI, Slack, SNS, digest). Options stored before outcomes existed fall back to the
 * legacy status.
 */
export function verificationText(option: Pick<FixOption, 'outcome' | 'assumptions' | 'verification'> | null, lang: Language): string | null {
  if (option === null || (option.outcome === undefined && option.verification === undefined)) return null;
  const outcome = option.outcome;
  if (outcome === 'verified') return message(lang, 'outcome.verified');
  if (outcome === 'verified-assuming') {
    return message(lang, 'outcome.verified-assuming', { assumptions: (option?.assumptions ?? []).join('; ') || '-' });
  }
  if (option?.verification === 'unverified') return message(lang, 'render.status.unverified');
  if (outcome === 'not-verified' || option?.verification === 'failed') return message(lang, 'outcome.not-verified');
  return message(lang, 'render.status.verified');
}

/** Options of {@link renderFixText}. */
export interface RenderFixTextOptions {
  /** Show the snippet of every option (default) or of the recommended one only. */
  snippets?: 'all' | 'recommended';
}

function fence(language: string, content: string): string[] {
  return [`\`\`\`${language}`, content.replace(/\n$/, ''), '```'];
}

function optionLines(fix: Fix, option: FixOption, withSnippet: boolean): string[] {
  const text = verificationText(option, fix.lang);
  const status = text === null ? '' : ` [${text}]`;
  const lines = [`${option.rank}. ${option.title}${status}`, `   ${option.summary}`, `   ${message(fix.lang, 'render.tradeoffs')}: ${option.tradeoffs}`];
  if (option.guarantee !== undefined) lines.push(`   ${option.guarantee.text}`);
  for (const patch of option.patches ?? []) {
    if (option.id !== fix.recommended?.id && patch.mode !== 'control-tower-generated') continue;
    if (patch.mode === 'control-tower-generated') lines.push(`   ${message(fix.lang, 'render.generated', { name: patch.policyName ?? patch.policyId ?? '-' })}`);
  }
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
  const legacy = { outcome: fix.verification.outcome, assumptions: fix.verification.assumptions, verification: fix.verification.status };
  const status = verificationText(recommended?.outcome !== undefined ? recommended : legacy, lang) ?? message(lang, `render.status.${fix.verification.status}`);
  lines.push('', `${message(lang, 'render.verification')}: ${status}`);
  for (const check of fix.verification.checks) {
    const result = message(lang, check.passed ? 'render.checkPassed' : 'render.checkFailed');
    lines.push(`  ${message(lang, 'render.check', { result, name: check.name, expected: check.expected, actual: check.actual })}`);
  }
  const shown = (recommended?.patches ?? fix.scpPatches ?? (fix.scp === null ? [] : [fix.scp])).filter((p) => p.mode !== 'control-tower-generated');
  for (const patch of shown) lines.push('', ...patchLines(fix, patch));
  lines.push('', `${message(lang, 'render.options')}:`);
  for (const option of fix.options) {
    lines.push(...optionLines(fix, option, options.snippets !== 'recommended' || option.id === recommended?.id));
  }
  if ((fix.notes ?? []).length > 0) {
    lines.push('', `${message(lang, 'render.notes')}:`, ...(fix.notes ?? []).map((note) => `- ${note}`));
  }
  return `${lines.join('\n')}\n`;
}
