/**
 * The Japanese of every channel as a person receives it: each sample CloudTrail record classified,
 * its fix computed in Japanese, and rendered for Slack, SNS, Microsoft Teams, Amazon Q Developer,
 * the fix text of the CLI, and the CLI commands that print findings (analyze, explain, digest,
 * preflight). Where the catalog test checks each text alone, this one checks the texts as the
 * renderers join them, with the rules of docs/ja-glossary.md.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/load-event.js';
import { captureStream } from '../../helpers/capture-stream.js';
import { BOTH_RULES, JA_OUTPUT_RULES, JA_RULES, setVerbatim, violations } from '../../helpers/ja-rules.js';
import { classifyRecord } from '../../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../../shared/core/classify/profile-catalog.js';
import { renderFixText, suggestFix } from '../../../shared/core/fix/index.js';
import { renderSlackMessage } from '../../../shared/core/render/slack.js';
import { renderAlertText } from '../../../shared/core/render/sns.js';
import { renderTeamsMessage, teamsCardLines } from '../../../shared/core/render/teams.js';
import { renderQDeveloperAlert } from '../../../shared/core/render/q-developer.js';
import { runAnalyze } from '../../../cli/analyze.js';
import { runDigest } from '../../../cli/digest.js';
import { runPreflightCommand } from '../../../cli/preflight.js';
import type { CloudTrailRecord, Finding } from '../../../shared/core/types.js';

const catalog = loadBundledCatalog();
const CLOUDTRAIL = join(ROOT, 'events', 'cloudtrail');
const samples = readdirSync(CLOUDTRAIL).filter((name) => name.endsWith('.json') && !name.startsWith('not-a-denial'));

/** Every string value of a payload (Slack blocks, Q Developer notification). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The record's own values (attacker- or AWS-written, shown verbatim): not ours to translate. */
function recordValues(finding: Finding): unknown[] {
  return [finding.errorMessage, finding.principalArn, finding.userAgent, finding.sourceIpAddress, finding.reason, finding.policyType, finding.eventName];
}

function findingOf(name: string): Finding {
  const record = JSON.parse(readFileSync(join(CLOUDTRAIL, name), 'utf8')) as CloudTrailRecord;
  const finding = classifyRecord(record, { catalog });
  if (finding === null) throw new Error(`${name} is not a Bedrock denial`);
  finding.fix = suggestFix(finding, { catalog, lang: 'ja' });
  return finding;
}

async function cli(run: (argv: string[], io: never) => Promise<number>, argv: string[]): Promise<string> {
  const stdout = captureStream();
  const stderr = captureStream();
  await run(argv, { stdout, stderr, stdin: process.stdin } as never);
  return `${stdout.text()}\n${stderr.text()}`;
}

describe('Japanese in every channel', () => {
  it('finds the samples it renders', () => {
    expect(samples.length).toBeGreaterThan(10);
  });

  it.each(samples)('%s reads as AWS Japanese documentation in Slack, SNS, Teams, Q Developer and the fix text', (name) => {
    const finding = findingOf(name);
    setVerbatim(recordValues(finding));
    const content = { finding, fingerprint: '0123456789abcdef0123456789abcdef', repeats: 0, lang: 'ja' as const };
    const rendered = [
      ...strings(renderSlackMessage(content).blocks).map((text) => ({ path: 'slack', text })),
      ...renderAlertText(content).split('\n').map((text) => ({ path: 'sns', text })),
      ...teamsCardLines(renderTeamsMessage(content)).map((text) => ({ path: 'teams', text })),
      ...strings(renderQDeveloperAlert(content).content).map((text) => ({ path: 'q-developer', text })),
      ...renderFixText(finding.fix!).split('\n').map((text) => ({ path: 'fix-text', text })),
    ];
    expect(violations(rendered, [...JA_RULES, ...JA_OUTPUT_RULES, ...BOTH_RULES])).toEqual([]);
  });

  it('analyze, digest and preflight print Japanese tables, blocks, tags and summaries', async () => {
    setVerbatim(samples.flatMap((name) => recordValues(findingOf(name))));
    const outputs = [
      ['analyze', await cli(runAnalyze as never, ['--lang', 'ja', '--fix', CLOUDTRAIL])],
      ['digest', await cli(runDigest as never, ['--from', '2026-11-27T00:00:00Z', '--lang', 'ja', CLOUDTRAIL])],
      ['preflight', await cli(runPreflightCommand as never, ['--lang', 'ja', '--scp', join(ROOT, 'events', 'scp', 'region-deny-tokyo-osaka-virginia.json'), '--profile', 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0'])],
    ] as const;
    const html = join(mkdtempSync(join(tmpdir(), 'ja-digest-')), 'digest.html');
    await cli(runDigest as never, ['--from', '2026-11-27T00:00:00Z', '--lang', 'ja', '--out', html, CLOUDTRAIL]);
    const page = readFileSync(html, 'utf8')
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/<pre[\s\S]*?<\/pre>/g, '\n')
      .replace(/<\/(?:p|tr|td|th|h\d|div|li)>/g, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    const preflightPage = join(mkdtempSync(join(tmpdir(), 'ja-preflight-')), 'preflight.html');
    await cli(runPreflightCommand as never, ['--lang', 'ja', '--html', preflightPage, '--scp', join(ROOT, 'events', 'scp', 'region-deny-tokyo-osaka-virginia.json'), '--profile', 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', '--profile', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0']);
    const data = /<script type="application\/json" id="preflight-data">([\s\S]*?)<\/script>/.exec(readFileSync(preflightPage, 'utf8'))?.[1];
    expect(data).toBeDefined();
    // The page's texts travel as JSON; the fix snippets inside are code.
    const pageTexts = strings(JSON.parse(data!)).filter((text) => !text.trimStart().startsWith('{'));
    expect(pageTexts).toContain('送信先リージョン');
    // The table's VERDICT and POLICY columns hold codes and IDs; the fix's policy JSON is code.
    const rendered = [...outputs, ['digest-html', page] as const, ...pageTexts.map((text) => ['preflight-html', text] as const)].flatMap(([path, text]) => text.split('\n').map((line) => ({ path, text: line })));
    expect(violations(rendered, [...JA_RULES, ...JA_OUTPUT_RULES, ...BOTH_RULES])).toEqual([]);
    expect(outputs[0][1]).toContain('判定別の拒否:');
    expect(outputs[2][1]).toMatch(/チェック \d+ 件: 準備完了/);
  });
});
