/**
 * `cris-audit analyze`: classify every denied Bedrock call in CloudTrail files and say, for each
 * cross-Region SCP block, which profile, which Region and which SCP.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { listCloudTrailInputs, readInput, STDIN_PATH, type CloudTrailBatchItem, type CloudTrailInput } from '../shared/adapters/cloudtrail-files.js';
import { parallelBatches } from './analyze-parallel.js';
import { createProblemLines } from './problem-lines.js';
import { classifyRecord } from '../shared/core/classify/classify.js';
import { LANGUAGES, VERDICT_ORDER, VERDICTS } from '../shared/core/constants.js';
import { fixCacheKey, renderFixText, suggestFix } from '../shared/core/fix/index.js';
import { readScpFiles } from '../shared/adapters/scp-files.js';
import { createIamToolboxSource } from '../shared/adapters/iam-toolbox.js';
import type { AuthorizationDetailsSource } from '../shared/core/authoritative/details.js';
import { authoritativeReasonText, withAuthoritativeNote } from '../shared/core/authoritative/messages.js';
import { resolveAuthoritativeScps, type AuthoritativeInput, type AuthoritativeScps } from '../shared/core/authoritative/resolve.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import { toTerminalSafeJson } from '../shared/core/text-safety.js';
import type { Finding, Fix, Language, ScpDocument, Verdict } from '../shared/core/types.js';
import { CLI_MESSAGES } from './messages.js';
import { policyTypeName } from '../shared/core/classify/policy-types.js';
import { fit, palette, safe, useColour } from './terminal.js';

export const ANALYZE_USAGE = `usage: cris-audit analyze [--json] [--fix] [--scp FILE]... [--authoritative] [--lang en|ja] [--unique] PATH...

Reads CloudTrail data — EventBridge events, bare records, S3 log files ({"Records":[...]}, .json or
.json.gz), LookupEvents responses, NDJSON of any of these, or directories of them ("-" for stdin) —
and explains every denied Amazon Bedrock call.

  --json       one finding per line (NDJSON) on stdout, nothing else on stdout;
               each finding carries its suggested fix
  --fix        print every suggested fix in full: ranked options, snippets, patched SCP and diff
               (text only: not with --json, whose findings carry the whole fix)
  --scp FILE   an SCP document in force (JSON; repeat in root → account order). The fix then names
               the denying policy and statement and carries a patched policy, verified by evaluation
  --authoritative
               for SCP denials whose message carries an authorization ID, read the SCPs as they
               were at request time from IAM Access Troubleshooter (your AWS credentials;
               iam:GetRequestAuthorizationDetails, iam:GetRequestAuthorizationPolicy) and verify the
               fix against them; otherwise --scp, else unverified (the reason goes to stderr)
  --lang L     language of everything printed (table headers, block lines, verification tags,
               summary, fixes): en (default, or $LOCALE) or ja; policy JSON and IDs are never translated
  --unique     report each CloudTrail event ID once, however many inputs hold it
               (memory grows with the number of distinct events)
  -h, --help   this text

The summary goes to stderr. Exit code 0 when every input was read, 2 when any failed, 64 on a usage error.`;

interface Counts {
  records: number;
  findings: number;
  byVerdict: Map<Verdict, number>;
  files: { read: number; failed: number; skipped: number };
  problems: number;
  duplicates: number;
}

interface BlockGroup {
  finding: Finding;
  count: number;
}

/** Column widths of the table, in terminal columns (the last, POLICY, is not padded). */
const COLUMNS = [
  ['time', 20],
  ['account', 12],
  ['verdict', 21],
  ['route', 31],
  ['profile', 46],
] as const;

function tableHeader(lang: Language): string {
  const titles = CLI_MESSAGES[lang].columns;
  return `${COLUMNS.map(([key, width]) => fit(titles[key], width)).join('  ')}  ${titles.policy}`;
}

