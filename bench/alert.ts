/**
 * The alert function's throughput against DynamoDB Local (events/s, p50/p99 per event, with Slack and SNS
 * on loopback) and its cold-start cost: the bundle of each function built as serverless.yml builds
 * it, and the time a fresh Node process takes to load it, as a ratio to an empty handler bundle
 * measured in the same run.
 *
 *   node --import tsx bench/alert.ts [events] [concurrency]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Figures of one run. */
export interface AlertBench {
  events: number;
  fingerprints: number;
  concurrency: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  alertsSent: number;
  /** Minified bundle size per function, in KiB. */
  bundleKb: Record<string, number>;
  /** Median time to `require` each bundle in a fresh process, in ms (process start included). */
  loadMs: Record<string, number>;
  /** `loadMs` of each function divided by that of an empty handler bundle. */
  loadRatio: Record<string, number>;
  /**
   * The alert bundle as deployed (linked source map) loaded with and without
   * `NODE_OPTIONS=--enable-source-maps`: median load ms and peak RSS MiB of each, and their ratios.
   */
  sourceMaps: { loadMsOff: number; loadMsOn: number; loadRatio: number; rssMbOff: number; rssMbOn: number; rssDeltaMb: number };
}

const ROOT = join(__dirname, '..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** Events through the real handler: `fingerprints` distinct roles, `concurrency` invocations at a time. */
async function throughput(events: number, fingerprints: number, concurrency: number): Promise<Pick<AlertBench, 'eventsPerSecond' | 'p50Ms' | 'p99Ms' | 'alertsSent'>> {
  process.env['POWERTOOLS_LOG_LEVEL'] = 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const [{ createProjectTable, localClient, startDynamoDbLocal }, { SNSClient }, { createAlertHandler }, store, slack, sns, classify, fix, catalogModule, sinks] = await Promise.all([
    import('../cli/dynamodb-local.js'),
    import('@aws-sdk/client-sns'),
    import('../functions/alert.js'),
    import('../shared/adapters/dynamodb-alert-store.js'),
    import('../shared/adapters/slack-webhook.js'),
    import('../shared/adapters/sns-publisher.js'),
    import('../shared/core/classify/classify.js'),
    import('../shared/core/fix/suggest-fix.js'),
    import('../shared/core/classify/profile-catalog.js'),
    import('../cli/local-sinks.js'),
  ]);
  // AWS's DynamoDB Local (the store's transactions need it), as the tests run it.
  const database = await startDynamoDbLocal();
  await database.ready;
  const client = localClient(database.endpoint);
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  await createProjectTable(client, 'bench');
  let delivered = 0;
  const slackSink = await sinks.startLocalSlack(0, () => void (delivered += 1));
  const snsSink = await sinks.startLocalSns(0, () => undefined);
  const catalog = catalogModule.loadBundledCatalog();
  const handler = createAlertHandler({
    store: store.createDynamoDbAlertStore({ client, tableName: 'bench' }),
    notifiers: {
      slack: slack.createSlackNotifier({ webhookUrl: () => slackSink.url, lang: 'en' }),
      sns: sns.createSnsNotifier({ client: new SNSClient({ endpoint: snsSink.url, region: 'ap-northeast-1', credentials }), topicArn: 'arn:aws:sns:ap-northeast-1:111122223333:bench', lang: 'en' }),
    },
    classify: (record) => classify.classifyRecord(record, { catalog }),
    suggestFix: (finding) => fix.suggestFix(finding, { catalog, lang: 'en' }),
    windowMinutes: 60,
  });
  const sample = JSON.parse(readFileSync(join(ROOT, 'events/eventbridge/cross-region-scp-apac-converse.json'), 'utf8')) as {
    detail: { eventID: string; userIdentity: { arn: string } };
  };
  const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 } as never;
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < events) {
        const index = next;
        next += 1;
        const event = structuredClone(sample);
        event.detail.eventID = `bench-${index}`;
        event.detail.userIdentity.arn = `arn:aws:sts::111122223333:assumed-role/app-role-${index % fingerprints}/session-${index}`;
        const begin = performance.now();
        await handler(event, context);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  const elapsed = performance.now() - started;
  client.destroy();
  await Promise.all([slackSink.close(), snsSink.close(), database.stop()]);
  latencies.sort((a, b) => a - b);
  return { eventsPerSecond: (events / elapsed) * 1000, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), alertsSent: delivered };
}

