import { describe, expect, it } from 'vitest';
import type { AggregateWriter, Notifier } from '../../../../shared/core/ports.js';
import type { EventLookup, LookupRecord } from '../../../../shared/core/replay/lookup-port.js';
import { parseReplayPayload, type ReplayRequest } from '../../../../shared/core/replay/payload.js';
import { MAX_ALERTS_PER_REPLAY, runReplay, STORE_CONCURRENCY } from '../../../../shared/core/replay/run-replay.js';
import type { Finding } from '../../../../shared/core/types.js';

const NOW = Date.parse('2026-11-28T00:00:00Z');

/** A history in memory: every stream reads `records` in one page. */
function memoryLookup(records: LookupRecord[]): EventLookup {
  return {
    async lookup({ cursors, onEvents }) {
      const outcomes = [];
      for (const cursor of cursors) {
        await onEvents(cursor, records);
        outcomes.push({ cursor: { ...cursor, done: true }, stoppedBy: 'done' as const, requests: 1, pages: 1, throttled: 0, recordsRead: records.length, skipped: 0, error: null });
      }
      return outcomes;
    },
  };
}

/** Record i belongs to role r<i mod roles>; every record is a denial in hour 10 or 11. */
function records(count: number, roles: number): LookupRecord[] {
  return Array.from({ length: count }, (_, i) => ({ id: `e${i}`, time: `2026-11-27T1${i % 2}:00:0${i % 10}.000Z`, record: { role: `r${i % roles}`, hour: i % 2 } }));
}

function classify(record: unknown): Finding {
  const { role } = record as { role: string };
  return {
    eventId: null, eventTime: null, eventName: 'Converse', accountId: '111122223333', principalArn: `arn:aws:iam::111122223333:role/${role}`,
    sourceRegion: 'ap-northeast-1', action: 'bedrock:InvokeModel', modelId: 'apac.m', profile: { id: 'apac.m', scope: 'apac' }, foundationModel: 'm',
    deniedResource: null, deniedRegion: 'ap-southeast-2', policyType: 'service control policy', policyArn: null, authorizationId: null, authorizationDetailsUrl: null, destinations: null,
    destinationsSource: null, verdict: 'cross-region-scp', reason: 'r', userAgent: null, sourceIpAddress: null, errorCode: 'AccessDenied', errorMessage: null,
  };
}

function request(payload: Record<string, unknown>): ReplayRequest {
  const parsed = parseReplayPayload({ from: '2026-11-27T00:00:00Z', ...payload }, { now: NOW, defaultRegions: ['ap-northeast-1'] });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

describe('runReplay', () => {
  it(`sends at most ${MAX_ALERTS_PER_REPLAY} alerts, most frequent fingerprints first, and says so`, async () => {
    const sent: string[] = [];
    const notifier: Notifier = { notify: async (alert) => { sent.push(`${alert.finding.principalArn}:${alert.repeats}`); } };

    // 25 roles; role r0 … r4 get one extra event each, so they come first.
    const report = await runReplay(request({ notify: true }), {
      lookup: memoryLookup(records(30, 25)), isDenial: () => true, classify, notifier, deadline: Number.POSITIVE_INFINITY,
    });

    expect(report.notified).toEqual({ alerts: MAX_ALERTS_PER_REPLAY, failures: 0 });
    expect([...sent.slice(0, 5)].sort()).toEqual([0, 1, 2, 3, 4].map((i) => `arn:aws:iam::111122223333:role/r${i}:1`));
    expect(sent.slice(5).every((line) => line.endsWith(':0'))).toBe(true);
    expect(report.warnings).toEqual([`alerts were sent for the ${MAX_ALERTS_PER_REPLAY} most frequent of 25 fingerprints; the others are only counted in the report`]);
  });

  it(`writes one aggregate per fingerprint and hour, at most ${STORE_CONCURRENCY} at a time, and reports failures with the first error`, async () => {
    let inFlight = 0;
    let peak = 0;
    const writes: string[] = [];
    const writer: AggregateWriter = {
      async addOccurrences(input) {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
        if (input.finding.principalArn?.endsWith('/r3') === true) throw new Error('ProvisionedThroughputExceededException');
        writes.push(`${input.finding.principalArn}@${input.firstSeen.slice(11, 13)}x${input.count}`);
      },
    };

    const report = await runReplay(request({ store: true }), {
      lookup: memoryLookup(records(200, 20)), isDenial: () => true, classify, writer, deadline: Number.POSITIVE_INFINITY,
    });

    // 20 roles, each with events in hours 10 and 11 (role parity equals hour parity, so one hour each).
    expect(report.stored).toEqual({ aggregates: 19, failures: 1 });
    expect(writes).toContain('arn:aws:iam::111122223333:role/r0@10x10');
    expect(peak).toBeLessThanOrEqual(STORE_CONCURRENCY);
    expect(peak).toBeGreaterThan(1);
    expect(report.warnings).toEqual(['1 aggregate writes failed; the digest will undercount (first error: Error: ProvisionedThroughputExceededException)']);
  });

  it('counts records that are not denials as scanned only', async () => {
    const report = await runReplay(request({}), {
      lookup: memoryLookup([...records(3, 1), { id: 'x', time: '2026-11-27T10:00:00.000Z', record: null }]),
      isDenial: (record) => (record as { role?: string } | null)?.role !== 'r0',
      classify,
      deadline: Number.POSITIVE_INFINITY,
    });

    expect(report).toMatchObject({ recordsScanned: 4, denials: 0, complete: true, resume: null });
  });
});
