/**
 * `cris-audit replay`: re-audit CloudTrail history (`LookupEvents`) with the local AWS credentials,
 * through the same use case as the replay Lambda.
 */
import { parseArgs } from 'node:util';
import { createCloudTrailClientFactory, createCloudTrailLookup } from '../shared/adapters/cloudtrail-lookup.js';
import { classifyRecord, isBedrockDenial } from '../shared/core/classify/classify.js';
import { VERDICT_ORDER } from '../shared/core/constants.js';
import { suggestFix } from '../shared/core/fix/suggest-fix.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import { parseReplayPayload, type ReplayPayload } from '../shared/core/replay/payload.js';
import type { ReplayReport } from '../shared/core/replay/report.js';
import { runReplay as runReplayUseCase } from '../shared/core/replay/run-replay.js';
import type { Language } from '../shared/core/types.js';
import { toTerminalSafeJson } from '../shared/core/text-safety.js';
import { palette, safe, useColour } from './terminal.js';

export const REPLAY_USAGE = `usage: cris-audit replay --from TIME [--to TIME] [--region REGION]... [options]
       cris-audit replay --resume TOKEN [options]

Reads Amazon Bedrock calls from CloudTrail event history (LookupEvents, last 90 days) with your
local AWS credentials, and explains every denied call. Regions are read in parallel at CloudTrail's
limit of 2 requests per second each.

  --from TIME        start of the window: ISO 8601 (2026-11-27T00:00:00Z) or a duration
                     before now (-P7D, -PT6H)
  --to TIME          end of the window, same forms (default: now)
  --region REGION    a Region to read; repeat for several (default: AWS_REGION)
  --account ID       read a member account through --role-name; repeat for several
  --role-name NAME   role to assume in each --account (default: REPLAY_ROLE_NAME)
  --resume TOKEN     continue a replay that stopped early (its report prints the token)
  --max-events N     stop after reading N records and print a resume token
  --max-minutes N    stop after N minutes and print a resume token (default: no limit;
                     Ctrl-C also stops with a resume token)
  --json             print the JSON report on stdout (the same report the Lambda returns)
  --lang en|ja       language of the summary and fixes (default: LOCALE, else en)
  -h, --help         this text

Needs cloudtrail:LookupEvents (and sts:AssumeRole for --account). Exit code 0 when the whole window
was read, 3 when it stopped early (resume with the printed token), 2 when a Region failed, 64 on a
usage error.`;

/** Where the command writes; tests pass captured streams. */
export interface ReplayCliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env?: Record<string, string | undefined>;
}

const LABELS = {
  en: {
    window: 'Window', regions: 'Regions', scanned: 'Records scanned', denials: 'Bedrock denials',
    groups: 'Cross-Region SCP blocks', none: 'No cross-Region SCP block found.', fix: 'fix',
    from: 'from', deniedIn: 'denied in', seen: 'seen', complete: 'complete', partial: 'stopped',
    resume: 'Stopped before the end of the window. Continue with:', errors: 'Errors',
    totals: 'Whole replay so far', runs: 'runs',
  },
  ja: {
    window: '期間', regions: 'リージョン', scanned: '読み取ったレコード', denials: 'Bedrock の拒否',
    groups: 'クロスリージョン推論を止めている SCP', none: 'クロスリージョン推論の SCP ブロックはありません。', fix: '対処',
    from: '送信元', deniedIn: '拒否先', seen: '発生', complete: '完了', partial: '中断',
    resume: '期間の途中で停止しました。続きは次のコマンドで実行できます:', errors: 'エラー',
    totals: 'これまでの合計', runs: '回',
  },
} as const;

function summary(report: ReplayReport, lang: Language, colour: boolean): string {
  const t = LABELS[lang];
  const c = palette(colour);
  const lines = [
    `${t.window}: ${report.window.from} … ${report.window.to}`,
    `${t.scanned}: ${report.recordsScanned}   ${t.denials}: ${report.denials}`,
  ];
  if (report.totals.invocations > 1) {
    lines.push(`${t.totals} (${report.totals.invocations} ${t.runs}): ${t.scanned} ${report.totals.recordsScanned}   ${t.denials} ${report.totals.denials}`);
  }
  for (const verdict of VERDICT_ORDER) {
    const count = report.findingsByVerdict[verdict];
    if (count > 0) lines.push(`  ${verdict.padEnd(24)} ${count}`);
  }
  lines.push('', c.bold(`${t.groups} (${report.crossRegionScpGroupsTotal}):`));
  if (report.crossRegionScpGroups.length === 0) lines.push(`  ${t.none}`);
  for (const group of report.crossRegionScpGroups) {
    lines.push(
      safe(`  ×${group.count}  ${group.profileId ?? group.modelId ?? '?'}  ${t.from} ${group.sourceRegions.join(', ')}  ${t.deniedIn} ${group.deniedRegion ?? '?'}`),
      safe(`       ${group.accountId ?? '?'}  ${group.principal ?? '?'}  ${t.seen} ${group.firstSeen} … ${group.lastSeen}`),
    );
    if (group.recommendedFix !== null) lines.push(c.green(safe(`       ${t.fix}: ${group.recommendedFix.title}`)));
  }
  lines.push('', c.bold(`${t.regions}:`));
  for (const stream of report.streams) {
    const state = stream.complete ? c.green(t.complete) : c.yellow(`${t.partial} (${stream.stoppedBy})`);
    lines.push(`  ${(stream.account === null ? '' : `${stream.account} `) + stream.region}  ${stream.recordsScanned} / ${stream.denials}  ${state}`);
  }
  if (report.errors.length > 0) {
    lines.push('', c.red(`${t.errors}:`));
    for (const error of report.errors) lines.push(c.red(safe(`  ${error.region}: ${error.message}`)));
  }
  for (const warning of report.warnings) lines.push(c.yellow(safe(warning)));
  if (report.resume !== null) lines.push('', t.resume, `  cris-audit replay --resume ${report.resume}`);
  return `${lines.join('\n')}\n`;
}

