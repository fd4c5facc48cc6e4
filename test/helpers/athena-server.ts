import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/**
 * A loopback Amazon Athena speaking the real JSON 1.1 protocol (`X-Amz-Target:
 * AmazonAthena.<Operation>`) for StartQueryExecution, GetQueryExecution, GetQueryResults and
 * StopQueryExecution, executing the submitted SQL for real on DuckDB over gzipped CloudTrail files
 * laid out as an organization trail (`AWSLogs/<orgId>/<account>/CloudTrail/<region>/yyyy/MM/dd/`).
 *
 * The table is the Athena guide's CloudTrail table with partition projection — `account`
 * injected, `region` enum, `timestamp` date `yyyy/MM/dd` — and the server plans partitions the way
 * projection does: from the static predicates of the WHERE clause's top-level conjuncts. A query
 * that gives no static equality on `account` fails with Athena's CONSTRAINT_VIOLATION. Only the
 * planned partitions' files are handed to DuckDB (and counted as data scanned, compressed bytes, as
 * Athena bills JSON), so tests can see which partitions a query touched. The workgroup's
 * `BytesScannedCutoffPerQuery` cancels a query that would read more. `GetQueryResults` answers the
 * column names as the first row of the first page, pages by `MaxResults` (at most 1,000) and
 * `NextToken`, and refuses tokens it did not issue or that were expired.
 *
 * Divergences, on purpose: every column is VARCHAR (the CloudTrail table's columns are strings and
 * structs of strings); DuckDB, not Trino, evaluates the SQL (keep queries in their common subset);
 * error types/categories are approximations of Athena's.
 * @see https://docs.aws.amazon.com/athena/latest/APIReference/API_Operations.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 */

/** Options of {@link startAthenaServer}. */
export interface AthenaServerOptions {
  /** Local folder standing for the trail bucket. */
  bucketDir: string;
  /** Key prefix inside the bucket before `AWSLogs/` ('' for none). */
  prefix?: string;
  orgId: string;
  database: string;
  table: string;
  /** `projection.region.values`. */
  regions: string[];
  /** Start of `projection.timestamp.range` (`yyyy/MM/dd`); the end is NOW. */
  rangeStart?: string;
  /** Workgroups and their per-query cutoff in bytes (null for none). Default: `primary` without cutoff. */
  workGroups?: Record<string, { bytesScannedCutoffPerQuery: number | null }>;
  /** GetQueryExecution calls answered RUNNING before a finished query shows its final state. Default 1. */
  runningPolls?: number;
  /** "Today" for NOW in the projection range, epoch ms. Default: the wall clock. */
  now?: () => number;
}

/** One partition: account, Region and day (`yyyy/MM/dd`). */
export interface Partition {
  account: string;
  region: string;
  day: string;
}

/** One query as the server ran it. */
export interface LoggedQuery {
  id: string;
  sql: string;
  workGroup: string;
  state: string;
  reason: string | null;
  /** Partitions whose files were read, sorted. */
  touched: Partition[];
  filesRead: number;
  dataScannedBytes: number;
  rows: number;
}