function tableRow(finding: Finding, lang: Language): string {
  const route = `${finding.sourceRegion ?? '?'} → ${finding.deniedRegion ?? '?'}`;
  const policy = finding.policyArn?.split('/').pop() ?? policyTypeName(finding.policyType, lang) ?? '';
  const cells = [
    (finding.eventTime ?? '').replace('T', ' ').replace('Z', ''),
    finding.accountId ?? '',
    finding.verdict,
    route,
    finding.profile?.id ?? finding.modelId ?? '',
  ];
  return `${cells.map((cell, index) => fit(safe(cell), COLUMNS[index]?.[1] ?? 10)).join('  ')}  ${safe(policy)}`;
}

function blockKey(finding: Finding): string {
  return [finding.profile?.id ?? finding.modelId, finding.sourceRegion, finding.deniedRegion, finding.policyArn].join('\u0000');
}

function blockLine(group: BlockGroup, lang: Language): string {
  const m = CLI_MESSAGES[lang];
  const { finding, count } = group;
  const subject =
    finding.profile !== null ? m.profileSubject({ id: finding.profile.id }) : finding.modelId === null ? m.unnamedModel : m.modelSubject({ id: finding.modelId });
  const denied = finding.deniedRegion === 'unspecified' ? m.deniedGlobal : m.deniedIn({ region: finding.deniedRegion ?? '?' });
  const policy = finding.policyArn === null ? m.policyScpUnknown : m.policyScp({ arn: finding.policyArn });
  const routes =
    finding.destinations === null
      ? ''
      : finding.deniedRegion === 'unspecified'
        ? m.routesGlobal({ count: finding.destinations.length })
        : m.routesAll({ count: finding.destinations.length, regions: finding.destinations.join(', '), approximate: finding.destinationsSource === 'geography' });
  return safe(m.blockLine({ subject, source: finding.sourceRegion ?? '?', denied, policy, times: m.times({ count }), routes }));
}

function summary(counts: Counts, lang: Language): string {
  const m = CLI_MESSAGES[lang];
  const verdicts = VERDICT_ORDER.filter((verdict) => counts.byVerdict.has(verdict))
    .map((verdict) => `${verdict} ${counts.byVerdict.get(verdict)}`)
    .join(', ');
  return [
    m.summaryRecords({ records: counts.records, findings: counts.findings, other: counts.records - counts.findings, duplicates: counts.duplicates }),
    m.summaryVerdicts({ verdicts }),
    m.summaryFiles({ read: counts.files.read, failed: counts.files.failed, skipped: counts.files.skipped, problems: counts.problems }),
  ].join('\n');
}

/**
 * Fixes depend on what was denied and where, not on the event: findings of one block share one
 * fix, computed once (bounded, so hostile input cannot grow it without limit).
 */
function createFixCache(options: {
  lang: Language;
  scps: ScpDocument[][] | undefined;
  toolbox: AuthorizationDetailsSource | null;
  warn: (line: string) => void;
}): { fixFor: (finding: Finding) => Promise<Fix> } {
  const catalog = loadBundledCatalog();
  const cache = new Map<string, Fix>();
  const lookups = new Map<string, Promise<AuthoritativeScps>>();
  const scpVerdicts: ReadonlySet<string> = new Set([VERDICTS.crossRegionScp, VERDICTS.scp]);

  /** The authoritative path, once per authorization ID; its reason is told once on stderr. */
  function authoritative(finding: Finding, toolbox: AuthorizationDetailsSource): Promise<AuthoritativeScps> {
    const input = finding as Finding & AuthoritativeInput;
    const key = input.authorizationId ?? `none ${finding.eventId ?? ''}`;
    let lookup = lookups.get(key);
    if (lookup === undefined) {
      lookup = resolveAuthoritativeScps(input, toolbox).then((result) => {
        if (result.lookup.status === 'not-used' && result.lookup.reason !== 'no-authorization-id') {
          options.warn(`IAM Access Troubleshooter not used for ${result.lookup.authorizationId ?? '-'}: ${authoritativeReasonText(result.lookup.reason, 'en')} (${result.lookup.detail})`);
        }
        return result;
      });
      if (lookups.size >= 5_000) lookups.clear();
      lookups.set(key, lookup);
    }
    return lookup;
  }

  return {
    async fixFor(finding) {
      const toolbox = options.toolbox;
      if (toolbox !== null && scpVerdicts.has(finding.verdict)) {
        const result = await authoritative(finding, toolbox);
        finding.authoritative = result.lookup;
        const scps = result.scps ?? options.scps;
        const fix = suggestFix(finding, { catalog, lang: options.lang, scps });
        return withAuthoritativeNote(fix, result.lookup, result.scps !== null ? 'none' : options.scps === undefined ? 'none' : 'scp-files');
      }
      const key = fixCacheKey(finding);
      if (key === null) return suggestFix(finding, { catalog, lang: options.lang, scps: options.scps });
      let fix = cache.get(key);
      if (fix === undefined) {
        fix = suggestFix(finding, { catalog, lang: options.lang, scps: options.scps });
        if (cache.size >= 5_000) cache.clear();
        cache.set(key, fix);
      }
      return fix;
    },
  };
}

