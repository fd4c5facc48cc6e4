import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand, type Row } from '@aws-sdk/client-athena';
import { QUERY_STATES, type HistoryEngine, type PageResult, type QueryState, type QueryStatus } from '../core/history/engine-port.js';

/**
 * The {@link HistoryEngine} on Amazon Athena: StartQueryExecution in the configured workgroup and
 * database, GetQueryExecution for the state and the data scanned, GetQueryResults by pages of 1,000
 * rows (Athena's maximum). Athena returns the column labels as the first row of the first page of
 * a SELECT: it is dropped here, so the core sees data rows only.
 * The endpoint comes from the SDK's own `AWS_ENDPOINT_URL_ATHENA` when set (tests, local servers).
 * @see https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/querying.html
 */

/** Options of {@link createAthenaHistoryEngine}. */
export interface AthenaHistoryOptions {
  client?: AthenaClient;
  workGroup: string;
  database: string;
  /** Data catalog; default `AwsDataCatalog`. */
  catalog?: string;
  /** Rows per GetQueryResults call, 1 … 1,000; default 1,000. */
  pageSize?: number;
}

const STATES = new Set<string>(Object.values(QUERY_STATES));

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function values(row: Row | undefined): (string | null)[] {
  return (row?.Data ?? []).map((datum) => datum.VarCharValue ?? null);
}

/** Creates the Athena engine. */
export function createAthenaHistoryEngine(options: AthenaHistoryOptions): HistoryEngine {
  const client = options.client ?? new AthenaClient({});
  const pageSize = options.pageSize ?? 1000;
  return {
    async start(sql) {
      // The SDK fills ClientRequestToken (an idempotency token), so its own retries never start a second query.
      const answer = await client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: options.workGroup,
          QueryExecutionContext: { Database: options.database, Catalog: options.catalog ?? 'AwsDataCatalog' },
        }),
      );
      if (answer.QueryExecutionId === undefined) throw new Error('StartQueryExecution answered without a QueryExecutionId');
      return answer.QueryExecutionId;
    },
    async status(queryExecutionId): Promise<QueryStatus> {
      const answer = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
      const execution = answer.QueryExecution;
      const state = execution?.Status?.State ?? 'QUEUED';
      if (!STATES.has(state)) throw new Error(`GetQueryExecution answered an unknown state ${JSON.stringify(state)}`);
      return {
        state: state as QueryState,
        reason: execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage ?? null,
        errorType: execution?.Status?.AthenaError?.ErrorType ?? null,
        errorCategory: execution?.Status?.AthenaError?.ErrorCategory ?? null,
        dataScannedBytes: execution?.Statistics?.DataScannedInBytes ?? 0,
      };
    },
    async page(queryExecutionId, nextToken): Promise<PageResult> {
      try {
        const answer = await client.send(
          new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, MaxResults: pageSize, ...(nextToken === null ? {} : { NextToken: nextToken }) }),
        );
        const columns = (answer.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => column.Name ?? '');
        let rows = (answer.ResultSet?.Rows ?? []).map(values);
        const header = rows[0];
        if (nextToken === null && header !== undefined && header.length === columns.length && header.every((value, index) => value === columns[index])) {
          rows = rows.slice(1);
        }
        return { ok: true, value: { columns, rows, nextToken: answer.NextToken ?? null } };
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        return { ok: false, tokenRejected: nextToken !== null && name === 'InvalidRequestException', reason: describe(error) };
      }
    },
  };
}
