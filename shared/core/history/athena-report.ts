/**
 * What a replay report says about its Athena query.
 * @see https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatistics.html
 */
export interface AthenaQueryReport {
  /** `QueryExecutionId`: find it in the Athena console's query history. */
  queryExecutionId: string | null;
  /** Last state seen: QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED; null when the query never started. */
  state: string | null;
  /** `StateChangeReason` of a failed or cancelled query. */
  stateChangeReason: string | null;
  /** Why this invocation stopped: `done`, `deadline`, `max-events`, `interrupted`, `error`. */
  stoppedBy: string;
  /** `Statistics.DataScannedInBytes`. */
  dataScannedBytes: number;
  /** What Athena bills for the query: rounded up to the megabyte, at least 10 MB; 0 for a failed query. A resumed invocation reports the same query again: it is billed once. */
  billedBytes: number;
  /** Estimated cost at the public price ($5 per TB). */
  costUsd: number;
  /** True when an earlier invocation started this query: its cost is not incurred again. */
  resumedQuery: boolean;
  /** Result rows read in this invocation. */
  rowsRead: number;
  /** `GetQueryResults` pages read in this invocation. */
  pages: number;
  /** `GetQueryExecution` calls while waiting. */
  polls: number;
  /** Day partitions named by the query (`yyyy/MM/dd`). */
  days: { first: string; last: string };
  accounts: string[];
  /** Empty for every Region of the table's enum. */
  regions: string[];
  /** The SQL submitted. */
  sql: string;
}
