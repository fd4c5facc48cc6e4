/**
 * `cris-audit replay`: re-audit CloudTrail history (`LookupEvents`) with the local AWS credentials,
 * through the same use case as the replay Lambda.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { AthenaClient } from '@aws-sdk/client-athena';
import { createAthenaHistoryEngine } from '../shared/adapters/athena-history.js';
import { createCloudTrailClientFactory, createCloudTrailLookup } from '../shared/adapters/cloudtrail-lookup.js';
import { classifyRecord, isBedrockDenial } from '../shared/core/classify/classify.js';
import { VERDICT_ORDER } from '../shared/core/constants.js';
import { suggestFix } from '../shared/core/fix/suggest-fix.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import { formatBytes, formatUsd, ATHENA_USD_PER_TB } from '../shared/core/history/cost.js';
import { describeIntermittency } from '../shared/core/history/intermittency.js';
import { isHistoryResumeToken } from '../shared/core/history/resume.js';
import { parseHistoryPayload } from '../shared/core/history/payload.js';
import { runHistoryReplay } from '../shared/core/history/run-history-replay.js';
import { parseReplayPayload, type ReplayPayload } from '../shared/core/replay/payload.js';
import type { ReplayReport } from '../shared/core/replay/report.js';
import { runReplay as runReplayUseCase } from '../shared/core/replay/run-replay.js';
import type { Language } from '../shared/core/types.js';
import { toTerminalSafeJson } from '../shared/core/text-safety.js';
import { palette, safe, useColour } from './terminal.js';

export const REPLAY_USAGE = `usage: cris-audit replay --from TIME [--to TIME] [--region REGION]... [options]
       cris-audit replay --source athena --from TIME [--to TIME] --account ID... [options]
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
  --source S         lookup-events (default) or athena: one query over the organization
                     trail's Athena table, any age, every --account at once (--region
                     optional: default every Region of the table)
  --workgroup NAME   Athena workgroup (default: HISTORY_WORKGROUP)
  --database NAME    Glue database (default: HISTORY_DATABASE, else cris_auditor_history)
  --table NAME       Glue table (default: HISTORY_TABLE, else cloudtrail)
  --json             print the JSON report on stdout (the same report the Lambda returns)
  --lang en|ja       language of the summary and fixes (default: LOCALE, else en)
  -h, --help         this text

Needs cloudtrail:LookupEvents (and sts:AssumeRole for --account); with --source athena,
athena:StartQueryExecution/GetQueryExecution/GetQueryResults on the workgroup, Glue read on the
table and S3 read on the trail and results buckets. Exit code 0 when the whole window
was read, 3 when it stopped early (resume with the printed token), 2 when a Region failed, 64 on a
usage error.`;

/** Where the command writes; tests pass captured streams. */
export interface ReplayCliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env?: Record<string, string | undefined>;
}

/** Fixed texts of the replay summary, per language. */
export const REPLAY_LABELS = {
  en: {
    window: 'Window', regions: 'Regions', scanned: 'Records scanned', denials: 'Bedrock denials',
    groups: ({ count }: { count: number }) => (count > 0 ? `Cross-Region SCP blocks (${count}):` : 'Cross-Region SCP blocks:'),
    none: 'No cross-Region SCP block found.', fix: 'fix',
    from: 'from', deniedIn: 'denied in', seen: 'seen', complete: 'complete', partial: 'stopped',
    resume: 'Stopped before the end of the window. Continue with:', errors: 'Errors',
    totals: ({ invocations }: { invocations: number }) => `Whole replay so far (${invocations} runs)`,
    athena: 'Athena query', scannedData: 'data scanned', billed: 'billed',
    price: ({ usd }: { usd: string }) => `(at $${usd} per TB)`,
    accounts: ({ count }: { count: number }) => (count === 1 ? '1 account' : `${count} accounts`),
    allRegions: 'all Regions',
    intermittency: 'Failing calls by profile',
    healthy: ({ count }: { count: number }) => (count > 0 ? `(${count} other profiles had no failed call)` : ''),
  },
  ja: {
    window: '期間', regions: 'リージョン', scanned: '読み取ったレコード', denials: 'Bedrock の拒否',
    groups: ({ count }: { count: number }) => (count > 0 ? `クロスリージョン推論を止めている SCP（${count} 件）:` : 'クロスリージョン推論を止めている SCP:'),
    none: 'クロスリージョン推論を止めている SCP はありません。', fix: '修正',
    from: '送信元リージョン', deniedIn: '拒否されたリージョン', seen: '発生', complete: '完了', partial: '中断',
    resume: '期間の途中で停止しました。続きは次のコマンドで実行できます:', errors: 'エラー',
    totals: ({ invocations }: { invocations: number }) => `これまでの合計（${invocations} 回の実行）`,
    athena: 'Athena クエリ', scannedData: 'スキャン量', billed: '課金対象',
    price: ({ usd }: { usd: string }) => `（単価 $${usd}/TB）`,
    accounts: ({ count }: { count: number }) => (count > 0 ? `アカウント ${count} 件` : 'アカウントなし'),
    allRegions: 'すべてのリージョン',
    intermittency: 'プロファイル別の失敗率',
    healthy: ({ count }: { count: number }) => (count > 0 ? `（ほか ${count} 件のプロファイルは失敗なし）` : ''),
  },
} as const;