/** The whole fix, for `--fix`, indented under its block; every line neutralised for the terminal. */
function renderFix(fix: Fix): string {
  return `${renderFixText(fix)
    .split('\n')
    .map((line) => (line === '' ? '' : `      ${safe(line)}`))
    .join('\n')}\n`;
}

/** Compressed bytes from which reading on worker threads pays for their start-up. */
const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Worker threads for this run: none for small inputs, stdin (read here) or `--unique` (which
 * needs every record in order); else one per core, up to 2. `CRIS_AUDIT_THREADS` overrides
 * (`1`: read in this thread).
 */
function threadCount(inputs: readonly CloudTrailInput[], unique: boolean): number {
  const files = inputs.filter((input): input is Extract<CloudTrailInput, { kind: 'read' }> => input.kind === 'read');
  if (unique || files.length < 2 || files.some((input) => input.path === STDIN_PATH)) return 1;
  const forced = Number(process.env.CRIS_AUDIT_THREADS);
  if (Number.isInteger(forced) && forced >= 1) return Math.min(forced, files.length);
  const bytes = files.reduce((sum, input) => sum + (input.size ?? PARALLEL_MIN_BYTES), 0);
  // Two workers: each holds its own heap, and more would break the 256 MB peak-memory goal.
  return bytes < PARALLEL_MIN_BYTES ? 1 : Math.min(availableParallelism(), 2, files.length);
}

async function* inThreadBatches(inputs: readonly CloudTrailInput[], options: { prefilter: boolean }): AsyncGenerator<CloudTrailBatchItem[], void, undefined> {
  for (const input of inputs) {
    if (input.kind === 'read') yield* readInput(input, options);
    else if (input.kind === 'skip') yield [{ kind: 'file', file: input.path, records: 0, status: 'skipped', ...(input.reason === undefined ? {} : { reason: input.reason }) }];
    else yield [{ kind: 'problem', file: input.path, reason: input.reason }, { kind: 'file', file: input.path, records: 0, status: 'failed' }];
  }
}

/** Show the progress line only for runs longer than this, and redraw it at most this often. */
const PROGRESS_AFTER_MS = 1_000;
const PROGRESS_EVERY_MS = 250;

/**
 * A progress line on stderr (files done/total, compressed MB/s) for long runs on a terminal;
 * nothing at all when stderr is not a TTY. Cleared before any other line is written.
 */
function createProgress(stderr: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean }, inputs: readonly CloudTrailInput[]) {
  const total = inputs.length;
  const sizes = inputs.map((input) => (input.kind === 'read' ? (input.size ?? 0) : 0));
  const tty = (stderr as { isTTY?: boolean }).isTTY === true;
  const started = Date.now();
  let done = 0;
  let bytes = 0;
  let shown = false;
  let lastDrawn = 0;
  return {
    fileDone(): void {
      bytes += sizes[done] ?? 0;
      done++;
    },
    show(): void {
      const now = Date.now();
      if (!tty || now - started < PROGRESS_AFTER_MS || now - lastDrawn < PROGRESS_EVERY_MS) return;
      lastDrawn = now;
      const rate = bytes / 1e6 / ((now - started) / 1000);
      stderr.write(`\r\u001b[Kfiles ${done}/${total} · ${rate.toFixed(1)} MB/s (compressed)`);
      shown = true;
    },
    clear(): void {
      if (!shown) return;
      stderr.write('\r\u001b[K');
      shown = false;
    },
  };
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      stream.off('drain', finish);
      stream.off('error', finish);
      stream.off('close', finish);
      done();
    };
    stream.once('drain', finish).once('error', finish).once('close', finish);
  });
}

