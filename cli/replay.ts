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
import { activeAccountsOf, historyPayloadNeedsAccounts, type SnapshotAccounts } from '../shared/core/history/accounts.js';
import { readOrgSnapshotFile } from './preflight.js';
import { runHistoryReplay } from '../shared/core/history/run-history-replay.js';
import { parseReplayPayload, type ReplayPayload } from '../shared/core/replay/payload.js';
import type { ReplayReport } from '../shared/core/replay/report.js';
import { runReplay as runReplayUseCase } from '../shared/core/replay/run-replay.js';
import type { Language } from '../shared/core/types.js';
import { toTerminalSafeJson } from '../shared/core/text-safety.js';
import { palette, safe, useColour } from './terminal.js';

export const REPLAY_USAGE = `usage: cris-audit replay --from TIME [--to TIME] [--region REGION]... [options]
       cris-audit replay --source athena --from TIME [--to TIME] [--account ID... | --org FILE] [options]
       cris-audit replay --resume TOKEN [options]

Reads Amazon Bedrock calls from CloudTrail event history (LookupEvents, last 90 days) with your
local AWS credentials, and explains every denied call. Regions are read in parallel at CloudTrail's
limit of 2 requests per second each. With --source athena, one query over the organization trail's
Athena table reads every account at once, any age.

  --from TIME        start of the window: ISO 8601 (2026-11-27T00:00:00Z) or a duration
                     before now (-P7D, -PT6H)
  --to TIME          end of the window, same forms (default: now)
  --region REGION    a Region to read; repeat for several (default: AWS_REGION; with
                     --source athena: every Region of the table)
  --account ID       an account to read; repeat for several (LookupEvents: through
                     --role-name; Athena: default HISTORY_ACCOUNTS, else the accounts of --org)
  --role-name NAME   role to assume in each --account (default: REPLAY_ROLE_NAME; LookupEvents only)
  --resume TOKEN     continue a replay that stopped early (its report prints the command)
  --max-events N     stop after reading N records and print a resume command
  --max-minutes N    stop after N minutes and print a resume command (default: no limit;
                     Ctrl-C also stops with a resume command)
  --source S         lookup-events (default) or athena
  --workgroup NAME   Athena workgroup (default: HISTORY_WORKGROUP; required for athena)
  --database NAME    Glue database (default: HISTORY_DATABASE, else cris_auditor_history)
  --table NAME       Glue table (default: HISTORY_TABLE, else cloudtrail)
  --org FILE         organization snapshot (cris-audit org snapshot --out FILE): with
                     --source athena and no --account, read its active accounts (at most 1000)
  --json             print the JSON report on stdout (the same report the Lambda returns)
  --lang en|ja       language of the summary and fixes (default: LOCALE, else en)
  -h, --help         this text

Needs cloudtrail:LookupEvents (and sts:AssumeRole for --account); with --source athena,
athena:StartQueryExecution/GetQueryExecution/GetQueryResults on the workgroup, Glue read on the
table and S3 read on the trail and results buckets. Exit code 0 when the whole window
was read, 3 when it stopped early (resume with the printed command), 2 when a Region or the query
failed, 64 on a usage error.`;

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

function summary(report: ReplayReport, lang: Language, colour: boolean, resumeFlags: ResumeFlags): string {
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
  if (report.resume !== null) lines.push('', t.resume, `  ${resumeCommand(report.resume, resumeFlags)}`);
  return `${lines.join('\n')}\n`;
}