/** A running server. */
export interface AthenaServer {
  endpoint: string;
  queries: LoggedQuery[];
  /** Every request: operation and error type (null when it succeeded). */
  requests: { operation: string; errorType: string | null; body: Record<string, unknown> }[];
  /** Fail the next `count` queries with this reason (state FAILED). */
  failNextQueries(count: number, reason: string): void;
  /** Answer the next `count` calls of an operation with this error. */
  failNextCalls(operation: string, count: number, error: { status: number; type: string; message: string }): void;
  /** Make every NextToken issued so far invalid, as if it expired. */
  expireTokens(): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AmazonAthena.';
const MAX_QUERY_LENGTH = 262_144;
const MAX_RESULTS = 1000;
const PARTITION_COLUMNS = ['account', 'region', 'timestamp'] as const;
type PartitionColumn = (typeof PARTITION_COLUMNS)[number];

interface Execution {
  log: LoggedQuery;
  submitted: number;
  completed: number | null;
  database: string | null;
  outputLocation: string;
  columns: string[];
  rows: (string | null)[][];
  finalState: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | null;
  errorType: number | null;
  errorCategory: number | null;
  pollsLeft: number;
  settled: Promise<void>;
}

class AthenaError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

/** Splits a WHERE clause into its top-level AND conjuncts (not inside quotes, parentheses, or BETWEEN … AND). */
export function topLevelConjuncts(where: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  let pendingBetween = false;
  const upper = where.toUpperCase();
  const wordAt = (index: number, word: string): boolean =>
    upper.startsWith(word, index) && !/[A-Z0-9_"]/.test(upper[index - 1] ?? ' ') && !/[A-Z0-9_"]/.test(upper[index + word.length] ?? ' ');
  for (let i = 0; i < where.length; i += 1) {
    const ch = where[i] ?? '';
    if (quote !== null) {
      if (ch === quote) {
        if (where[i + 1] === quote) i += 1;
        else quote = null;
      }
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (depth === 0 && wordAt(i, 'BETWEEN')) pendingBetween = true;
    else if (depth === 0 && wordAt(i, 'AND')) {
      if (pendingBetween) {
        pendingBetween = false;
        continue;
      }
      parts.push(where.slice(start, i).trim());
      start = i + 3;
    }
  }
  parts.push(where.slice(start).trim());
  return parts.filter((p) => p !== '');
}

const LITERAL = String.raw`'((?:[^']|'')*)'`;
const unquote = (value: string): string => value.replace(/''/g, "'");

/** What the WHERE clause pins each partition column to; `undefined` when it does not constrain it statically. */
interface Plan {
  equal: Partial<Record<PartitionColumn, Set<string>>>;
  lower: string | null;
  upper: string | null;
  /** Partition columns mentioned in a form projection cannot use. */
  dynamic: Set<PartitionColumn>;
}

function planPartitions(sql: string): Plan {
  const plan: Plan = { equal: {}, lower: null, upper: null, dynamic: new Set() };
  const where = /\bWHERE\b([\s\S]*?)(?:\bGROUP\s+BY\b|\bORDER\s+BY\b|\bLIMIT\b|$)/i.exec(sql)?.[1] ?? '';
  for (const conjunct of topLevelConjuncts(where)) {
    for (const column of PARTITION_COLUMNS) {
      const name = String.raw`(?:"${column}"|\b${column}\b)`;
      if (!new RegExp(name, 'i').test(conjunct.replace(new RegExp(LITERAL, 'g'), "''"))) continue;
      const inList = new RegExp(String.raw`^${name}\s+IN\s*\(\s*(${LITERAL}(?:\s*,\s*${LITERAL})*)\s*\)$`, 'i').exec(conjunct);
      const equal = new RegExp(String.raw`^${name}\s*=\s*${LITERAL}$`, 'i').exec(conjunct);
      const between = new RegExp(String.raw`^${name}\s+BETWEEN\s+${LITERAL}\s+AND\s+${LITERAL}$`, 'i').exec(conjunct);
      const compare = new RegExp(String.raw`^${name}\s*(>=|<=|>|<)\s*${LITERAL}$`, 'i').exec(conjunct);
      if (inList !== null) {
        const values = [...(inList[1] ?? '').matchAll(new RegExp(LITERAL, 'g'))].map((m) => unquote(m[1] ?? ''));
        plan.equal[column] = new Set(values);
      } else if (equal !== null) {
        plan.equal[column] = new Set([unquote(equal[1] ?? '')]);
      } else if (column === 'timestamp' && between !== null) {
        plan.lower = unquote(between[1] ?? '');
        plan.upper = unquote(between[2] ?? '');
      } else if (column === 'timestamp' && compare !== null) {
        const [, op = '', value = ''] = compare;
        if (op.startsWith('>')) plan.lower = unquote(value);
        else plan.upper = unquote(value);
      } else {
        plan.dynamic.add(column);
      }
    }
  }
  return plan;
}

function dayOf(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
}

function listDirs(path: string): string[] {
  try {
    return readdirSync(path).filter((name) => statSync(join(path, name)).isDirectory());
  } catch {
    return [];
  }
}

function viewSql(database: string, table: string, files: string[], orgId: string): string {
  const str = (path: string): string => `json_extract_string(r, '$.${path}')`;
  const json = (path: string): string =>
    `CASE WHEN json_type(r, '$.${path}') IS NULL OR json_type(r, '$.${path}') = 'NULL' THEN NULL ELSE CAST(json_extract(r, '$.${path}') AS VARCHAR) END`;
  const columns = [
    `${str('eventVersion')} AS eventversion`,
    `struct_pack(type := ${str('userIdentity.type')}, principalid := ${str('userIdentity.principalId')}, arn := ${str('userIdentity.arn')}, accountid := ${str('userIdentity.accountId')}, invokedby := ${str('userIdentity.invokedBy')}, accesskeyid := ${str('userIdentity.accessKeyId')}, username := ${str('userIdentity.userName')}, sessioncontext := struct_pack(sessionissuer := struct_pack(type := ${str('userIdentity.sessionContext.sessionIssuer.type')}, principalid := ${str('userIdentity.sessionContext.sessionIssuer.principalId')}, arn := ${str('userIdentity.sessionContext.sessionIssuer.arn')}, accountid := ${str('userIdentity.sessionContext.sessionIssuer.accountId')}, username := ${str('userIdentity.sessionContext.sessionIssuer.userName')}))) AS useridentity`,
    `${str('eventTime')} AS eventtime`,
    `${str('eventSource')} AS eventsource`,
    `${str('eventName')} AS eventname`,
    `${str('awsRegion')} AS awsregion`,
    `${str('sourceIPAddress')} AS sourceipaddress`,
    `${str('userAgent')} AS useragent`,
    `${str('errorCode')} AS errorcode`,
    `${str('errorMessage')} AS errormessage`,
    `${json('requestParameters')} AS requestparameters`,
    `${json('responseElements')} AS responseelements`,
    `${json('additionalEventData')} AS additionaleventdata`,
    `${str('requestID')} AS requestid`,
    `${str('eventID')} AS eventid`,
    `${str('readOnly')} AS readonly`,
    `${str('eventType')} AS eventtype`,
    `${str('apiVersion')} AS apiversion`,
    `${str('recipientAccountId')} AS recipientaccountid`,
    `${json('serviceEventDetails')} AS serviceeventdetails`,
    `${str('sharedEventID')} AS sharedeventid`,
    `${str('vpcEndpointId')} AS vpcendpointid`,
  ];
  const pattern = `/AWSLogs/${orgId}/([0-9]{12})/CloudTrail/([a-z0-9-]+)/([0-9]{4}/[0-9]{2}/[0-9]{2})/`;
  const partitions = [`regexp_extract(filename, '${pattern}', 1) AS account`, `regexp_extract(filename, '${pattern}', 2) AS region`, `regexp_extract(filename, '${pattern}', 3) AS "timestamp"`];
  const source =
    files.length === 0
      ? `(SELECT CAST(NULL AS JSON) AS r, CAST(NULL AS VARCHAR) AS filename WHERE false)`
      : `(SELECT unnest(Records) AS r, filename FROM read_json([${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ')}], columns = {Records: 'JSON[]'}, filename = true, maximum_object_size = 1073741824))`;
  return `CREATE OR REPLACE VIEW "${database}"."${table}" AS SELECT ${[...columns, ...partitions].join(', ')} FROM ${source}`;
}

/** Starts the server on 127.0.0.1 with an in-memory DuckDB. */
export async function startAthenaServer(options: AthenaServerOptions): Promise<AthenaServer> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection: DuckDBConnection = await instance.connect();
  await connection.run(`CREATE SCHEMA IF NOT EXISTS "${options.database}"`);
  const workGroups = options.workGroups ?? { primary: { bytesScannedCutoffPerQuery: null } };
  const now = options.now ?? Date.now;
  const secret = randomUUID();
  let tokenEpoch = 0;
  const executions = new Map<string, Execution>();
  const byClientToken = new Map<string, string>();
  const queries: LoggedQuery[] = [];
  const requests: AthenaServer['requests'] = [];
  let failQueries: { count: number; reason: string } = { count: 0, reason: '' };
  const failCalls = new Map<string, { count: number; error: { status: number; type: string; message: string } }>();
  let chain: Promise<void> = Promise.resolve();
  const trailRoot = join(options.bucketDir, options.prefix ?? '', 'AWSLogs', options.orgId);

  function sign(id: string, offset: number): string {
    const body = `${id}:${offset}:${tokenEpoch}`;
    return Buffer.from(`${body}:${createHmac('sha256', secret).update(body).digest('hex').slice(0, 24)}`).toString('base64url');
  }

  function readToken(id: string, token: string): number | null {
    const decoded = Buffer.from(token, 'base64url').toString('utf8').split(':');
    if (decoded.length !== 4) return null;
    const [tokenId = '', offset = '', epoch = '', mac = ''] = decoded;
    if (tokenId !== id || Number(epoch) !== tokenEpoch) return null;
    if (createHmac('sha256', secret).update(`${tokenId}:${offset}:${epoch}`).digest('hex').slice(0, 24) !== mac) return null;
    return Number(offset);
  }

  function fail(execution: Execution, state: 'FAILED' | 'CANCELLED', reason: string, category: number | null, type: number | null): void {
    execution.finalState = state;
    execution.log.state = state;
    execution.log.reason = reason;
    execution.errorCategory = category;
    execution.errorType = type;
  }

  async function execute(execution: Execution, workGroup: string): Promise<void> {
    const sql = execution.log.sql;
    if (failQueries.count > 0) {
      failQueries.count -= 1;
      fail(execution, 'FAILED', failQueries.reason, 3, 401);
      return;
    }
    const from = /\bFROM\s+(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*))\s*(?:\.\s*(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*)))?/i.exec(sql);
    const first = from?.[1] ?? from?.[2] ?? null;
    const second = from?.[3] ?? from?.[4] ?? null;
    const database = (second === null ? execution.database : first)?.toLowerCase() ?? null;
    const table = (second === null ? first : second)?.toLowerCase() ?? null;
    if (database !== options.database || table !== options.table) {
      fail(execution, 'FAILED', `TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.${database ?? 'default'}.${table ?? '?'}' does not exist`, 2, 1301);
      return;
    }
    const plan = planPartitions(sql);
    const accounts = plan.equal.account;
    if (plan.dynamic.has('account') || accounts === undefined) {
      fail(execution, 'FAILED', 'CONSTRAINT_VIOLATION: For the injected projected partition column account, the WHERE clause must contain only static equality conditions, and at least one such condition must be present.', 2, 1006);
      return;
    }
    const regions = plan.equal.region === undefined || plan.dynamic.has('region') ? new Set(options.regions) : new Set([...plan.equal.region].filter((r) => options.regions.includes(r)));
    const rangeStart = options.rangeStart ?? '2020/01/01';
    const today = dayOf(now());
    const timestampStatic = !plan.dynamic.has('timestamp');
    const lower = timestampStatic && plan.lower !== null && plan.lower > rangeStart ? plan.lower : rangeStart;
    const upper = timestampStatic && plan.upper !== null && plan.upper < today ? plan.upper : today;
    const days = plan.equal.timestamp;
    const touched: Partition[] = [];
    const files: string[] = [];
    let bytes = 0;
    const cutoff = workGroups[workGroup]?.bytesScannedCutoffPerQuery ?? null;
    for (const account of [...accounts].sort()) {
      for (const region of [...regions].sort()) {
        const regionDir = join(trailRoot, account, 'CloudTrail', region);
        for (const year of listDirs(regionDir)) {
          for (const month of listDirs(join(regionDir, year))) {
            for (const dayName of listDirs(join(regionDir, year, month))) {
              const day = `${year}/${month}/${dayName}`;
              if (day < lower || day > upper || (days !== undefined && timestampStatic && !days.has(day))) continue;
              const dir = join(regionDir, year, month, dayName);
              const names = readdirSync(dir).filter((name) => name.endsWith('.json.gz')).sort();
              if (names.length === 0) continue;
              touched.push({ account, region, day });
              for (const name of names) {
                const path = join(dir, name);
                bytes += statSync(path).size;
                files.push(path);
                if (cutoff !== null && bytes > cutoff) {
                  execution.log.touched = touched;
                  execution.log.filesRead = files.length;
                  execution.log.dataScannedBytes = bytes;
                  fail(execution, 'CANCELLED', `Query cancelled! : Bytes scanned limit was exceeded (the workgroup ${workGroup} allows ${cutoff} bytes per query)`, 2, 1004);
                  return;
                }
              }
            }
          }
        }
      }
    }
    execution.log.touched = touched;
    execution.log.filesRead = files.length;
    execution.log.dataScannedBytes = bytes;
    try {
      await connection.run(viewSql(options.database, options.table, files, options.orgId));
      const reader = await connection.runAndReadAll(sql);
      execution.columns = reader.columnNames();
      execution.rows = reader.getRows().map((row) => row.map((value) => (value === null || value === undefined ? null : String(value))));
      execution.log.rows = execution.rows.length;
      execution.finalState = 'SUCCEEDED';
      execution.log.state = 'SUCCEEDED';
    } catch (error) {
      const message = (error as Error).message.split('\n')[0] ?? 'error';
      const code = /^Parser Error/.test(message) ? 'SYNTAX_ERROR' : /^Binder Error/.test(message) ? 'COLUMN_NOT_FOUND' : 'GENERIC_INTERNAL_ERROR';
      fail(execution, 'FAILED', `${code}: ${message}`, 2, 1000);
    }
  }

  function statusOf(execution: Execution): Record<string, unknown> {
    let state = execution.log.state;
    if (execution.finalState !== null && execution.pollsLeft > 0) state = 'RUNNING';
    const done = state !== 'RUNNING' && state !== 'QUEUED';
    return {
      State: state,
      SubmissionDateTime: execution.submitted / 1000,
      ...(done ? { CompletionDateTime: (execution.completed ?? now()) / 1000 } : {}),
      ...(done && execution.log.reason !== null ? { StateChangeReason: execution.log.reason } : {}),
      ...(done && execution.errorCategory !== null
        ? { AthenaError: { ErrorCategory: execution.errorCategory, ErrorType: execution.errorType, Retryable: false, ErrorMessage: execution.log.reason } }
        : {}),
    };
  }

  const operations: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    async StartQueryExecution(body) {
      const sql = body.QueryString;
      if (typeof sql !== 'string' || sql.length < 1 || sql.length > MAX_QUERY_LENGTH) {
        throw new AthenaError(400, 'InvalidRequestException', `QueryString must be between 1 and ${MAX_QUERY_LENGTH} characters`);
      }
      const workGroup = typeof body.WorkGroup === 'string' ? body.WorkGroup : 'primary';
      if (workGroups[workGroup] === undefined) throw new AthenaError(400, 'InvalidRequestException', `WorkGroup ${workGroup} is not found.`);
      const clientToken = typeof body.ClientRequestToken === 'string' ? body.ClientRequestToken : null;
      if (clientToken !== null && (clientToken.length < 32 || clientToken.length > 128)) {
        throw new AthenaError(400, 'InvalidRequestException', 'ClientRequestToken must be between 32 and 128 characters');
      }
      const known = clientToken === null ? undefined : byClientToken.get(clientToken);
      if (known !== undefined) return { QueryExecutionId: known };
      const id = randomUUID();
      const context = (body.QueryExecutionContext ?? {}) as { Database?: string };
      const log: LoggedQuery = { id, sql, workGroup, state: 'QUEUED', reason: null, touched: [], filesRead: 0, dataScannedBytes: 0, rows: 0 };
      const execution: Execution = {
        log,
        submitted: now(),
        completed: null,
        database: context.Database ?? null,
        outputLocation: `s3://aws-athena-query-results-local/${id}.csv`,
        columns: [],
        rows: [],
        finalState: null,
        errorType: null,
        errorCategory: null,
        pollsLeft: options.runningPolls ?? 1,
        settled: Promise.resolve(),
      };
      execution.settled = chain = chain.then(async () => {
        log.state = 'RUNNING';
        await execute(execution, workGroup);
        execution.completed = now();
      });
      executions.set(id, execution);
      if (clientToken !== null) byClientToken.set(clientToken, id);
      queries.push(log);
      return { QueryExecutionId: id };
    },
    async GetQueryExecution(body) {
      const execution = executions.get(String(body.QueryExecutionId));
      if (execution === undefined) throw new AthenaError(400, 'InvalidRequestException', `QueryExecution ${String(body.QueryExecutionId)} was not found`);
      const status = statusOf(execution);
      if (execution.finalState !== null && execution.pollsLeft > 0) execution.pollsLeft -= 1;
      return {
        QueryExecution: {
          QueryExecutionId: execution.log.id,
          Query: execution.log.sql,
          StatementType: 'DML',
          ResultConfiguration: { OutputLocation: execution.outputLocation },
          QueryExecutionContext: { Catalog: 'awsdatacatalog', ...(execution.database === null ? {} : { Database: execution.database }) },
          Status: status,
          Statistics: {
            EngineExecutionTimeInMillis: 0,
            DataScannedInBytes: execution.log.dataScannedBytes,
            TotalExecutionTimeInMillis: 0,
            QueryQueueTimeInMillis: 0,
          },
          WorkGroup: execution.log.workGroup,
          EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
        },
      };
    },
    async GetQueryResults(body) {
      const execution = executions.get(String(body.QueryExecutionId));
      if (execution === undefined) throw new AthenaError(400, 'InvalidRequestException', `QueryExecution ${String(body.QueryExecutionId)} was not found`);
      const state = statusOf(execution).State;
      if (state === 'QUEUED' || state === 'RUNNING') throw new AthenaError(400, 'InvalidRequestException', `Query has not yet finished. Current state: ${String(state)}`);
      if (state !== 'SUCCEEDED') throw new AthenaError(400, 'InvalidRequestException', `Query did not finish successfully. Final query state: ${String(state)}`);
      const max = body.MaxResults === undefined ? MAX_RESULTS : Number(body.MaxResults);
      if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
        throw new AthenaError(400, 'InvalidRequestException', `1 validation error detected: Value '${String(body.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_RESULTS}`);
      }
      let offset = 0;
      if (typeof body.NextToken === 'string') {
        const read = readToken(execution.log.id, body.NextToken);
        if (read === null) throw new AthenaError(400, 'InvalidRequestException', 'The NextToken is invalid or has expired');
        offset = read;
      }
      // The header row (column labels) is the first row of the first page, within MaxResults.
      const header = offset === 0 ? [execution.columns] : [];
      const take = max - header.length;
      const slice = execution.rows.slice(offset, offset + take);
      const nextOffset = offset + slice.length;
      const toRow = (values: (string | null)[]) => ({ Data: values.map((value) => (value === null ? {} : { VarCharValue: value })) });
      return {
        UpdateCount: 0,
        ResultSet: {
          Rows: [...header, ...slice].map(toRow),
          ResultSetMetadata: {
            ColumnInfo: execution.columns.map((name) => ({
              CatalogName: 'hive', SchemaName: '', TableName: '', Name: name, Label: name, Type: 'varchar', Precision: 2147483647, Scale: 0, Nullable: 'UNKNOWN', CaseSensitive: true,
            })),
          },
        },
        ...(nextOffset < execution.rows.length ? { NextToken: sign(execution.log.id, nextOffset) } : {}),
      };
    },
    async StopQueryExecution(body) {
      const execution = executions.get(String(body.QueryExecutionId));
      if (execution === undefined) throw new AthenaError(400, 'InvalidRequestException', `QueryExecution ${String(body.QueryExecutionId)} was not found`);
      if (execution.finalState === null || execution.pollsLeft > 0) {
        await execution.settled;
        execution.pollsLeft = 0;
        fail(execution, 'CANCELLED', 'Query was cancelled by the user', null, null);
      }
      return {};
    },
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    let body: Record<string, unknown> = {};
    const send = (status: number, payload: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      response.end(JSON.stringify(payload));
    };
    try {
      const raw = await text(request);
      body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
      const implementation = operations[operation];
      if (implementation === undefined) throw new AthenaError(400, 'UnknownOperationException', `Operation ${operation || '(none)'} is not supported`);
      const injected = failCalls.get(operation);
      if (injected !== undefined && injected.count > 0) {
        injected.count -= 1;
        throw new AthenaError(injected.error.status, injected.error.type, injected.error.message);
      }
      if (operation === 'GetQueryExecution' || operation === 'GetQueryResults') {
        // Let a query that was just submitted run before it is looked at, like a real engine would between polls.
        await executions.get(String(body.QueryExecutionId))?.settled;
      }
      const result = await implementation(body);
      requests.push({ operation, errorType: null, body });
      send(200, result);
    } catch (error) {
      const known = error instanceof AthenaError ? error : new AthenaError(500, 'InternalServerException', (error as Error).message);
      requests.push({ operation, errorType: known.type, body });
      send(known.status, { __type: known.type, Message: known.message, ...(known.type === 'InvalidRequestException' ? { AthenaErrorCode: 'INVALID_INPUT' } : {}) });
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    queries,
    requests,
    failNextQueries(count, reason) {
      failQueries = { count, reason };
    },
    failNextCalls(operation, count, error) {
      failCalls.set(operation, { count, error });
    },
    expireTokens() {
      tokenEpoch += 1;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await chain.catch(() => undefined);
      connection.closeSync();
      instance.closeSync();
    },
  };
}
