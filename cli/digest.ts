/**
 * `cris-audit digest`: renders the daily digest from local CloudTrail files, to preview the email
 * (or to report on history) without deploying. Same aggregation and renderers as the digest Lambda.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readCloudTrailInputs } from '../shared/adapters/cloudtrail-files.js';
import { createProblemLines } from './problem-lines.js';
import { classifyRecord } from '../shared/core/classify/classify.js';
import { LANGUAGES } from '../shared/core/constants.js';
import { aggregateFindings, buildDigest, type FingerprintedFinding } from '../shared/core/digest/aggregate.js';
import { renderDigestHtml, renderEmptyDigestHtml } from '../shared/core/digest/render-html.js';
import { renderDigestSubject, renderDigestText, renderEmptyDigestText } from '../shared/core/digest/render-text.js';
import { explicitDigestWindow } from '../shared/core/digest/schedule.js';
import { fingerprintFinding } from '../shared/core/alert/fingerprint.js';
import { suggestFix } from '../shared/core/fix/suggest-fix.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import type { Fix, Language } from '../shared/core/types.js';
import { CLI_MESSAGES } from './messages.js';
import { safe } from './terminal.js';

export const DIGEST_USAGE = `usage: cris-audit digest --from <ISO> [--to <ISO>] [--lang en|ja] [--time-zone <IANA>] [--out digest.html] PATH...

Builds the digest email from local CloudTrail data (the inputs \`analyze\` reads) for the window
[--from, --to), compared with the window of the same length before it, and writes:
  the HTML email to --out (open it in a browser to preview), and the text email to stdout.

  --from ISO        start of the window, inclusive (e.g. 2026-11-27T00:00:00Z)
  --to ISO          end of the window, exclusive (default: --from + 24 h)
  --lang en|ja      language (default: LOCALE, else en)
  --time-zone IANA  zone the times are shown in (default: DIGEST_TIME_ZONE, else UTC)
  --out FILE        write the HTML email there
  -h, --help        this text

Each CloudTrail event ID is counted once. The summary goes to stderr. Exit code 0 when every input
was read, 2 when any failed, 64 on a usage error, 1 when --out cannot be written.`;

const DAY_MS = 24 * 3_600_000;

interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

function usageError(io: Io, message: string): number {
  io.stderr.write(`cris-audit digest: ${message}\n\n${DIGEST_USAGE}\n`);
  return 64;
}

/** Runs `digest`; returns the process exit code. */
export async function runDigest(argv: string[], io: Io = process, env: Record<string, string | undefined> = process.env): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        lang: { type: 'string' },
        'time-zone': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${DIGEST_USAGE}\n`);
    return 0;
  }
  if (values.from === undefined) return usageError(io, '--from is required');
  if (positionals.length === 0) return usageError(io, 'name at least one file or directory');
  const lang = values.lang ?? env.LOCALE ?? 'en';
  if (!(LANGUAGES as readonly string[]).includes(lang)) return usageError(io, `--lang must be en or ja, not "${lang}"`);
  const from = new Date(values.from);
  const to = values.to === undefined ? new Date(from.getTime() + DAY_MS) : new Date(values.to);
  const window = explicitDigestWindow({ from, to, timeZone: values['time-zone'] ?? env.DIGEST_TIME_ZONE ?? 'UTC' });
  if (!window.ok) return usageError(io, window.reason);

  const language = lang as Language;
  const catalog = loadBundledCatalog();
  const start = Date.parse(window.value.previousFrom);
  const end = Date.parse(window.value.to);
  const fixes = new Map<string, Fix>();
  const findings: FingerprintedFinding[] = [];
  const seen = new Set<string>();
  const counts = { records: 0, denials: 0, outside: 0, duplicates: 0, problems: 0, failed: 0 };

  const problemLines = createProblemLines(io.stderr);
  for await (const item of readCloudTrailInputs(positionals)) {
    if (item.kind === 'problem') {
      counts.problems += 1;
      problemLines.problem(item);
      continue;
    }
    if (item.kind === 'file') {
      problemLines.fileEnded(item);
      if (item.status === 'failed') counts.failed += 1;
      continue;
    }
    counts.records += 1;
    const finding = classifyRecord(item.record, { catalog });
    if (finding === null) continue;
    counts.denials += 1;
    const time = finding.eventTime === null ? Number.NaN : Date.parse(finding.eventTime);
    if (!(time >= start && time < end)) {
      counts.outside += 1;
      continue;
    }
    if (finding.eventId !== null) {
      if (seen.has(finding.eventId)) {
        counts.duplicates += 1;
        continue;
      }
      seen.add(finding.eventId);
    }
    const fingerprint = fingerprintFinding(finding);
    let fix = fixes.get(fingerprint);
    if (fix === undefined) {
      fix = suggestFix(finding, { catalog, lang: language });
      fixes.set(fingerprint, fix);
    }
    findings.push({ fingerprint, finding: { ...finding, fix } });
  }

  const { aggregates } = aggregateFindings(findings);
  const digest = buildDigest({ window: window.value, current: aggregates, previous: aggregates });
  const empty = digest.totals.count === 0;
  const text = empty ? renderEmptyDigestText(window.value, { lang: language }) : renderDigestText(digest, { lang: language });
  if (values.out !== undefined) {
    const html = empty ? renderEmptyDigestHtml(window.value, { lang: language }) : renderDigestHtml(digest, { lang: language });
    try {
      await writeFile(values.out, html, 'utf8');
    } catch (error) {
      io.stderr.write(`cris-audit digest: cannot write ${safe(values.out)}: ${safe((error as Error).message)}\n`);
      return 1;
    }
  }
  io.stdout.write(`Subject: ${renderDigestSubject(digest, { lang: language })}\n\n${text}`);
  io.stderr.write(
    `${CLI_MESSAGES[language].digestSummary({
      records: counts.records,
      denials: counts.denials,
      inWindow: digest.totals.count,
      previous: digest.totals.previousCount,
      outside: counts.outside,
      duplicates: counts.duplicates,
      problems: counts.problems,
      out: values.out === undefined ? '' : safe(values.out),
    })}\n`,
  );
  return counts.failed > 0 || counts.problems > 0 ? 2 : 0;
}
