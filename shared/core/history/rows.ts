import type { CloudTrailRecord } from '../types.js';
import type { HistoryColumn } from './query.js';

/**
 * From one result row of the history query back to a CloudTrail record, the shape every classifier
 * entry point reads. Athena answers every value as text (`VarCharValue`) and a SQL NULL as an
 * absent value; the CloudTrail SerDe keeps `requestparameters` and `additionaleventdata` as JSON
 * text, parsed here.
 * @see https://docs.aws.amazon.com/athena/latest/APIReference/API_Datum.html
 */

/** One row: column alias → text, null for SQL NULL. */
export type HistoryRow = Partial<Record<HistoryColumn, string | null>>;

/** A rebuilt record, plus what could not be read (JSON text that does not parse). */
export interface RebuiltRecord {
  record: CloudTrailRecord;
  problems: string[];
}

function parseJsonObject(text: string | null | undefined, column: string, problems: string[]): Record<string, unknown> | null {
  if (text === null || text === undefined || text === '') return null;
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    if (value === null) return null;
    problems.push(`${column} is ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not a JSON object`);
    return null;
  } catch {
    problems.push(`${column} is not JSON`);
    return null;
  }
}

function assign<T extends object>(target: T, key: keyof T, value: string | null | undefined): void {
  if (value !== null && value !== undefined) (target as Record<keyof T, unknown>)[key] = value;
}

/** Zips a positional Athena row with its column names into a {@link HistoryRow}. */
export function rowFromValues(columns: readonly string[], values: readonly (string | null)[]): HistoryRow {
  const row: Record<string, string | null> = {};
  columns.forEach((name, index) => {
    row[name] = values[index] ?? null;
  });
  return row as HistoryRow;
}

/** Rebuilds the CloudTrail record of a row. Never throws; unreadable JSON columns become problems. */
export function recordFromRow(row: HistoryRow): RebuiltRecord {
  const problems: string[] = [];
  const record: CloudTrailRecord = {};
  assign(record, 'eventID', row.eventid);
  assign(record, 'eventTime', row.eventtime);
  assign(record, 'eventName', row.eventname);
  assign(record, 'eventSource', row.eventsource);
  assign(record, 'awsRegion', row.awsregion);
  assign(record, 'recipientAccountId', row.recipientaccountid ?? row.account);
  assign(record, 'sourceIPAddress', row.sourceipaddress);
  assign(record, 'userAgent', row.useragent);
  assign(record, 'errorCode', row.errorcode);
  assign(record, 'errorMessage', row.errormessage);
  const identity: NonNullable<CloudTrailRecord['userIdentity']> = {};
  assign(identity, 'type', row.useridentity_type);
  assign(identity, 'arn', row.useridentity_arn);
  assign(identity, 'accountId', row.useridentity_accountid);
  assign(identity, 'principalId', row.useridentity_principalid);
  const issuer: { arn?: string; userName?: string; type?: string } = {};
  assign(issuer, 'arn', row.sessionissuer_arn);
  assign(issuer, 'type', row.sessionissuer_type);
  assign(issuer, 'userName', row.sessionissuer_username);
  if (Object.keys(issuer).length > 0) identity.sessionContext = { sessionIssuer: issuer };
  if (Object.keys(identity).length > 0) record.userIdentity = identity;
  const request = parseJsonObject(row.requestparameters, 'requestparameters', problems);
  if (request !== null) record.requestParameters = request;
  const additional = parseJsonObject(row.additionaleventdata, 'additionaleventdata', problems);
  if (additional !== null) record.additionalEventData = additional;
  return { record, problems };
}