/** Runs `analyze`; returns the process exit code. */
export async function runAnalyze(argv: string[], io: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = process): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { authoritative: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, unique: { type: 'boolean', default: false }, fix: { type: 'boolean', default: false }, lang: { type: 'string' }, scp: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (error) {
    io.stderr.write(`cris-audit analyze: ${(error as Error).message}\n\n${ANALYZE_USAGE}\n`);
    return 64;
  }
  if (parsed.values.help) {
    io.stdout.write(`${ANALYZE_USAGE}\n`);
    return 0;
  }
  if (parsed.positionals.length === 0) {
    io.stderr.write(`cris-audit analyze: name at least one file or directory\n\n${ANALYZE_USAGE}\n`);
    return 64;
  }

  const lang = parsed.values.lang ?? process.env.LOCALE ?? 'en';
  if (!(LANGUAGES as readonly string[]).includes(lang)) {
    io.stderr.write(`cris-audit analyze: --lang must be one of ${LANGUAGES.join(', ')}, not "${safe(lang)}"\n`);
    return 64;
  }
  if (parsed.values.fix && parsed.values.json) {
    io.stderr.write(`cris-audit analyze: --fix prints fixes as text and cannot be combined with --json (with --json every finding already carries its whole fix)\n\n${ANALYZE_USAGE}\n`);
    return 64;
  }
  let scps: ScpDocument[][] | undefined;
  let scpFailed = false;
  if (parsed.values.scp !== undefined) {
    const loaded = await readScpFiles(parsed.values.scp);
    if (loaded.ok) {
      scps = loaded.value;
    } else {
      // A bad --scp is an input that failed (exit 2): the logs are still read, the fixes unverified.
      io.stderr.write(`cris-audit analyze: --scp: ${safe(loaded.reason)}; fixes are not verified\n`);
      scpFailed = true;
    }
  }
  const fixes = createFixCache({
    lang: lang as Language,
    scps,
    toolbox: parsed.values.authoritative ? createIamToolboxSource() : null,
    warn: (line) => io.stderr.write(`cris-audit: ${safe(line)}\n`),
  });
  const json = parsed.values.json;
  const colour = palette(!json && useColour(io.stdout));
  const catalog = loadBundledCatalog();
  const counts: Counts = { records: 0, findings: 0, byVerdict: new Map(), files: { read: 0, failed: 0, skipped: 0 }, problems: 0, duplicates: 0 };
  const blocks = new Map<string, BlockGroup>();
  let headerPrinted = false;
  const seen = parsed.values.unique ? new Set<string>() : null;

  const problemLines = createProblemLines(io.stderr);
  const inputs: CloudTrailInput[] = [];
  for await (const input of listCloudTrailInputs(parsed.positionals)) inputs.push(input);
  const threads = threadCount(inputs, seen !== null);
  // --unique needs every record's event ID, so it parses every record, in this thread.
  const batches = threads > 1 ? parallelBatches(inputs, threads) : inThreadBatches(inputs, { prefilter: seen === null });
  const progress = createProgress(io.stderr, inputs);
  for await (const batch of batches) {
    const out: string[] = [];
    progress.clear();
    for (const item of batch) {
      if (item.kind === 'other' || item.kind === 'records') {
        counts.records += item.count;
        continue;
      }
      if (item.kind === 'problem') {
        counts.problems += 1;
        problemLines.problem(item);
        continue;
      }
      if (item.kind === 'file') {
        problemLines.fileEnded(item);
        progress.fileDone();
        counts.files[item.status === 'read' ? 'read' : item.status === 'failed' ? 'failed' : 'skipped'] += 1;
        continue;
      }
      let finding: Finding | null;
      if (item.kind === 'finding') {
        finding = item.finding;
      } else {
        if (seen !== null && typeof item.record.eventID === 'string') {
          if (seen.has(item.record.eventID)) {
            counts.duplicates += 1;
            continue;
          }
          seen.add(item.record.eventID);
        }
        counts.records += 1;
        finding = classifyRecord(item.record, { catalog });
      }
      if (finding === null) continue;
      finding.fix = await fixes.fixFor(finding);
      counts.findings += 1;
      counts.byVerdict.set(finding.verdict, (counts.byVerdict.get(finding.verdict) ?? 0) + 1);
      if (json) {
        out.push(`${toTerminalSafeJson(finding)}\n`);
        continue;
      }
      if (!headerPrinted) {
        out.push(`${colour.bold(tableHeader(lang as Language))}\n`);
        headerPrinted = true;
      }
      const row = tableRow(finding, lang as Language);
      out.push(`${finding.verdict === VERDICTS.crossRegionScp ? colour.red(row) : row}\n`);
      if (finding.verdict === VERDICTS.crossRegionScp) {
        const key = blockKey(finding);
        const group = blocks.get(key);
        // The block keeps its first finding without the fix: tens of thousands of distinct blocks
        // each holding a patched SCP and diff would not fit the memory goal; the fix is computed
        // again, from the same fields, when the block is printed.
        if (group === undefined) blocks.set(key, { finding: parsed.values.authoritative ? finding : { ...finding, fix: undefined }, count: 1 });
        else group.count += 1;
      }
    }
    // One write per chunk read; waiting for a slow reader of stdout keeps memory bounded.
    if (out.length > 0 && !io.stdout.write(out.join(''))) await drained(io.stdout);
    progress.show();
  }
  progress.clear();

  if (!json) {
    if (!headerPrinted) io.stdout.write(`${CLI_MESSAGES[lang as Language].noDenials}\n`);
    if (blocks.size > 0) {
      io.stdout.write(`\n${colour.bold(CLI_MESSAGES[lang as Language].blocksHeading({ count: blocks.size }))}\n`);
      for (const group of blocks.values()) {
        io.stdout.write(`  ${colour.red('✗')} ${blockLine(group, lang as Language)}\n`);
        // With --authoritative the fix rests on a per-event lookup, so the block kept it.
        const fix = group.finding.fix ?? (await fixes.fixFor(group.finding));
        if (fix?.recommended != null) io.stdout.write(`    ${colour.green(CLI_MESSAGES[lang as Language].fix)} ${safe(fix.recommended.title)} ${colour.dim(`[${safe(outcomeTag(fix, lang as Language))}]`)}\n`);
        const details = group.finding.authorizationDetailsUrl ?? (group.finding.authorizationId === null ? null : CLI_MESSAGES[lang as Language].authorizationId({ id: group.finding.authorizationId }));
        if (details !== null) io.stdout.write(`    ${colour.dim(CLI_MESSAGES[lang as Language].details)} ${safe(details)}\n`);
        if (parsed.values.fix && fix != null) io.stdout.write(renderFix(fix));
      }
    }
  }
  io.stderr.write(`${summary(counts, lang as Language)}\n`);
  return scpFailed || counts.files.failed > 0 || counts.problems > 0 ? 2 : 0;
}

/** The short verification tag of a fix line: `verified`, `verified assuming …`, `not verified`, or the legacy status. */
export function outcomeTag(fix: Fix, lang: Language = 'en'): string {
  const tags = CLI_MESSAGES[lang].tags;
  const outcome = fix.recommended?.outcome ?? fix.verification.outcome;
  if (outcome === 'verified-assuming') return tags.verifiedAssuming({ assumptions: (fix.recommended?.assumptions ?? fix.verification.assumptions ?? []).join('; ') });
  if (outcome === 'not-verified' && fix.verification.status !== 'unverified') return tags.notVerified;
  return tags[fix.verification.status];
}