/** Runs `cris-audit replay` with `argv` (after the subcommand); resolves to the exit code. */
export async function runReplay(argv: string[], io: ReplayCliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const env = io.env ?? process.env;
  // `--from -P7D`: a value starting with a dash would read as an option, so glue it on.
  const args = argv.flatMap((arg, index) =>
    (arg === '--from' || arg === '--to') && /^-P/.test(argv[index + 1] ?? '') ? [`${arg}=${argv[index + 1]}`] : index > 0 && /^-P/.test(arg) && (argv[index - 1] === '--from' || argv[index - 1] === '--to') ? [] : [arg],
  );
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        region: { type: 'string', multiple: true },
        account: { type: 'string', multiple: true },
        'role-name': { type: 'string' },
        resume: { type: 'string' },
        'max-events': { type: 'string' },
        'max-minutes': { type: 'string' },
        json: { type: 'boolean', default: false },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    io.stderr.write(`cris-audit replay: ${(error as Error).message}\n\n${REPLAY_USAGE}\n`);
    return 64;
  }
  if (values.help) {
    io.stdout.write(`${REPLAY_USAGE}\n`);
    return 0;
  }
  const number = (text: string | undefined): number | undefined | null => {
    if (text === undefined) return undefined;
    return /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : null;
  };
  const maxEvents = number(values['max-events']);
  const maxMinutes = number(values['max-minutes']);
  if (maxEvents === null || maxMinutes === null) {
    io.stderr.write(`cris-audit replay: --${maxEvents === null ? 'max-events' : 'max-minutes'} must be a positive whole number\n`);
    return 64;
  }
  const payload: Record<string, unknown> = {
    ...(values.from === undefined ? {} : { from: values.from }),
    ...(values.to === undefined ? {} : { to: values.to }),
    ...(values.region === undefined ? {} : { regions: values.region }),
    ...(values.account === undefined ? {} : { accounts: values.account }),
    ...(values.resume === undefined ? {} : { resume: values.resume }),
    ...(maxEvents === undefined ? {} : { maxEvents }),
    ...(values.lang === undefined ? {} : { lang: values.lang }),
  } satisfies Partial<Record<keyof ReplayPayload, unknown>>;
  const defaultRegion = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  const parsed = parseReplayPayload(payload, { now: Date.now(), defaultRegions: defaultRegion === undefined ? [] : [defaultRegion] });
  if (!parsed.ok) {
    const flag = { from: '--from', to: '--to', regions: '--region', accounts: '--account', resume: '--resume', maxEvents: '--max-events', lang: '--lang' }[parsed.field.replace(/\[\d+\]$/, '')] ?? parsed.field;
    io.stderr.write(`cris-audit replay: ${flag}: ${parsed.reason.slice(parsed.field.length + 2)}\n`);
    return 64;
  }
  const request = parsed.value;
  const lang: Language = request.lang ?? (env['LOCALE'] === 'ja' ? 'ja' : 'en');
  const catalog = loadBundledCatalog();
  const roleName = values['role-name'] ?? env['REPLAY_ROLE_NAME'] ?? null;
  // Ctrl-C stops cleanly: the streams finish their request and the report prints a resume token.
  const interrupt = new AbortController();
  const onSigint = (): void => {
    io.stderr.write('\ncris-audit replay: stopping (Ctrl-C again to quit at once)…\n');
    interrupt.abort();
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  const report = await runReplayUseCase(request, {
    stop: interrupt.signal,
    lookup: createCloudTrailLookup({ clientFor: createCloudTrailClientFactory({ roleName }) }),
    isDenial: isBedrockDenial,
    classify: (record) => classifyRecord(record, { catalog }),
    suggestFix: (finding) => suggestFix(finding, { catalog, lang }),
    writer: null,
    notifier: null,
    deadline: maxMinutes === undefined ? Number.POSITIVE_INFINITY : Date.now() + maxMinutes * 60_000,
  });
  process.removeListener('SIGINT', onSigint);
  if (values.json) {
    io.stdout.write(`${toTerminalSafeJson(report, 2)}\n`);
  } else {
    io.stdout.write(summary(report, lang, useColour(io.stdout)));
  }
  if (report.errors.length > 0) return 2;
  return report.complete ? 0 : 3;
}
