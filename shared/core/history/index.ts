/**
 * Organization-scale history on Amazon Athena: the one SQL query over the org trail table, the
 * row → CloudTrail record rebuild, the Athena replay use case with its resume tokens, the query's
 * cost, and the intermittency view (how often each profile's calls fail, per destination Region).
 */
export { buildHistoryQuery, DELIVERY_SLACK_MS, HISTORY_COLUMNS, MAX_QUERY_ACCOUNTS, type HistoryColumn, type HistoryQuery, type HistoryTable, type HistoryWindow } from './query.js';
export { recordFromRow, rowFromValues, type HistoryRow, type RebuiltRecord } from './rows.js';
export { QUERY_STATES, type HistoryEngine, type PageResult, type QueryState, type QueryStatus, type ResultPage } from './engine-port.js';
export { ATHENA_MINIMUM_BILLED_BYTES, ATHENA_USD_PER_TB, billedBytes, formatBytes, formatUsd, queryCostUsd } from './cost.js';
export { createIntermittencyAccumulator, describeIntermittency, mergeIntermittency, MAX_INTERMITTENCY_ROWS, REGION_UNKNOWN, ROUTE_NOT_RECORDED, type IntermittencyAccumulator, type IntermittencyRow } from './intermittency.js';
export { decodeHistoryResumeToken, encodeHistoryResumeToken, HISTORY_RESUME_PREFIX, isHistoryResumeToken, type HistoryResumeState } from './resume.js';
export { HISTORY_PAYLOAD_FIELDS, isHistoryPayload, parseHistoryPayload, type HistoryPayload, type HistoryPayloadResult, type HistoryRequest } from './payload.js';
export { MAX_POLL_DELAY_MS, runHistoryReplay, type HistoryReplayDeps } from './run-history-replay.js';
export type { AthenaQueryReport } from './athena-report.js';
export { activeAccountsOf, historyPayloadNeedsAccounts, type SnapshotAccounts } from './accounts.js';
