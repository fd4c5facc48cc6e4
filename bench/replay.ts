/**
 * Replay throughput against CloudTrail's limit of 2 LookupEvents requests per second per Region:
 * a loopback CloudTrail that answers `ThrottlingException` above that rate, several Regions in
 * parallel, the whole replay use case (lookup, classification, report). The goal is an effective
 * rate of at least 90% of the limit in every Region.
 *
 *   node --import tsx bench/replay.ts [regions] [pages]
 */
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { createCloudTrailLookup } from '../shared/adapters/cloudtrail-lookup.js';
import { classifyRecord, isBedrockDenial } from '../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import { LOOKUP_EVENTS_RATE } from '../shared/core/replay/rate-limit.js';
import { initialCursors } from '../shared/core/replay/resume.js';
import { runReplay } from '../shared/core/replay/run-replay.js';
import { makeBedrockEvents, startCloudTrailServer } from '../test/helpers/cloudtrail-server.js';

/** Figures of one run. */
export interface ReplayBench {
  regions: number;
  pagesPerRegion: number;
  /** Requests the server answered, throttled ones included. */
  requests: number;
  throttled: number;
  recordsScanned: number;
  /** Wall time of the replay. */
  seconds: number;
  /** Requests per second per Region after the initial burst (first to last request), averaged. */
  effectiveRatePerRegion: number;
  /** `effectiveRatePerRegion` / 2 requests/s; the goal is ≥ 0.9. */
  shareOfLimit: number;
}

/** Loopback only: never sign with the user's real credentials. */
const BENCH_CREDENTIALS = { accessKeyId: 'AKIABENCHREPLAY', secretAccessKey: 'bench' };

const REGIONS = ['ap-northeast-1', 'ap-southeast-2', 'us-east-1', 'eu-west-1', 'ap-south-1'];

/** Runs one replay of `regions` × `pages` pages against a loopback CloudTrail limited to 2 requests/s. */
export async function benchReplay(options: { regions?: number; pages?: number } = {}): Promise<ReplayBench> {
  const regionCount = Math.min(options.regions ?? 3, REGIONS.length);
  const pages = options.pages ?? 20;
  const regions = REGIONS.slice(0, regionCount);
  const newest = Math.floor(Date.now() / 1000) - 3600;
  const server = await startCloudTrailServer({ rateLimit: { ...LOOKUP_EVENTS_RATE, toleranceMs: 0 } });
  for (const region of regions) server.setEvents(region, makeBedrockEvents({ region, count: pages * 50, newest, spacingSeconds: 2, denialEvery: 7 }));
  const catalog = loadBundledCatalog();
  const from = new Date((newest - pages * 100 - 60) * 1000).toISOString();
  const to = new Date(newest * 1000 + 1000).toISOString();
  try {
    const started = performance.now();
    const report = await runReplay(
      {
        from, to, regions, accounts: null, cursors: initialCursors({ from, to, regions, accounts: null }),
        resumed: false, previousTotals: null, store: false, notify: false, dryRun: true, maxEvents: null, lang: null,
      },
      {
        lookup: createCloudTrailLookup({ clientFor: (region) => new CloudTrailClient({ region, endpoint: server.endpoint, maxAttempts: 1, credentials: BENCH_CREDENTIALS }) }),
        isDenial: isBedrockDenial,
        classify: (record) => classifyRecord(record, { catalog }),
        deadline: Date.now() + 10 * 60_000,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    if (!report.complete) throw new Error(`replay did not finish: ${JSON.stringify(report.errors)}`);
    const rates = regions.map((region) => {
      const times = server.requests.filter((r) => r.region === region).map((r) => r.at).sort((a, b) => a - b);
      const span = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
      return span > 0 ? (times.length - LOOKUP_EVENTS_RATE.burst) / span : 0;
    });
    const effective = rates.reduce((sum, rate) => sum + rate, 0) / rates.length;
    return {
      regions: regionCount,
      pagesPerRegion: pages,
      requests: server.requests.length,
      throttled: server.requests.filter((r) => r.errorType === 'ThrottlingException').length,
      recordsScanned: report.recordsScanned,
      seconds: Number(seconds.toFixed(2)),
      effectiveRatePerRegion: Number(effective.toFixed(3)),
      shareOfLimit: Number((effective / LOOKUP_EVENTS_RATE.ratePerSecond).toFixed(3)),
    };
  } finally {
    await server.close();
  }
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('bench/replay.ts')) {
  const [regions, pages] = process.argv.slice(2).map(Number);
  benchReplay({ ...(regions ? { regions } : {}), ...(pages ? { pages } : {}) })
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    });
}
