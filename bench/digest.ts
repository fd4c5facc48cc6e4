/**
 * Digest build and render time for many distinct fingerprints: the digest's cost grows with
 * distinct problems (one hourly aggregate per fingerprint per hour), never with events.
 *
 *   node --import tsx bench/digest.ts [fingerprints]
 */
import { buildDigest } from '../shared/core/digest/aggregate.js';
import { renderDigestHtml } from '../shared/core/digest/render-html.js';
import { renderDigestText } from '../shared/core/digest/render-text.js';
import { computeDigestWindow } from '../shared/core/digest/schedule.js';
import type { HourlyAggregate } from '../shared/core/ports.js';
import type { Finding, Fix, Verdict } from '../shared/core/types.js';

/** Figures of one run. */
export interface DigestBench {
  fingerprints: number;
  /** Hourly aggregates read (window and comparison window). */
  aggregates: number;
  /** `buildDigest` time, median of the runs, in milliseconds. */
  buildMs: number;
  /** HTML + text render time, median of the runs, in milliseconds. */
  renderMs: number;
  htmlKb: number;
}

const VERDICT_MIX: Verdict[] = ['cross-region-scp', 'cross-region-scp', 'cross-region-scp', 'scp', 'identity', 'model-access', 'cross-region-identity'];
const REGIONS = ['ap-southeast-1', 'ap-southeast-2', 'ap-south-1', 'ap-northeast-2', 'ap-northeast-3', 'us-east-2', 'unspecified'];
const PROFILES = ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0', 'apac.amazon.nova-pro-v1:0', 'global.anthropic.claude-sonnet-4-20250514-v1:0', 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0'];

function fixFor(profile: string): Fix {
  const option = {
    id: 'allow-profile-only' as const,
    rank: 1,
    title: 'Allow this inference profile only',
    summary: `Let bedrock:InvokeModel reach every destination Region of ${profile}, only through this profile.`,
    tradeoffs: 'Most secure; each new profile needs an entry.',
    snippet: { language: 'json' as const, content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'DenyOutside', Effect: 'Deny', Action: ['bedrock:InvokeModel'], Resource: '*', Condition: { ArnNotLike: { 'bedrock:InferenceProfileArn': `arn:aws:bedrock:*:*:inference-profile/${profile}` } } }] }, null, 2) },
  };
  return { lang: 'en', recommended: option, options: [option], scp: null, verification: { status: 'unverified', checks: [] } };
}

function finding(index: number): Finding {
  const profile = PROFILES[index % PROFILES.length] as string;
  const account = String(100000000000 + (index % 400));
  return {
    eventId: `e-${index}`,
    eventTime: null,
    eventName: 'Converse',
    accountId: account,
    principalArn: `arn:aws:sts::${account}:assumed-role/role-${index % 37}/session-${index}`,
    sourceRegion: 'ap-northeast-1',
    action: 'bedrock:InvokeModel',
    modelId: profile,
    profile: { id: profile, scope: profile.split('.')[0] as string },
    foundationModel: null,
    deniedResource: null,
    deniedRegion: REGIONS[index % REGIONS.length] as string,
    policyType: 'service control policy',
    policyArn: null, authorizationId: null, authorizationDetailsUrl: null,
    destinations: null,
    destinationsSource: null,
    verdict: VERDICT_MIX[index % VERDICT_MIX.length] as Verdict,
    reason: 'A service control policy denied bedrock:InvokeModel in a destination Region of the profile.',
    userAgent: null,
    sourceIpAddress: null,
    errorCode: 'AccessDenied',
    errorMessage: null,
    fix: fixFor(profile),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Builds and renders a digest of `fingerprints` distinct problems (each seen in 1–3 hours, half also the day before). */
export function benchDigest(options: { fingerprints?: number; runs?: number } = {}): DigestBench {
  const { fingerprints = 10_000, runs = 5 } = options;
  const window = computeDigestWindow({ now: new Date('2026-11-28T00:00:00Z'), timeZone: 'Asia/Tokyo' });
  if (!window.ok) throw new Error(window.reason);
  const current: HourlyAggregate[] = [];
  const previous: HourlyAggregate[] = [];
  for (let index = 0; index < fingerprints; index += 1) {
    const item = finding(index);
    const fingerprint = index.toString(16).padStart(32, '0');
    for (let seen = 0; seen <= index % 3; seen += 1) {
      const hour = window.value.hours[(index * 7 + seen * 5) % 24] as string;
      current.push({ hour, fingerprint, count: 1 + (index % 13), firstSeen: `${hour}:05:00.000Z`, lastSeen: `${hour}:55:00.000Z`, finding: item });
    }
    if (index % 2 === 0) {
      const hour = window.value.previousHours[index % 24] as string;
      previous.push({ hour, fingerprint, count: 2, firstSeen: `${hour}:00:00.000Z`, lastSeen: `${hour}:30:00.000Z`, finding: item });
    }
  }
  const buildTimes: number[] = [];
  const renderTimes: number[] = [];
  let htmlBytes = 0;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const digest = buildDigest({ window: window.value, current, previous });
    const built = performance.now();
    const html = renderDigestHtml(digest, { lang: 'en' });
    renderDigestText(digest, { lang: 'en' });
    renderTimes.push(performance.now() - built);
    buildTimes.push(built - started);
    htmlBytes = Buffer.byteLength(html, 'utf8');
  }
  return {
    fingerprints,
    aggregates: current.length + previous.length,
    buildMs: Number(median(buildTimes).toFixed(2)),
    renderMs: Number(median(renderTimes).toFixed(2)),
    htmlKb: Number((htmlBytes / 1024).toFixed(1)),
  };
}

if (process.argv[1]?.replace(/\\/g, '/').endsWith('bench/digest.ts')) {
  const fingerprints = Number(process.argv[2] ?? 10_000);
  process.stdout.write(`${JSON.stringify(benchDigest({ fingerprints }), null, 2)}\n`);
}
