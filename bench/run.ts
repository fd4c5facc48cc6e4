/**
 * `npm run bench`: every performance goal of the project, measured in one run and printed as
 * figures and ratios (never asserted: timing belongs to benchmarks, not tests).
 *
 *   npm run bench                 all sections
 *   npm run bench -- classify     only the named sections (classify, large-file, org-trail, alert, replay, athena, digest, preflight)
 *   npm run bench -- org-trail --quick   a small sanity run of the org-trail section
 */
import { benchClassify } from './classify.js';

interface Section {
  name: string;
  goal: string;
  run: () => Promise<Record<string, unknown>>;
  verdict: (result: Record<string, unknown>) => boolean;
}

const QUICK = process.argv.includes('--quick');

const SECTIONS: Section[] = [
  {
    name: 'classify',
    goal: 'parse+classify ≤ 1.5× JSON.parse of the same ≥100k records',
    run: async () => ({ ...benchClassify() }),
    verdict: (result) => Number(result.ratioToJsonParse) <= 1.5,
  },
  {
    name: 'large-file',
    goal: 'peak RSS ≤ 200 MB while analyzing a ≥100 MB gzipped log file',
    run: async () => ({ ...(await (await import('./read-large-file.js')).benchReadLargeFile()) }),
    verdict: (result) => Number(result.peakRssMb) <= 200,
  },
  {
    name: 'org-trail',
    goal: 'analyze on an organization trail ≤ 0.8× single-core zcat of the same files; ~20,000 small files ≤ 1.3× 100 files; peak RSS ≤ 256 MB in every mode',
    run: async () => ({ ...(await (await import('./org-trail.js')).benchOrgTrail({ quick: QUICK })) }),
    verdict: (result) =>
      Number(result.ratioToZcat) <= 0.8 &&
      Number(result.smallToHundredRatio) <= 1.3 &&
      ['peakRssMbJson', 'peakRssMbTable', 'peakRssMbFix', 'peakRssMbUnique'].every((key) => Number(result[key]) <= 256),
  },
  {
    name: 'alert',
    goal: 'alert handler throughput against DynamoDB Local; bundle size and module load time vs an empty handler bundle (figures only)',
    run: async () => ({ ...(await (await import('./alert.js')).benchAlert()) }),
    verdict: () => true,
  },
  {
    name: 'replay',
    goal: 'replay against a loopback CloudTrail throttled to 2 requests/s per Region: ≥ 90% of the limit',
    run: async () => ({ ...(await (await import('./replay.js')).benchReplay()) }),
    verdict: (result) => Number(result.shareOfLimit) >= 0.9,
  },
  {
    name: 'athena',
    goal: 'Athena replay: rows/s from the DuckDB loopback (real SDK, 1,000-row pages) through classification, vs classification alone; data scanned and its cost (figures only)',
    run: async () => ({ ...(await (await import('./athena.js')).benchAthena()) }),
    verdict: () => true,
  },
  {
    name: 'digest',
    goal: 'build and render the daily digest of 10,000 distinct fingerprints (figures only)',
    run: async () => ({ ...(await (await import('./digest.js')).benchDigest()) }),
    verdict: () => true,
  },
  {
    name: 'preflight',
    goal: 'preflight of a generated org (5,000 accounts / 200 OUs / 30 SCPs) × 40 profiles × 6 source Regions, every row serialised as --json: ≤ 10 s and ≤ 300 MB',
    run: async () => ({ ...(await import('./preflight.js')).benchPreflight() }),
    verdict: (result) => Number(result.seconds) <= 10 && Number(result.peakRssMb) <= 300,
  },
];

function format(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(value < 10 ? 3 : 1);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function main(argv: string[]): Promise<void> {
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const wanted = names.length === 0 ? SECTIONS : SECTIONS.filter((section) => names.includes(section.name));
  const summary: string[] = [];
  for (const section of wanted) {
    process.stdout.write(`\n== ${section.name} — goal: ${section.goal}\n`);
    const started = Date.now();
    const result = await section.run();
    for (const [key, value] of Object.entries(result)) process.stdout.write(`  ${key.padEnd(28)} ${format(value)}\n`);
    const met = section.verdict(result);
    summary.push(`${met ? 'met    ' : 'MISSED '} ${section.name}: ${section.goal}`);
    process.stdout.write(`  (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  process.stdout.write(`\n== goals\n${summary.map((line) => `  ${line}`).join('\n')}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