/** Bundles each function as serverless.yml does (serverless-esbuild options) and times its load. */
async function coldStart(): Promise<Pick<AlertBench, 'bundleKb' | 'loadMs' | 'loadRatio' | 'sourceMaps'>> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'cris-bench-'));
  try {
    const empty = join(dir, 'empty-handler.ts');
    writeFileSync(empty, 'export const handler = async (event: unknown) => event;\n');
    const entries: Record<string, string> = {
      empty: empty,
      alert: join(ROOT, 'functions/alert.ts'),
      digest: join(ROOT, 'functions/digest.ts'),
      replay: join(ROOT, 'functions/replay.ts'),
    };
    const bundleKb: Record<string, number> = {};
    const loadMs: Record<string, number> = {};
    for (const [name, entry] of Object.entries(entries)) {
      const outfile = join(dir, `${name}.js`);
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        mainFields: ['module', 'main'],
        keepNames: true,
        logLevel: 'silent',
      });
      bundleKb[name] = statSync(outfile).size / 1024;
      const runs: number[] = [];
      for (let run = 0; run < 7; run += 1) {
        const begin = performance.now();
        execFileSync(process.execPath, ['-e', `require(${JSON.stringify(outfile)})`], {
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT', NODE_OPTIONS: '' },
          stdio: 'ignore',
        });
        runs.push(performance.now() - begin);
      }
      loadMs[name] = median(runs);
    }
    const base = loadMs['empty'] ?? 1;
    const loadRatio = Object.fromEntries(Object.entries(loadMs).filter(([name]) => name !== 'empty').map(([name, ms]) => [name, ms / base]));
    return { bundleKb, loadMs, loadRatio, sourceMaps: await sourceMapCost(build, dir, entries['alert']!) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What `--enable-source-maps` costs the alert function at load: the bundle built with a linked
 * source map (as serverless.yml builds it), required in a fresh process with and without the flag,
 * taken in turn; peak RSS from the process itself once loaded.
 */
async function sourceMapCost(build: typeof import('esbuild').build, dir: string, entry: string): Promise<AlertBench['sourceMaps']> {
  const outfile = join(dir, 'alert-mapped.js');
  await build({ entryPoints: [entry], outfile, bundle: true, minify: true, sourcemap: true, sourcesContent: false, platform: 'node', target: 'node22', format: 'cjs', mainFields: ['module', 'main'], keepNames: true, logLevel: 'silent' });
  const script = `require(${JSON.stringify(outfile)}); process.stdout.write(String(process.resourceUsage().maxRSS))`;
  const off: number[] = [];
  const on: number[] = [];
  const rssOff: number[] = [];
  const rssOn: number[] = [];
  for (let run = 0; run < 9; run += 1) {
    for (const [flag, times, rss] of [['', off, rssOff], ['--enable-source-maps', on, rssOn]] as const) {
      const begin = performance.now();
      const out = execFileSync(process.execPath, ['-e', script], {
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT', NODE_OPTIONS: flag },
        encoding: 'utf8',
      });
      times.push(performance.now() - begin);
      rss.push(Number(out) / 1024);
    }
  }
  const loadMsOff = median(off);
  const loadMsOn = median(on);
  const rssMbOff = median(rssOff);
  const rssMbOn = median(rssOn);
  return { loadMsOff, loadMsOn, loadRatio: loadMsOn / loadMsOff, rssMbOff, rssMbOn, rssDeltaMb: rssMbOn - rssMbOff };
}

/** Runs both measurements. */
export async function benchAlert(events = 2000, concurrency = 20, fingerprints = 50): Promise<AlertBench> {
  const load = await coldStart();
  const run = await throughput(events, fingerprints, concurrency);
  return { events, fingerprints, concurrency, ...run, ...load };
}

if (require.main === module) {
  const [events, concurrency] = process.argv.slice(2).map(Number);
  benchAlert(events || undefined, concurrency || undefined).then(
    (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