/** Every option `cris-audit replay` accepts (a test checks each is in the usage text and the README). */
export const REPLAY_OPTIONS = {
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
  org: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The flags a resumed run needs again: those the token does not carry (where to read, how, and limits). */
export interface ResumeFlags {
  workgroup?: string | undefined;
  database?: string | undefined;
  table?: string | undefined;
  roleName?: string | undefined;
  maxEvents?: number | undefined;
  maxMinutes?: number | undefined;
  lang?: string | undefined;
  json?: boolean | undefined;
}

const SHELL_SAFE = /^[A-Za-z0-9@%+=:,./_-]+$/;

/** A value as a POSIX shell word: as is when it needs no quoting, else single-quoted. */
function shellWord(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/**
 * The one command that continues a stopped replay: `cris-audit replay --resume TOKEN` plus every
 * flag the token does not carry — for Athena the workgroup (and a database or table other than
 * the default), for LookupEvents the role name — and the limits and language of the run, so
 * pasting it continues the same replay the same way.
 */
export function resumeCommand(token: string, flags: ResumeFlags): string {
  const words = ['cris-audit', 'replay', '--resume', token];
  const add = (flag: string, value: string | number | undefined): void => {
    if (value !== undefined) words.push(flag, shellWord(String(value)));
  };
  add('--workgroup', flags.workgroup);
  add('--database', flags.database);
  add('--table', flags.table);
  add('--role-name', flags.roleName);
  add('--max-events', flags.maxEvents);
  add('--max-minutes', flags.maxMinutes);
  add('--lang', flags.lang);
  if (flags.json === true) words.push('--json');
  return words.join(' ');
}

/** Payload field → the flag that sets it, for error messages. */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = { from: '--from', to: '--to', regions: '--region', accounts: '--account', resume: '--resume', maxEvents: '--max-events', lang: '--lang' };

function refusal(io: ReplayCliIo, parsed: { field: string; reason: string }): number {
  const flag = FLAG_OF_FIELD[parsed.field.replace(/\[\d+\]$/, '')] ?? parsed.field;
  io.stderr.write(`cris-audit replay: ${flag}: ${safe(parsed.reason.slice(parsed.field.length + 2))}\n`);
  return 64;
}

/** Runs `work` with Ctrl-C wired to a stop signal: the run finishes its request and reports a resume command. */
async function interruptible<T>(io: ReplayCliIo, work: (stop: AbortSignal) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const onSigint = (): void => {
    io.stderr.write('\ncris-audit replay: stopping (Ctrl-C again to quit at once)…\n');
    interrupt.abort();
    process.removeListener('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(interrupt.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function finish(report: ReplayReport, lang: Language, io: ReplayCliIo, json: boolean, flags: ResumeFlags): number {
  io.stdout.write(json ? `${toTerminalSafeJson(report, 2)}\n` : summary(report, lang, useColour(io.stdout), flags));
  if (report.errors.length > 0) return 2;
  return report.complete ? 0 : 3;
}

type ReplayValues = { [K in keyof typeof REPLAY_OPTIONS]?: (typeof REPLAY_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof REPLAY_OPTIONS)[K] extends { type: 'boolean' } ? boolean : string };

/** Runs `cris-audit replay` with `argv` (after the subcommand); resolves to the exit code. */
export async function runReplay(argv: string[], io: ReplayCliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const env = io.env ?? process.env;
  // `--from -P7D`: a value starting with a dash would read as an option, so glue it on.
  const args = argv.flatMap((arg, index) =>
    (arg === '--from' || arg === '--to') && /^-P/.test(argv[index + 1] ?? '') ? [`${arg}=${argv[index + 1]}`] : index > 0 && /^-P/.test(arg) && (argv[index - 1] === '--from' || argv[index - 1] === '--to') ? [] : [arg],
  );
  let values: ReplayValues;
  try {
    ({ values } = parseArgs({ args, strict: true, allowPositionals: false, options: REPLAY_OPTIONS }));
  } catch (error) {
    io.stderr.write(`cris-audit replay: ${(error as Error).message}\n\n${REPLAY_USAGE}\n`);
    return 64;
  }
  if (values.help === true) {
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
  const flags: ResumeFlags = { maxEvents, maxMinutes, lang: values.lang, json: values.json };
  const source = values.source ?? (values.resume !== undefined && isHistoryResumeToken(values.resume) ? 'athena' : 'lookup-events');
  if (source !== 'athena' && source !== 'lookup-events') {
    io.stderr.write(`cris-audit replay: --source must be lookup-events or athena, not ${safe(JSON.stringify(source))}\n`);
    return 64;
  }
  if (source === 'athena') return replayFromAthena(values, payload, flags, io, env);
  if (values.workgroup !== undefined || values.database !== undefined || values.table !== undefined || values.org !== undefined) {
    io.stderr.write('cris-audit replay: --workgroup, --database, --table and --org need --source athena\n');
    return 64;
  }
  const defaultRegion = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
  const parsed = parseReplayPayload(payload, { now: Date.now(), defaultRegions: defaultRegion === undefined ? [] : [defaultRegion] });
  if (!parsed.ok) return refusal(io, parsed);
  const request = parsed.value;
  const lang: Language = request.lang ?? (env['LOCALE'] === 'ja' ? 'ja' : 'en');
  const catalog = loadBundledCatalog();
  const roleName = values['role-name'] ?? env['REPLAY_ROLE_NAME'] ?? null;
  const report = await interruptible(io, (stop) =>
    runReplayUseCase(request, {
      stop,
      lookup: createCloudTrailLookup({ clientFor: createCloudTrailClientFactory({ roleName }) }),
      isDenial: isBedrockDenial,
      classify: (record) => classifyRecord(record, { catalog }),
      suggestFix: (finding) => suggestFix(finding, { catalog, lang }),
      writer: null,
      notifier: null,
      deadline: maxMinutes === undefined ? Number.POSITIVE_INFINITY : Date.now() + maxMinutes * 60_000,
    }),
  );
  // The role is needed again whenever the token continues member accounts.
  return finish(report, lang, io, values.json === true, { ...flags, roleName: values['role-name'] ?? undefined });
}

const GLUE_NAME = /^[a-z_][a-z0-9_]{0,254}$/;

/** The accounts of an `--org` snapshot file, or why there are none. */
async function accountsOfSnapshotFile(path: string): Promise<SnapshotAccounts> {
  const loaded = await readOrgSnapshotFile(path);
  if (!loaded.ok) return { ok: false, reason: loaded.reason };
  return { ok: true, accounts: activeAccountsOf(loaded.value), source: `${path}, taken ${loaded.value.takenAt || 'at an unknown time'}` };
}

/** `--source athena`: one query over the org trail's Athena table, the same summary and exit codes. */
async function replayFromAthena(values: ReplayValues, payload: Record<string, unknown>, flags: ResumeFlags, io: ReplayCliIo, env: Record<string, string | undefined>): Promise<number> {
  const workGroup = values.workgroup ?? env['HISTORY_WORKGROUP'];
  const database = values.database ?? env['HISTORY_DATABASE'] ?? 'cris_auditor_history';
  const table = values.table ?? env['HISTORY_TABLE'] ?? 'cloudtrail';
  if (workGroup === undefined || workGroup === '') {
    io.stderr.write('cris-audit replay: --source athena needs --workgroup NAME (or HISTORY_WORKGROUP): the workgroup whose results location and cutoff apply\n');
    return 64;
  }
  for (const [flag, name] of [['--database', database], ['--table', table]] as const) {
    if (!GLUE_NAME.test(name)) {
      io.stderr.write(`cris-audit replay: ${flag}: ${safe(JSON.stringify(name))} is not a Glue name (lower-case letters, digits, _)\n`);
      return 64;
    }
  }
  if (values['role-name'] !== undefined) {
    io.stderr.write('cris-audit replay: --role-name is for LookupEvents; Athena reads every account from the organization trail\n');
    return 64;
  }
  const defaultAccounts = (env['HISTORY_ACCOUNTS'] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  const needsAccounts = historyPayloadNeedsAccounts(payload, defaultAccounts);
  const snapshotAccounts = values.org === undefined || !needsAccounts ? null : await accountsOfSnapshotFile(values.org);
  const parsed = parseHistoryPayload({ source: 'athena', ...payload }, {
    now: Date.now(),
    defaultAccounts,
    snapshotAccounts,
    accountsHint: 'pass --account ID (repeat it), set HISTORY_ACCOUNTS, or give an organization snapshot with --org FILE (cris-audit org snapshot --out FILE)',
  });
  if (!parsed.ok) return refusal(io, parsed);
  const request = parsed.value;
  if (snapshotAccounts?.ok === true) io.stderr.write(`accounts from ${safe(snapshotAccounts.source)}: ${request.accounts.length}\n`);
  const lang: Language = request.lang ?? (env['LOCALE'] === 'ja' ? 'ja' : 'en');
  const catalog = loadBundledCatalog();
  const report = await interruptible(io, (stop) =>
    runHistoryReplay(request, {
      engine: createAthenaHistoryEngine({ client: new AthenaClient({}), workGroup, database }),
      table: { database, table },
      stop,
      isDenial: isBedrockDenial,
      classify: (record) => classifyRecord(record, { catalog }),
      suggestFix: (finding) => suggestFix(finding, { catalog, lang }),
      writer: null,
      notifier: null,
      deadline: flags.maxMinutes === undefined ? Number.POSITIVE_INFINITY : Date.now() + flags.maxMinutes * 60_000,
      now: Date.now,
      sleep: (ms) => sleep(ms, undefined, { signal: stop }).catch(() => undefined),
    }),
  );
  // The workgroup always (HISTORY_WORKGROUP may not be set where the command is pasted); the
  // database and table when they are not the defaults.
  return finish(report, lang, io, values.json === true, {
    ...flags,
    workgroup: workGroup,
    database: database === 'cris_auditor_history' ? undefined : database,
    table: table === 'cloudtrail' ? undefined : table,
  });
}
