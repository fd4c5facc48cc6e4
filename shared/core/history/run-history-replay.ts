import type { Finding } from '../types.js';
import { addTotals, buildReplayReport, createReplayAccumulator, type ReplayReport } from '../replay/report.js';
import { finishReplay, type FinishDeps } from '../replay/run-replay.js';
import { STREAM_STOPS, type StreamStop } from '../replay/lookup-port.js';
import { billedBytes, queryCostUsd } from './cost.js';
import { QUERY_STATES, type HistoryEngine, type QueryStatus } from './engine-port.js';
import { createIntermittencyAccumulator, mergeIntermittency } from './intermittency.js';
import { droppedRowsWarning, packIntermittency, unpackIntermittency } from './intermittency-carry.js';
import type { HistoryRequest } from './payload.js';
import { buildHistoryQuery, type HistoryTable } from './query.js';
import { encodeHistoryResumeToken } from './resume.js';
import { recordFromRow, rowFromValues } from './rows.js';

/**
 * The Athena replay: one query over the org trail (denials and successes), polled with backoff,
 * paged, each row rebuilt into a CloudTrail record; denials go through the same classify → fix →
 * store/notify → report path as the LookupEvents replay, and every call feeds the intermittency
 * view. Resumable at any point: while the query runs, and between or inside result pages.
 * @see https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html
 * @see https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 */

/** What {@link runHistoryReplay} needs from the outside. */
export interface HistoryReplayDeps extends FinishDeps {
  engine: HistoryEngine;
  table: HistoryTable;
  isDenial(record: unknown): boolean;
  classify(record: unknown): Finding | null;
  /** Epoch milliseconds after which no new Athena request starts. */
  deadline: number;
  stop?: AbortSignal | undefined;
  now(): number;
  /** Waits between polls (the virtual clock in tests). */
  sleep(ms: number): Promise<void>;
  /** First wait between `GetQueryExecution` calls; doubles up to {@link MAX_POLL_DELAY_MS}. Default 500 ms. */
  firstPollDelayMs?: number;
}