function summary(report: ReplayReport, lang: Language, colour: boolean): string {
  const t = REPLAY_LABELS[lang];
  const c = palette(colour);
  const lines = [
    `${t.window}: ${report.window.from} … ${report.window.to}`,
    `${t.scanned}: ${report.recordsScanned}   ${t.denials}: ${report.denials}`,
  ];
  if (report.totals.invocations > 1) {
    lines.push(`${t.totals({ invocations: report.totals.invocations })}: ${t.scanned} ${report.totals.recordsScanned}   ${t.denials} ${report.totals.denials}`);
  }
  for (const verdict of VERDICT_ORDER) {
    const count = report.findingsByVerdict[verdict];
    if (count > 0) lines.push(`  ${verdict.padEnd(24)} ${count}`);
  }
  lines.push('', c.bold(t.groups({ count: report.crossRegionScpGroupsTotal })));
  if (report.crossRegionScpGroups.length === 0) lines.push(`  ${t.none}`);
  for (const group of report.crossRegionScpGroups) {
    lines.push(
      safe(`  ×${group.count}  ${group.profileId ?? group.modelId ?? '?'}  ${t.from} ${group.sourceRegions.join(', ')}  ${t.deniedIn} ${group.deniedRegion ?? '?'}`),
      safe(`       ${group.accountId ?? '?'}  ${group.principal ?? '?'}  ${t.seen} ${group.firstSeen} … ${group.lastSeen}`),
    );
    if (group.recommendedFix !== null) lines.push(c.green(safe(`       ${t.fix}: ${group.recommendedFix.title}`)));
  }
  const failing = report.intermittency.filter((row) => row.failures > 0);
  if (report.intermittency.length > 0) {
    lines.push('', c.bold(`${t.intermittency}:`));
    for (const row of failing.slice(0, 20)) lines.push(safe(`  ${row.accountId ?? '?'}  ${describeIntermittency(row, lang)}`));
    const healthy = report.intermittencyTotal - failing.length;
    if (healthy > 0) lines.push(`  ${t.healthy({ count: healthy })}`);
  }
  if (report.athena !== null) {
    const a = report.athena;
    lines.push(
      '',
      c.bold(`${t.athena}: ${safe(a.queryExecutionId ?? '—')}  ${a.state ?? '—'}`),
      `  ${t.scannedData} ${formatBytes(a.dataScannedBytes)} · ${t.billed} ${formatBytes(a.billedBytes)} ≈ ${formatUsd(a.costUsd)} ${t.price({ usd: String(ATHENA_USD_PER_TB) })}`,
      `  ${a.days.first} … ${a.days.last} · ${t.accounts({ count: a.accounts.length })} · ${a.regions.length === 0 ? t.allRegions : a.regions.join(', ')}`,
    );
    if (a.stateChangeReason !== null) lines.push(c.yellow(safe(`  ${a.stateChangeReason}`)));
  }
  if (report.streams.length > 0) lines.push('', c.bold(`${t.regions}:`));
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
        source: { type: 'string' },
        workgroup: { type: 'string' },
        database: { type: 'string' },
        table: { type: 'string' },
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
  const source = values.source ?? (values.resume !== undefined && isHistoryResumeToken(values.resume) ? 'athena' : 'lookup-events');
  if (source !== 'athena' && source !== 'lookup-events') {
    io.stderr.write(`cris-audit replay: --source must be lookup-events or athena, not ${JSON.stringify(source)}\n`);
    return 64;
  }
  if (source === 'athena') return replayFromAthena(values, payload, maxMinutes, io, env);
  if (values.workgroup !== undefined || values.database !== undefined || values.table !== undefined) {
    io.stderr.write('cris-audit replay: --workgroup, --database and --table need --source athena\n');
    return 64;
  }
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

const GLUE_NAME = /^[a-z_][a-z0-9_]{0,254}$/;

/** `--source athena`: one query over the org trail's Athena table, the same summary and exit codes. */
async function replayFromAthena(
  values: { workgroup?: string | undefined; database?: string | undefined; table?: string | undefined; json?: boolean | undefined; 'role-name'?: string | undefined },
  payload: Record<string, unknown>,
  maxMinutes: number | undefined,
  io: ReplayCliIo,
  env: Record<string, string | undefined>,
): Promise<number> {
  const workGroup = values.workgroup ?? env['HISTORY_WORKGROUP'];
  const database = values.database ?? env['HISTORY_DATABASE'] ?? 'cris_auditor_history';
  const table = values.table ?? env['HISTORY_TABLE'] ?? 'cloudtrail';
  if (workGroup === undefined || workGroup === '') {
    io.stderr.write('cris-audit replay: --source athena needs --workgroup NAME (or HISTORY_WORKGROUP): the workgroup whose results location and cutoff apply\n');
    return 64;
  }
  for (const [flag, name] of [['--database', database], ['--table', table]] as const) {
    if (!GLUE_NAME.test(name)) {
      io.stderr.write(`cris-audit replay: ${flag}: ${JSON.stringify(name)} is not a Glue name (lower-case letters, digits, _)\n`);
      return 64;
    }
  }
  if (values['role-name'] !== undefined) {
    io.stderr.write('cris-audit replay: --role-name is for LookupEvents; Athena reads every account from the organization trail\n');
    return 64;
  }
  const defaultAccounts = (env['HISTORY_ACCOUNTS'] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  const parsed = parseHistoryPayload({ source: 'athena', ...payload }, { now: Date.now(), defaultAccounts });
  if (!parsed.ok) {
    const flag = { from: '--from', to: '--to', regions: '--region', accounts: '--account', resume: '--resume', maxEvents: '--max-events', lang: '--lang' }[parsed.field.replace(/\[\d+\]$/, '')] ?? parsed.field;
    io.stderr.write(`cris-audit replay: ${flag}: ${parsed.reason.slice(parsed.field.length + 2)}\n`);
    return 64;
  }
  const request = parsed.value;
  const lang: Language = request.lang ?? (env['LOCALE'] === 'ja' ? 'ja' : 'en');
  const catalog = loadBundledCatalog();
  const interrupt = new AbortController();
  const onSigint = (): void => {
    io.stderr.write('\ncris-audit replay: stopping (Ctrl-C again to quit at once)…\n');
    interrupt.abort();
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  const report = await runHistoryReplay(request, {
    engine: createAthenaHistoryEngine({ client: new AthenaClient({}), workGroup, database }),
    table: { database, table },
    stop: interrupt.signal,
    isDenial: isBedrockDenial,
    classify: (record) => classifyRecord(record, { catalog }),
    suggestFix: (finding) => suggestFix(finding, { catalog, lang }),
    writer: null,
    notifier: null,
    deadline: maxMinutes === undefined ? Number.POSITIVE_INFINITY : Date.now() + maxMinutes * 60_000,
    now: Date.now,
    sleep: (ms) => sleep(ms, undefined, { signal: interrupt.signal }).catch(() => undefined),
  });
  process.removeListener('SIGINT', onSigint);
  if (values.json === true) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(summary(report, lang, useColour(io.stdout)));
  if (report.errors.length > 0) return 2;
  return report.complete ? 0 : 3;
}
