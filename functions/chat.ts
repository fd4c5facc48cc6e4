import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { createCloudTrailClientFactory, createCloudTrailLookup } from '../shared/adapters/cloudtrail-lookup.js';
import { createDynamoDbFindingReader, type FindingReader } from '../shared/adapters/dynamodb-finding-reader.js';
import { createOrganizationsClient, createOrganizationsScpSource } from '../shared/adapters/organizations-scp-source.js';
import { CHAT_ACTION_TEXT, explainAnswer, parseChatAction, replayAnswer, type ChatAnswer } from '../shared/core/chat/actions.js';
import { classifyRecord, isBedrockDenial } from '../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import { VERDICTS } from '../shared/core/constants.js';
import { ConfigurationError } from '../shared/core/errors.js';
import { suggestFix } from '../shared/core/fix/suggest-fix.js';
import type { EventLookup } from '../shared/core/replay/lookup-port.js';
import { parseReplayPayload } from '../shared/core/replay/payload.js';
import { runReplay } from '../shared/core/replay/run-replay.js';
import type { Finding, Fix, Language, Result, ScpDocument } from '../shared/core/types.js';
import { loadReplayConfig } from '../shared/runtime/config.js';
import { logger, withRuntime } from '../shared/runtime/middleware.js';

/**
 * The function behind the Amazon Q Developer action buttons (`AWS::Chatbot::CustomAction`,
 * infra/chat.yml): "Replay 24 h for this account" re-audits that account's last 24 hours of
 * CloudTrail history read-only (a dry run: nothing stored, nothing sent), and "Explain again with
 * the SCPs in force" re-runs the fix engine on the stored finding of an alert's fingerprint with
 * the SCPs read now. Its answer is what the channel shows.
 */
export interface ChatActionDependencies {
  lookup: EventLookup;
  findings: FindingReader;
  classify(record: unknown): Finding | null;
  suggestFix(finding: Finding, scps?: ScpDocument[][]): Fix | null;
  scpsFor?: (accountId: string) => Promise<Result<ScpDocument[][]>>;
  defaultRegions: string[];
  lang: Language;
  now?: () => number;
}

const SCP_VERDICTS: ReadonlySet<string> = new Set([VERDICTS.crossRegionScp, VERDICTS.scp]);

/** Builds the dependencies from the environment (the replay function's settings), once per cold start. */
export function buildChatActionDependencies(env: Record<string, string | undefined> = process.env): ChatActionDependencies {
  const config = loadReplayConfig(env);
  if (config.tableName === null) throw new ConfigurationError('Invalid configuration of the chat function: TABLE_NAME is required');
  const catalog = loadBundledCatalog();
  // Built here rather than through runtime/dependencies.ts, which also builds the alert channels:
  // this function sends nothing, and its role may not publish.
  const scpSource = config.orgReadRoleArn === null ? null : createOrganizationsScpSource({ client: createOrganizationsClient({ roleArn: config.orgReadRoleArn }), cacheTtlMs: 15 * 60_000 });
  return {
    lookup: createCloudTrailLookup({ clientFor: createCloudTrailClientFactory({ roleName: config.roleName }) }),
    findings: createDynamoDbFindingReader({ client: new DynamoDBClient({}), tableName: config.tableName }),
    classify: (record) => (isBedrockDenial(record) ? classifyRecord(record, { catalog }) : null),
    suggestFix: (finding, scps) => suggestFix(finding, scps === undefined ? { catalog, lang: config.locale } : { catalog, lang: config.locale, scps }),
    ...(scpSource === null ? {} : { scpsFor: (accountId: string) => scpSource.scpsForAccount(accountId) }),
    defaultRegions: config.defaultRegions,
    lang: config.locale,
  };
}

/** Creates the chat action handler over `dependencies` (or a factory called once, lazily). */
export function createChatActionHandler(dependencies: ChatActionDependencies | (() => ChatActionDependencies)) {
  let deps: ChatActionDependencies | null = typeof dependencies === 'function' ? null : dependencies;
  return withRuntime(
    async (event: unknown, context: Context): Promise<ChatAnswer> => {
      deps ??= (dependencies as () => ChatActionDependencies)();
      const action = parseChatAction(event);
      if (!action.ok) {
        logger.warn('Chat action refused', { reason: action.reason });
        return { ok: false, lines: [action.reason] };
      }
      if (action.value.kind === 'replay-account') {
        const parsed = parseReplayPayload({ from: '-PT24H', accounts: [action.value.accountId], dryRun: true }, { now: (deps.now ?? Date.now)(), defaultRegions: deps.defaultRegions });
        if (!parsed.ok) return { ok: false, lines: [parsed.reason] };
        const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60_000;
        const report = await runReplay(parsed.value, {
          lookup: deps.lookup,
          isDenial: isBedrockDenial,
          classify: deps.classify,
          suggestFix: deps.suggestFix,
          scpsFor: deps.scpsFor,
          deadline: Date.now() + remaining - Math.min(5000, remaining / 4),
        });
        logger.info('Chat replay finished', { accountId: action.value.accountId, recordsScanned: report.recordsScanned, denials: report.denials, complete: report.complete });
        return replayAnswer(action.value.accountId, report, deps.lang);
      }
      const finding = await deps.findings.latestFinding(action.value.fingerprint);
      if (finding === null) {
        return { ok: false, lines: [CHAT_ACTION_TEXT[deps.lang].notStored] };
      }
      let scps: ScpDocument[][] | undefined;
      let scpsRead: { ok: true } | { ok: false; reason: string } = { ok: false, reason: 'ORG_READ_ROLE_ARN is not set' };
      if (deps.scpsFor !== undefined && finding.accountId !== null && SCP_VERDICTS.has(finding.verdict)) {
        const read = await deps.scpsFor(finding.accountId);
        scpsRead = read.ok ? { ok: true } : { ok: false, reason: read.reason };
        if (read.ok) scps = read.value;
      }
      const fresh: Finding = { ...finding, fix: deps.suggestFix({ ...finding, fix: undefined }, scps) };
      logger.info('Chat explain finished', { fingerprint: action.value.fingerprint, verification: fresh.fix?.verification.status ?? null });
      return explainAnswer(fresh, deps.lang, scpsRead);
    },
    { name: 'chat', eventId: () => undefined },
  );
}

/** Lambda entry point (`functions/chat.handler`). */
export const handler = createChatActionHandler(() => buildChatActionDependencies());