/** Longest wait between two polls. */
export const MAX_POLL_DELAY_MS = 5_000;

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs one invocation of an Athena replay and returns its report (with a resume token when it stopped early). */
export async function runHistoryReplay(request: HistoryRequest, deps: HistoryReplayDeps): Promise<ReplayReport> {
  const accumulator = createReplayAccumulator();
  const intermittency = createIntermittencyAccumulator();
  const warnings: string[] = [];
  const built = buildHistoryQuery(deps.table, { from: request.from, to: request.to, accounts: request.accounts, regions: request.regions });
  if (!built.ok) throw new RangeError(`history query not built: ${built.reason}`);
  const query = built.value;

  let queryExecutionId = request.continuation?.queryExecutionId ?? null;
  const resumedQuery = queryExecutionId !== null;
  let pageToken = request.continuation?.pageToken ?? null;
  let skipInPage = request.continuation?.skipInPage ?? 0;
  /** Rows of the result set handled so far, over every invocation. */
  let position = request.continuation?.rowsRead ?? 0;
  let rowsRead = 0;
  let pages = 0;
  let polls = 0;
  let status: QueryStatus | null = null;
  let stoppedBy: StreamStop = STREAM_STOPS.done;
  let error: string | null = null;
  let problems = 0;
  let firstProblem: string | null = null;
  let tokenRestarts = 0;

  const outOfTime = (): StreamStop | null => {
    if (deps.stop?.aborted === true) return STREAM_STOPS.interrupted;
    if (deps.now() >= deps.deadline) return STREAM_STOPS.deadline;
    return null;
  };

  const handleRow = (columns: string[], values: (string | null)[]): void => {
    const rebuilt = recordFromRow(rowFromValues(columns, values));
    if (rebuilt.problems.length > 0) {
      problems += 1;
      firstProblem ??= `${rebuilt.record.eventID ?? 'a row'}: ${rebuilt.problems.join('; ')}`;
    }
    const record = rebuilt.record;
    const finding = deps.isDenial(record) ? deps.classify(record) : null;
    intermittency.add(record, finding);
    if (finding !== null) accumulator.add(finding, record.eventTime ?? request.to);
  };

  try {
    if (queryExecutionId === null) {
      const early = outOfTime();
      if (early !== null) stoppedBy = early;
      else queryExecutionId = await deps.engine.start(query.sql);
    }
    // Wait for the query, polling with exponential backoff.
    let delay = deps.firstPollDelayMs ?? 500;
    while (queryExecutionId !== null && stoppedBy === STREAM_STOPS.done) {
      status = await deps.engine.status(queryExecutionId);
      polls += 1;
      if (status.state === QUERY_STATES.succeeded) break;
      if (status.state === QUERY_STATES.failed || status.state === QUERY_STATES.cancelled) {
        stoppedBy = STREAM_STOPS.error;
        error = `Athena query ${queryExecutionId} ${status.state}: ${status.reason ?? 'no reason given'}`;
        break;
      }
      const early = outOfTime();
      if (early !== null) {
        stoppedBy = early;
        break;
      }
      await deps.sleep(Math.min(delay, Math.max(0, deps.deadline - deps.now())));
      delay = Math.min(MAX_POLL_DELAY_MS, delay * 2);
    }
    // Page the results.
    while (queryExecutionId !== null && status?.state === QUERY_STATES.succeeded && stoppedBy === STREAM_STOPS.done) {
      const early = outOfTime();
      if (early !== null) {
        stoppedBy = early;
        break;
      }
      const result = await deps.engine.page(queryExecutionId, pageToken);
      if (!result.ok) {
        if (result.tokenRejected && pageToken !== null && tokenRestarts === 0) {
          // Page tokens are positional: start over and skip what was read.
          tokenRestarts += 1;
          warnings.push(`Athena refused the saved page token (${result.reason}); results were read again from the first page, skipping the ${position} rows already read`);
          skipInPage = position;
          pageToken = null;
          continue;
        }
        stoppedBy = STREAM_STOPS.error;
        error = `GetQueryResults failed for ${queryExecutionId}: ${result.reason}`;
        break;
      }
      pages += 1;
      const page = result.value;
      const rows = page.rows.slice(Math.min(skipInPage, page.rows.length));
      const carried = skipInPage - (page.rows.length - rows.length);
      let handled = page.rows.length - rows.length;
      for (const values of rows) {
        if (request.maxEvents !== null && rowsRead >= request.maxEvents) {
          stoppedBy = STREAM_STOPS.budget;
          break;
        }
        handleRow(page.columns, values);
        rowsRead += 1;
        position += 1;
        handled += 1;
      }
      if (stoppedBy !== STREAM_STOPS.done) {
        skipInPage = handled;
        break;
      }
      // A restart that skips more rows than one page holds carries the rest to the next page.
      skipInPage = Math.max(0, carried);
      pageToken = page.nextToken;
      if (page.nextToken === null) break;
    }
  } catch (caught) {
    stoppedBy = STREAM_STOPS.error;
    error = describeError(caught);
  }

  if (problems > 0) warnings.push(`${problems} rows had unreadable JSON columns and were read without them (first: ${firstProblem ?? 'unknown'})`);
  const finished = stoppedBy === STREAM_STOPS.done && status?.state === QUERY_STATES.succeeded;
  // A failed or cancelled query cannot be resumed; a query that never started is started again.
  const queryDead = status?.state === QUERY_STATES.failed || status?.state === QUERY_STATES.cancelled;
  const { fixes, stored, notified, storedCalls } = await finishReplay(accumulator.groups(), request, deps, warnings, intermittency.dailyRows());
  const cumulative = mergeIntermittency(unpackIntermittency(request.previousIntermittency), intermittency.rows());
  const carried = packIntermittency(cumulative, request.previousIntermittency ?? null);
  const dropped = droppedRowsWarning(carried);
  if (dropped !== null) warnings.push(dropped);
  const totals = addTotals(request.previousTotals, rowsRead, accumulator.byVerdict());
  const resume = finished
    ? null
    : encodeHistoryResumeToken({
        from: request.from,
        to: request.to,
        accounts: query.accounts,
        regions: query.regions,
        queryExecutionId: queryDead ? null : queryExecutionId,
        pageToken: queryDead ? null : pageToken,
        skipInPage: queryDead ? 0 : skipInPage,
        rowsRead: queryDead ? 0 : position,
        totals,
        intermittency: carried,
      });
  const scanned = status?.dataScannedBytes ?? 0;
  const state = status?.state ?? null;
  return buildReplayReport({
    source: 'athena',
    window: { from: request.from, to: request.to },
    resumed: request.resumed,
    mode: { store: request.store, notify: request.notify, dryRun: request.dryRun },
    outcomes: [],
    perStream: new Map(),
    accumulator,
    fixes,
    stored,
    notified,
    warnings,
    totals,
    resume,
    streamKey: () => '',
    complete: finished,
    recordsScanned: rowsRead,
    extraErrors: error === null ? [] : [{ account: null, region: 'athena', message: error }],
    intermittency: cumulative,
    storedCalls,
    athena: {
      queryExecutionId,
      state,
      stateChangeReason: status?.reason ?? null,
      stoppedBy,
      dataScannedBytes: scanned,
      billedBytes: state === null ? 0 : billedBytes(scanned, state),
      costUsd: state === null ? 0 : queryCostUsd(scanned, state),
      resumedQuery,
      rowsRead,
      pages,
      polls,
      days: query.days,
      accounts: query.accounts,
      regions: query.regions,
      sql: query.sql,
    },
  });
}
