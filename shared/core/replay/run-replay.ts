import type { AggregateWriter, CallCountWriter, Notifier } from '../ports.js';
import { VERDICTS } from '../constants.js';
import type { Finding, Fix, Result, ScpDocument } from '../types.js';
import type { EventLookup, LookupRecord, StreamOutcome } from './lookup-port.js';
import type { ReplayRequest } from './payload.js';
import { addTotals, buildReplayReport, createReplayAccumulator, type FingerprintGroup, type ReplayReport } from './report.js';
import { createIntermittencyAccumulator, mergeIntermittency, type DailyIntermittencyRow } from '../history/intermittency.js';
import { droppedRowsWarning, packIntermittency, unpackIntermittency } from '../history/intermittency-carry.js';
import { encodeResumeToken, streamKey, type StreamCursor } from './resume.js';

/**
 * The replay use case, shared by `functions/replay.ts` and `cris-audit replay`: read history through
 * the {@link EventLookup} port, keep Bedrock denials, classify them, optionally store and notify
 * once per fingerprint, and report. No I/O of its own: everything goes through the ports.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */

/** At most this many alerts per invocation with `notify`, most frequent fingerprints first. */
export const MAX_ALERTS_PER_REPLAY = 20;

/** Aggregate writes in flight at once with `store` (one per fingerprint and hour). */
export const STORE_CONCURRENCY = 16;

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** What {@link runReplay} needs from the outside. */
export interface ReplayDeps {
  lookup: EventLookup;
  /** True for a Bedrock call that was denied (`isBedrockDenial`). */
  isDenial(record: unknown): boolean;
  /** Explains a denial (`classifyRecord` with the catalog); null when it is not one. */
  classify(record: unknown): Finding | null;
  /**
   * Attaches advice (`suggestFix`), given the SCPs in force when they could be read; absent until
   * the fix engine is wired. May be async (the deployed replay first asks IAM Access Troubleshooter)
   * and may set `finding.authoritative`, which is copied to every stored hour.
   */
  suggestFix?: ((finding: Finding, scps?: ScpDocument[][]) => Fix | null | Promise<Fix | null>) | undefined;
  /**
   * The SCPs in force for an account (AWS Organizations), so SCP fixes are verified; absent or
   * failing, fixes are produced unverified. Asked once per account with an SCP denial.
   */
  scpsFor?: ((accountId: string) => Promise<Result<ScpDocument[][]>>) | undefined;
  /** Where `store: true` writes; null when no table is configured. */
  writer?: AggregateWriter | null | undefined;
  /** Where `store: true` writes the per-day call counts (the digest's intermittency view); null or absent: not written. */
  callWriter?: CallCountWriter | null | undefined;
  /** Where `notify: true` sends; null when no channel is configured. */
  notifier?: Notifier | null | undefined;
  /** Epoch milliseconds after which no new CloudTrail request starts. */
  deadline: number;
  /** Aborted to stop early with a resume token (the CLI wires Ctrl-C to it). */
  stop?: AbortSignal | undefined;
}

const SCP_VERDICTS: ReadonlySet<string> = new Set([VERDICTS.crossRegionScp, VERDICTS.scp]);

/** The SCPs in force for every account with an SCP denial, read once each; failures become warnings. */
async function readScps(findings: Finding[], deps: FinishDeps, warnings: string[]): Promise<Map<string, ScpDocument[][]>> {
  const read = new Map<string, ScpDocument[][]>();
  const scpsFor = deps.scpsFor;
  if (scpsFor === undefined) return read;
  const accounts = [...new Set(findings.filter((finding) => SCP_VERDICTS.has(finding.verdict)).flatMap((finding) => (finding.accountId === null ? [] : [finding.accountId])))];
  await forEachConcurrently(accounts, 4, async (account) => {
    const result = await scpsFor(account);
    if (result.ok) read.set(account, result.value);
    else warnings.push(`SCPs of account ${account} not read, its fixes are unverified: ${result.reason}`);
  });
  return read;
}

