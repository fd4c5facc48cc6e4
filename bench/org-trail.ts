/**
 * Benchmark: `analyze` on an organization trail as AWS writes it (many small gzipped files, Bedrock
 * denials a fraction of a percent), against the single-core `zcat` floor of the same files, the
 * same records in 100 large and ~20,000 small files, and `jq` when installed. Every figure is a
 * median of runs taken in turn, so a busy machine slows all of them alike; the goals are ratios.
 *
 * Run alone: `node --import tsx bench/org-trail.ts [--quick]`.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOrgTrail, type OrgTrailLayout, type OrgTrailSpec, type OrgTrailStats } from './org-trail-generator.js';

/** Options of {@link benchOrgTrail}. */
export interface OrgTrailBenchOptions {
  /** A small sanity run (tens of thousands of records, fewer rounds). */
  quick?: boolean;
  /** Cache directory for the generated trails (gitignored `.bench`). */
  dir?: string;
  /** Rounds of each measurement (medians are reported). */
  rounds?: number;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const CLI = join(REPO_ROOT, 'bin', 'cris-audit.mjs');
const GNU_TIME = '/usr/bin/time';

interface Run {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number | null;
}

async function ensureTrail(root: string, spec: OrgTrailSpec, layout: OrgTrailLayout): Promise<OrgTrailStats> {
  const meta = join(root, 'trail.meta.json');
  try {
    return JSON.parse(await readFile(meta, 'utf8')) as OrgTrailStats;
  } catch {
    // Not generated yet (or interrupted): generate below.
  }
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  process.stderr.write(`generating ${root} (${spec.records.toLocaleString('en-US')} records, once)…\n`);
  const stats = await writeOrgTrail(join(root, 'trail'), spec, layout);
  await writeFile(meta, JSON.stringify(stats));
  return stats;
}

/** Runs a command with stdout to /dev/null; wall time here, CPU and peak RSS from GNU time. */
async function measure(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  const withTime = existsSync(GNU_TIME);
  const sink = openSync('/dev/null', 'w');
  const started = performance.now();
  const child = spawn(withTime ? GNU_TIME : command, withTime ? ['-f', '@@time %U %S %M', command, ...args] : args, { stdio: ['ignore', sink, 'pipe'], env });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const seconds = (performance.now() - started) / 1000;
  closeSync(sink);
  const timing = /@@time ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  if (code !== 0 && code !== 2) throw new Error(`${command} ${args.join(' ')} exited with ${String(code)}: ${stderr.slice(-500)}`);
  return {
    seconds,
    cpuSeconds: timing === null ? Number.NaN : Number(timing[1]) + Number(timing[2]),
    peakRssMb: timing === null ? null : Math.round(Number(timing[3]) / 1024),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function shell(script: string): [string, string[]] {
  return ['sh', ['-c', script]];
}

function hasCommand(name: string): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    child.on('close', (code) => done(code === 0));
  });
}

/**
 * Generates (once) the trail in three layouts and measures, in turn, `zcat` of every file,
 * `analyze --json`, and `analyze --json` on the 100-file and the small-file layouts; then the peak
 * RSS of each output mode and `jq`.
 */
export async function benchOrgTrail(options: OrgTrailBenchOptions = {}): Promise<Record<string, unknown>> {
  const quick = options.quick ?? false;
  const records = quick ? 40_000 : 600_000;
  const smallFiles = quick ? 1_600 : 20_000;
  const rounds = options.rounds ?? (quick ? 3 : 5);
  const base = resolve(options.dir ?? '.bench', `org-trail-${records}`);
  const spec: OrgTrailSpec = { seed: 14, records };
  const realistic = await ensureTrail(join(base, 'realistic'), spec, { kind: 'realistic' });
  const hundred = await ensureTrail(join(base, 'files-100'), spec, { kind: 'files', files: 100 });
  const small = await ensureTrail(join(base, `files-${smallFiles}`), spec, { kind: 'files', files: smallFiles });
  const trail = (name: string) => join(base, name, 'trail');
  const zcat = shell(`find '${trail('realistic')}' -type f -name '*.gz' -print0 | xargs -0 zcat > /dev/null`);
  const node = process.execPath;

  const runs: Record<string, Run[]> = { zcat: [], analyze: [], hundred: [], small: [] };
  for (let round = 0; round < rounds; round++) {
    runs.zcat!.push(await measure(zcat[0], zcat[1]));
    runs.analyze!.push(await measure(node, [CLI, 'analyze', '--json', trail('realistic')]));
    runs.hundred!.push(await measure(node, [CLI, 'analyze', '--json', trail('files-100')]));
    runs.small!.push(await measure(node, [CLI, 'analyze', '--json', trail(`files-${smallFiles}`)]));
  }
  const wall = (name: string) => median(runs[name]!.map((run) => run.seconds));
  const cores = (name: string) => median(runs[name]!.map((run) => run.cpuSeconds / run.seconds));

  const modes: Array<[string, string[]]> = [
    ['json', ['--json']],
    ['table', []],
    ['fix', ['--fix']],
    ['unique', ['--json', '--unique']],
  ];
  const peak: Record<string, number | null> = {};
  for (const [name, flags] of modes) peak[name] = (await measure(node, [CLI, 'analyze', ...flags, trail('realistic')])).peakRssMb;

  let jqSeconds: number | null = null;
  if (await hasCommand('jq')) {
    const filter = '.Records[] | select(.eventSource == "bedrock.amazonaws.com" and ((.errorCode // "") | startswith("AccessDenied")))';
    const jq = shell(`find '${trail('realistic')}' -type f -name '*.gz' -print0 | xargs -0 zcat | jq -c '${filter}' > /dev/null`);
    jqSeconds = (await measure(jq[0], jq[1])).seconds;
  }

  const mb = realistic.jsonBytes / 1e6;
  return {
    conditions: `${rounds} rounds taken in turn, medians; load average at start ${(await loadAverage()).toFixed(2)} on ${(await import('node:os')).cpus().length} cores`,
    files: realistic.files,
    records: realistic.records,
    jsonMb: Math.round(mb),
    gzMb: Math.round(realistic.gzBytes / 1e6),
    zcatSeconds: wall('zcat'),
    analyzeSeconds: wall('analyze'),
    analyzeMbPerSecond: mb / wall('analyze'),
    analyzeCoresBusy: cores('analyze'),
    ratioToZcat: wall('analyze') / wall('zcat'),
    hundredFilesSeconds: wall('hundred'),
    smallFiles: small.files,
    smallFilesSeconds: wall('small'),
    smallToHundredRatio: wall('small') / wall('hundred'),
    peakRssMbJson: peak.json,
    peakRssMbTable: peak.table,
    peakRssMbFix: peak.fix,
    peakRssMbUnique: peak.unique,
    jqSeconds: jqSeconds ?? 'jq not installed',
    jqRatio: jqSeconds === null ? 'n/a' : jqSeconds / wall('analyze'),
    hundredFiles: hundred.files,
  };
}

async function loadAverage(): Promise<number> {
  return (await import('node:os')).loadavg()[0] ?? 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === THIS_FILE) {
  benchOrgTrail({ quick: process.argv.includes('--quick') })
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    });
}
