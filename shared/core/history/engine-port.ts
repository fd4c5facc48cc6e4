/**
 * The port the history replay runs its query through. `shared/adapters/athena-history.ts`
 * implements it with Amazon Athena (StartQueryExecution, GetQueryExecution, GetQueryResults).
 * @see https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatus.html
 */

/** Athena's query states. */
export const QUERY_STATES = {
  queued: 'QUEUED',
  running: 'RUNNING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  cancelled: 'CANCELLED',
} as const;

/** A {@link QUERY_STATES} value. */
export type QueryState = (typeof QUERY_STATES)[keyof typeof QUERY_STATES];

/** What `GetQueryExecution` says. */
export interface QueryStatus {
  state: QueryState;
  /** `StateChangeReason` (why it failed or was cancelled). */
  reason: string | null;
  /** `AthenaError.ErrorType` and `ErrorCategory` when Athena gave them. */
  errorType: number | null;
  errorCategory: number | null;
  /** `Statistics.DataScannedInBytes` (0 until known). */
  dataScannedBytes: number;
}

/** One page of results, header row already removed, values positional to `columns`. */
export interface ResultPage {
  /** Column names (`ResultSetMetadata.ColumnInfo[].Name`). */
  columns: string[];
  rows: (string | null)[][];
  /** Token of the next page; null on the last page. */
  nextToken: string | null;
}

/** A page, or why it could not be read (`tokenRejected` when the service refused the page token). */
export type PageResult = { ok: true; value: ResultPage } | { ok: false; tokenRejected: boolean; reason: string };

/** Runs one SQL query and reads its results. Methods throw on transport or permission errors. */
export interface HistoryEngine {
  /** Starts the query; resolves to its `QueryExecutionId`. */
  start(sql: string): Promise<string>;
  status(queryExecutionId: string): Promise<QueryStatus>;
  /** A page of results; `nextToken` null for the first page. */
  page(queryExecutionId: string, nextToken: string | null): Promise<PageResult>;
}