/** What the shared tail of a replay needs: the SCP reader, the fix engine and the sinks. */
export type FinishDeps = Pick<ReplayDeps, 'suggestFix' | 'scpsFor' | 'writer' | 'notifier' | 'callWriter'>;

/**
 * The tail every replay source shares (LookupEvents and Athena): fixes per fingerprint (verified
 * against the SCPs in force when they can be read), then `store` and `notify` as asked. Failures
 * become counts and warnings, never exceptions.
 */
export async function finishReplay(
  groups: FingerprintGroup[],
  request: Pick<ReplayRequest, 'store' | 'notify' | 'dryRun'>,
  deps: FinishDeps,
  warnings: string[],
  calls: readonly DailyIntermittencyRow[] = [],
): Promise<{ fixes: Map<string, Fix | null>; stored: ReplayReport['stored']; notified: ReplayReport['notified']; storedCalls: ReplayReport['storedCalls'] }> {
  const scpsByAccount = await readScps(groups.map((group) => group.finding), deps, warnings);
  const fixes = new Map<string, Fix | null>();
  let fixFailures = 0;
  for (const group of groups) {
    let fix: Fix | null = null;
    try {
      const scps = group.finding.accountId === null ? undefined : scpsByAccount.get(group.finding.accountId);
      fix = deps.suggestFix === undefined ? null : await deps.suggestFix(group.finding, scps);
    } catch {
      // One finding the fix engine cannot handle must not cost the whole report.
      fixFailures += 1;
    }
    fixes.set(group.fingerprint, fix);
    if (fix !== null) {
      const authoritative = group.finding.authoritative;
      group.finding = { ...group.finding, fix };
      for (const slot of group.hours.values()) slot.finding = { ...slot.finding, fix, ...(authoritative === undefined ? {} : { authoritative }) };
    }
  }

  if (fixFailures > 0) warnings.push(`the fix engine failed on ${fixFailures} fingerprints; they are reported without a fix`);

  let stored: ReplayReport['stored'] = null;
  let firstStoreError: string | null = null;
  if (request.store && request.dryRun) warnings.push('dryRun is set: nothing was stored');
  if (request.store && !request.dryRun) {
    const writer = deps.writer;
    if (writer == null) {
      warnings.push('store was requested but no alert store is configured (TABLE_NAME): nothing was stored');
    } else {
      stored = { aggregates: 0, failures: 0 };
      const counts = stored;
      const slots = groups.flatMap((group) => [...group.hours.values()].map((slot) => ({ fingerprint: group.fingerprint, slot })));
      await forEachConcurrently(slots, STORE_CONCURRENCY, async ({ fingerprint, slot }) => {
        try {
          await writer.addOccurrences({ fingerprint, finding: slot.finding, count: slot.count, firstSeen: slot.firstSeen, lastSeen: slot.lastSeen });
          counts.aggregates += 1;
        } catch (error) {
          counts.failures += 1;
          firstStoreError ??= describeError(error);
        }
      });
      if (stored.failures > 0) warnings.push(`${stored.failures} aggregate writes failed; the digest will undercount (first error: ${firstStoreError ?? 'unknown'})`);
    }
  }

  // This invocation's calls only: each invocation of a resumed replay writes its own, so the store counts every call once.
  let storedCalls: ReplayReport['storedCalls'] = null;
  if (request.store && !request.dryRun && deps.callWriter != null && calls.length > 0) {
    try {
      const result = await deps.callWriter.addCalls(calls);
      storedCalls = { items: result.written, failures: result.failures };
      if (result.failures > 0) warnings.push(`${result.failures} call-count writes failed; the digest's failure rates will undercount (first error: ${result.firstError ?? 'unknown'})`);
    } catch (error) {
      storedCalls = { items: 0, failures: calls.length };
      warnings.push(`call counts were not stored; the digest's failure rates will undercount (${describeError(error)})`);
    }
  }

  let notified: ReplayReport['notified'] = null;
  if (request.notify && request.dryRun) warnings.push('dryRun is set: no alert was sent');
  if (request.notify && !request.dryRun) {
    if (deps.notifier == null) {
      warnings.push('notify was requested but no alert channel is configured: nothing was sent');
    } else {
      notified = { alerts: 0, failures: 0 };
      // Most frequent first, and at most MAX_ALERTS_PER_REPLAY: a replay must never flood a channel.
      const ranked = [...groups].sort((a, b) => b.count - a.count || a.fingerprint.localeCompare(b.fingerprint));
      let firstNotifyError: string | null = null;
      for (const group of ranked.slice(0, MAX_ALERTS_PER_REPLAY)) {
        try {
          await deps.notifier.notify({ finding: group.finding, fingerprint: group.fingerprint, repeats: group.count - 1 });
          notified.alerts += 1;
        } catch (error) {
          notified.failures += 1;
          firstNotifyError ??= describeError(error);
        }
      }
      if (ranked.length > MAX_ALERTS_PER_REPLAY) {
        warnings.push(`alerts were sent for the ${MAX_ALERTS_PER_REPLAY} most frequent of ${ranked.length} fingerprints; the others are only counted in the report`);
      }
      if (notified.failures > 0) warnings.push(`${notified.failures} alerts were not delivered (first error: ${firstNotifyError ?? 'unknown'})`);
    }
  }

  return { fixes, stored, notified, storedCalls };
}

