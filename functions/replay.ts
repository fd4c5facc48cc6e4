import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAthenaHistoryEngine } from '../shared/adapters/athena-history.js';
import type { Context } from 'aws-lambda';
import { createCloudTrailClientFactory, createCloudTrailLookup } from '../shared/adapters/cloudtrail-lookup.js';
import { createDynamoDbAlertStore } from '../shared/adapters/dynamodb-alert-store.js';
import { createDynamoDbCallCountWriter } from '../shared/adapters/dynamodb-call-counts.js';
import { createDynamoDbOrgSnapshotReader } from '../shared/adapters/dynamodb-org-snapshot-reader.js';
import { activeAccountsOf, historyPayloadNeedsAccounts, type SnapshotAccounts } from '../shared/core/history/accounts.js';
import type { OrgSnapshot } from '../shared/core/preflight/index.js';
import { classifyRecord, isBedrockDenial } from '../shared/core/classify/classify.js';
import type { AggregateWriter, CallCountWriter, Notifier } from '../shared/core/ports.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import type { HistoryEngine } from '../shared/core/history/engine-port.js';
import { isHistoryPayload, parseHistoryPayload } from '../shared/core/history/payload.js';
import type { HistoryTable } from '../shared/core/history/query.js';
import { runHistoryReplay } from '../shared/core/history/run-history-replay.js';
import type { EventLookup } from '../shared/core/replay/lookup-port.js';
import { parseReplayPayload, type ReplayPayload } from '../shared/core/replay/payload.js';
import type { ReplayReport } from '../shared/core/replay/report.js';
import { runReplay } from '../shared/core/replay/run-replay.js';
import type { Finding, Fix, Language, Result, ScpDocument } from '../shared/core/types.js';
import { loadReplayConfig } from '../shared/runtime/config.js';
import { createToolboxFor, fixFromSources } from '../shared/runtime/authoritative-fix.js';
import { createAlertChannels, createScpSourceFor } from '../shared/runtime/dependencies.js';
import { logger, withRuntime } from '../shared/runtime/middleware.js';

/** What the replay handler needs; tests pass their own, `handler` builds them from the environment. */
export interface ReplayDependencies {
  lookup: EventLookup;
  classify(record: unknown): Finding | null;
  suggestFix?: (finding: Finding, lang: Language, scps?: ScpDocument[][]) => Fix | null | Promise<Fix | null>;
  /** The SCPs in force for an account (`ORG_READ_ROLE_ARN`), so SCP fixes are verified. */
  scpsFor?: (accountId: string) => Promise<Result<ScpDocument[][]>>;
  writer: AggregateWriter | null;
  /** Where `store` writes the per-day call counts the digest's intermittency view reads; absent: not written. */
  callWriter?: CallCountWriter | null;
  notifier: Notifier | null;
  defaultRegions: string[];
  lang: Language;
  /**
   * The Athena reader of `source: "athena"`; null or absent when the stack has no `historyBucket`.
   * `snapshots` is the organization snapshot the stack stores (accounts of a payload that names none
   * and has no `HISTORY_ACCOUNTS`); null or absent: none is kept.
   */
  history?: { engine: HistoryEngine; table: HistoryTable; defaultAccounts: string[]; snapshots?: { load(): Promise<OrgSnapshot | null> } | null } | null;
  /** The current time for validating windows (tests pin it); the deadline always uses the wall clock. */
  now?: () => number;
  /**
   * Time kept free before the Lambda deadline; default 10% of the remaining time (1 to 20 s), plus
   * 10 s with `store` and 30 s with `notify`, at most half the remaining time.
   */
  safetyMarginMs?: number;
}

/** The answer of an invocation: the report and the payload that continues it, or the refusal. */
export type ReplayResponse =
  | { ok: true; report: ReplayReport; next: ReplayPayload | null }
  | { ok: false; field: string; reason: string };