/** Runs one replay invocation and returns its report (with a resume token when it stopped early). */
export async function runReplay(request: ReplayRequest, deps: ReplayDeps): Promise<ReplayReport> {
  const accumulator = createReplayAccumulator();
  const perStream = new Map<string, { scanned: number; denials: number }>();
  const warnings: string[] = [];
  const intermittency = createIntermittencyAccumulator();

  function onEvents(cursor: StreamCursor, events: LookupRecord[]): void {
    const key = streamKey(cursor);
    const counts = perStream.get(key) ?? { scanned: 0, denials: 0 };
    perStream.set(key, counts);
    for (const event of events) {
      counts.scanned += 1;
      if (event.record === null) continue;
      const finding = deps.isDenial(event.record) ? deps.classify(event.record) : null;
      intermittency.add(event.record, finding);
      if (finding === null) continue;
      counts.denials += 1;
      accumulator.add(finding, event.time);
    }
  }

  const outcomes: StreamOutcome[] = await deps.lookup.lookup({
    cursors: request.cursors,
    deadline: deps.deadline,
    stop: deps.stop,
    maxEvents: request.maxEvents,
    onEvents,
  });

  const { fixes, stored, notified, storedCalls } = await finishReplay(accumulator.groups(), request, deps, warnings, intermittency.dailyRows());
  // The view over every invocation so far: the token's carried rows plus this invocation's.
  const cumulative = mergeIntermittency(unpackIntermittency(request.previousIntermittency), intermittency.rows());
  const carried = packIntermittency(cumulative, request.previousIntermittency ?? null);
  const dropped = droppedRowsWarning(carried);
  if (dropped !== null) warnings.push(dropped);

  const unfinished = outcomes.filter((o) => !o.cursor.done).map((o) => o.cursor);
  let scanned = 0;
  for (const counts of perStream.values()) scanned += counts.scanned;
  const totals = addTotals(request.previousTotals, scanned, accumulator.byVerdict());
  return buildReplayReport({
    window: { from: request.from, to: request.to },
    resumed: request.resumed,
    mode: { store: request.store, notify: request.notify, dryRun: request.dryRun },
    outcomes,
    perStream,
    accumulator,
    fixes,
    stored,
    notified,
    warnings,
    totals,
    resume: unfinished.length === 0 ? null : encodeResumeToken({ from: request.from, to: request.to, streams: unfinished, totals, intermittency: carried }),
    streamKey: (o) => streamKey(o.cursor),
    intermittency: cumulative,
    storedCalls,
  });
}