/** Sends an alert to every configured channel; fails when any channel failed. */
function fanOut(notifiers: Notifier[]): Notifier | null {
  if (notifiers.length === 0) return null;
  return {
    async notify(alert) {
      const results = await Promise.allSettled(notifiers.map((n) => n.notify(alert)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}

/** Builds the replay's dependencies from its environment (once per cold start). */
export function buildReplayDependencies(env: Record<string, string | undefined> = process.env): ReplayDependencies {
  const config = loadReplayConfig(env);
  const catalog = loadBundledCatalog();
  const scpSource = createScpSourceFor(config.orgReadRoleArn);
  const toolbox = createToolboxFor(config.authoritative);
  return {
    lookup: createCloudTrailLookup({ clientFor: createCloudTrailClientFactory({ roleName: config.roleName }) }),
    classify: (record) => (isBedrockDenial(record) ? classifyRecord(record, { catalog }) : null),
    // SCPs as IAM recorded them when the ID is still kept (≥ 24 h), else those read from Organizations.
    suggestFix: (finding, fixLang, scps) =>
      fixFromSources(finding, fixLang, { catalog, toolbox, scpsForAccount: scps === undefined ? undefined : async () => ({ ok: true, value: scps }) }),
    ...(scpSource === null ? {} : { scpsFor: (accountId: string) => scpSource.scpsForAccount(accountId) }),
    writer: config.tableName === null ? null : createDynamoDbAlertStore({ client: new DynamoDBClient({}), tableName: config.tableName }),
    callWriter: config.tableName === null ? null : createDynamoDbCallCountWriter({ client: new DynamoDBClient({}), tableName: config.tableName }),
    notifier: fanOut(Object.values(createAlertChannels(config))),
    defaultRegions: config.defaultRegions,
    lang: config.locale,
    history:
      config.history === null
        ? null
        : {
            engine: createAthenaHistoryEngine({ client: new AthenaClient({}), workGroup: config.history.workGroup, database: config.history.database }),
            table: { database: config.history.database, table: config.history.table },
            defaultAccounts: config.history.accounts,
            snapshots: config.tableName === null ? null : snapshotSource(config.tableName),
          },
  };
}

/** The snapshot the daily refresh and the guard keep in the table, read-only. */
function snapshotSource(tableName: string): { load(): Promise<OrgSnapshot | null> } {
  const reader = createDynamoDbOrgSnapshotReader({ client: new DynamoDBClient({}), tableName });
  return { load: async () => (await reader.load())?.snapshot ?? null };
}

/** The accounts of the stored snapshot, or why there are none; read only when the payload needs them. */
async function snapshotAccounts(source: { load(): Promise<OrgSnapshot | null> } | null | undefined): Promise<SnapshotAccounts> {
  if (source == null) return { ok: false, reason: 'this stack keeps no organization snapshot' };
  try {
    const snapshot = await source.load();
    if (snapshot === null) return { ok: false, reason: 'no snapshot is stored yet' };
    return { ok: true, accounts: activeAccountsOf(snapshot), source: `stored, taken ${snapshot.takenAt}` };
  } catch (error) {
    return { ok: false, reason: `the stored snapshot cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Time kept free before the Lambda deadline (see {@link ReplayDependencies.safetyMarginMs}). */
function marginFor(deps: ReplayDependencies, remaining: number, flags: { dryRun: boolean; store: boolean; notify: boolean }): number {
  const afterwork = flags.dryRun ? 0 : (flags.store ? 10_000 : 0) + (flags.notify ? 30_000 : 0);
  return deps.safetyMarginMs ?? Math.min(remaining / 2, Math.min(20_000, Math.max(1_000, remaining * 0.1)) + afterwork);
}

/** `source: "athena"`: one query over the org trail, through the same classify → fix → store/notify path. */
async function replayFromAthena(event: unknown, deps: ReplayDependencies, remaining: number, started: number): Promise<ReplayResponse> {
  const history = deps.history ?? null;
  if (history === null) {
    const reason = 'source: athena is not configured here; deploy the stack with the historyBucket parameter (it sets HISTORY_WORKGROUP), or leave source out to read LookupEvents';
    logger.warn('Replay payload refused', { field: 'source', reason });
    return { ok: false, field: 'source', reason };
  }
  const fromSnapshot = historyPayloadNeedsAccounts(event, history.defaultAccounts) ? await snapshotAccounts(history.snapshots) : null;
  const parsed = parseHistoryPayload(event, { now: (deps.now ?? Date.now)(), defaultAccounts: history.defaultAccounts, snapshotAccounts: fromSnapshot });
  if (!parsed.ok) {
    logger.warn('Replay payload refused', { field: parsed.field, reason: parsed.reason });
    return parsed;
  }
  const request = parsed.value;
  const lang = request.lang ?? deps.lang;
  const suggest = deps.suggestFix;
  const report = await runHistoryReplay(request, {
    engine: history.engine,
    table: history.table,
    isDenial: isBedrockDenial,
    classify: deps.classify,
    suggestFix: suggest === undefined ? undefined : (finding, scps) => suggest(finding, lang, scps),
    scpsFor: deps.scpsFor,
    writer: deps.writer,
    callWriter: deps.callWriter ?? null,
    notifier: deps.notifier,
    deadline: started + remaining - marginFor(deps, remaining, request),
    now: Date.now,
    sleep: (ms) => sleep(ms),
  });
  for (const error of report.errors) logger.warn('Replay query failed', { error: error.message, queryExecutionId: report.athena?.queryExecutionId });
  logger.info('Replay finished', {
    source: 'athena', window: report.window, complete: report.complete, recordsScanned: report.recordsScanned, denials: report.denials,
    queryExecutionId: report.athena?.queryExecutionId, dataScannedBytes: report.athena?.dataScannedBytes, durationMs: Date.now() - started,
  });
  const next: ReplayPayload | null = report.resume === null ? null : ({
    source: 'athena',
    resume: report.resume,
    store: request.store,
    notify: request.notify,
    dryRun: request.dryRun,
    ...(request.maxEvents === null ? {} : { maxEvents: request.maxEvents }),
    ...(request.lang === null ? {} : { lang: request.lang }),
  } as ReplayPayload);
  return { ok: true, report, next };
}

/** `source: "lookup-events"` is the default reader: accepted and dropped before the LookupEvents payload is validated. */
function stripLookupSource(event: unknown): unknown {
  if (event !== null && typeof event === 'object' && !Array.isArray(event) && (event as Record<string, unknown>).source === 'lookup-events') {
    const { source: _source, ...rest } = event as Record<string, unknown>;
    return rest;
  }
  return event;
}

/** Creates the replay handler over `dependencies` (or a factory called once, lazily). */
export function createReplayHandler(dependencies: ReplayDependencies | (() => ReplayDependencies)) {
  let deps: ReplayDependencies | null = typeof dependencies === 'function' ? null : dependencies;
  return withRuntime(
    async (event: unknown, context: Context): Promise<ReplayResponse> => {
      deps ??= (dependencies as () => ReplayDependencies)();
      const started = Date.now();
      if (isHistoryPayload(event)) {
        const left = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60_000;
        return replayFromAthena(event, deps, left, started);
      }
      const parsed = parseReplayPayload(stripLookupSource(event), { now: (deps.now ?? Date.now)(), defaultRegions: deps.defaultRegions });
      if (!parsed.ok) {
        logger.warn('Replay payload refused', { field: parsed.field, reason: parsed.reason });
        return parsed;
      }
      const request = parsed.value;
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60_000;
      // Time kept after the last CloudTrail request: answering, plus writing and sending when asked.
      const afterwork = request.dryRun ? 0 : (request.store ? 10_000 : 0) + (request.notify ? 30_000 : 0);
      const margin = deps.safetyMarginMs ?? Math.min(remaining / 2, Math.min(20_000, Math.max(1_000, remaining * 0.1)) + afterwork);
      const lang = request.lang ?? deps.lang;
      const suggest = deps.suggestFix;
      const report = await runReplay(request, {
        lookup: deps.lookup,
        isDenial: isBedrockDenial,
        classify: deps.classify,
        suggestFix: suggest === undefined ? undefined : (finding, scps) => suggest(finding, lang, scps),
        scpsFor: deps.scpsFor,
        writer: deps.writer,
        callWriter: deps.callWriter ?? null,
        notifier: deps.notifier,
        deadline: started + remaining - margin,
      });
      for (const error of report.errors) logger.warn('Replay stream failed', { account: error.account, region: error.region, error: error.message });
      logger.info('Replay finished', {
        window: report.window, complete: report.complete, recordsScanned: report.recordsScanned, denials: report.denials,
        crossRegionScpGroups: report.crossRegionScpGroups.length, errors: report.errors.length, durationMs: Date.now() - started,
      });
      const next: ReplayPayload | null = report.resume === null ? null : {
        resume: report.resume,
        store: request.store,
        notify: request.notify,
        dryRun: request.dryRun,
        ...(request.maxEvents === null ? {} : { maxEvents: request.maxEvents }),
        ...(request.lang === null ? {} : { lang: request.lang }),
      };
      return { ok: true, report, next };
    },
    { name: 'replay', eventId: () => undefined },
  );
}

/** Lambda entry point (`functions/replay.handler`). */
export const handler = createReplayHandler(() => buildReplayDependencies());
