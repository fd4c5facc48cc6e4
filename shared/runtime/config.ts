// zod/mini: the same validation, tree-shaken to a few kilobytes (full zod was ~45% of each bundle).
import * as z from 'zod/mini';
import { LANGUAGES } from '../core/constants.js';
import { ConfigurationError } from '../core/errors.js';
import type { Language } from '../core/types.js';
import { parseRouteList } from '../core/preflight/routes-in-use.js';

/** Settings of the alert function, validated once per cold start. */
export interface AlertConfig {
  tableName: string;
  /** Where the Slack webhook URL comes from; null when Slack is not configured. */
  slack: { secretArn: string } | { parameterName: string } | { url: string } | null;
  /** Where the Microsoft Teams webhook URL comes from; null when Teams is not configured. */
  teams: { secretArn: string } | { parameterName: string } | { url: string } | null;
  /** SNS topic of alerts; null when SNS is not configured. */
  topicArn: string | null;
  /** SNS topic mapped to an Amazon Q Developer channel (custom notifications); null when not configured. */
  qDeveloperTopicArn: string | null;
  suppressionWindowMinutes: number;
  locale: Language;
  /** Role in the management (or delegated administrator) account to read SCPs; optional. */
  orgReadRoleArn: string | null;
  /** `AUTHORITATIVE_FIXES`: ask IAM Access Troubleshooter when a denial carries an authorization ID (default on). */
  authoritative: boolean;
}

const optionalText = z.optional(z.pipe(z.string().check(z.trim()), z.transform((value: string) => (value === '' ? undefined : value))));

/** An optional setting: blank counts as unset; a value must pass `schema`. */
function optionalSetting<T extends z.ZodMiniType<unknown, string>>(schema: T) {
  return z.pipe(optionalText, z.optional(schema));
}

/** A string matching `pattern`, or the error `message`. */
function matching(pattern: RegExp, message: string) {
  return z.string().check(z.regex(pattern, message));
}

const ARN = /^arn:aws[a-z-]*:/;

/** Settings every function that sends alerts reads: the channels and the language. */
const channelEnvironment = {
  SLACK_WEBHOOK_URL: optionalSetting(z.url({ error: 'must be an http(s) URL' })),
  SLACK_WEBHOOK_SECRET_ARN: optionalSetting(matching(/^arn:aws[a-z-]*:secretsmanager:/, 'must be a Secrets Manager secret ARN')),
  SLACK_WEBHOOK_PARAMETER_NAME: optionalSetting(matching(/^(\/[\w.\-/]+|[\w.-]+|arn:aws[a-z-]*:ssm:.+)$/, 'must be an SSM parameter name or ARN')),
  ALERT_TOPIC_ARN: optionalSetting(matching(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'must be an SNS topic ARN')),
  Q_DEVELOPER_TOPIC_ARN: optionalSetting(matching(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/, 'must be an SNS topic ARN')),
  TEAMS_WEBHOOK_URL: optionalSetting(z.url({ error: 'must be an http(s) URL' })),
  TEAMS_WEBHOOK_SECRET_ARN: optionalSetting(matching(/^arn:aws[a-z-]*:secretsmanager:/, 'must be a Secrets Manager secret ARN')),
  TEAMS_WEBHOOK_PARAMETER_NAME: optionalSetting(matching(/^(\/[\w.\-/]+|[\w.-]+|arn:aws[a-z-]*:ssm:.+)$/, 'must be an SSM parameter name or ARN')),
  LOCALE: optionalSetting(z.enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(', ')}` })),
  AUTHORITATIVE_FIXES: optionalSetting(z.enum(['on', 'off'], { error: 'must be on or off' })),
};

/** The environment of the alert function; names are fixed across the project. */
const alertEnvironment = z.object({
  TABLE_NAME: z.string({ error: 'is required' }).check(z.trim(), z.minLength(1, 'is required')),
  ...channelEnvironment,
  SUPPRESSION_WINDOW_MINUTES: optionalSetting(
    z.pipe(
      z.pipe(matching(/^\d+$/, 'must be a whole number of minutes'), z.transform(Number)),
      z.number().check(z.minimum(1, 'must be at least 1'), z.maximum(10_080, 'must be at most 10080 (7 days)')),
    ),
  ),
  ORG_READ_ROLE_ARN: optionalSetting(matching(ARN, 'must be an IAM role ARN')),
});

/** The environment of the replay function: every setting optional (a replay may only read). */
const replayEnvironment = z.object({
  TABLE_NAME: optionalText,
  ...channelEnvironment,
  REPLAY_REGIONS: optionalSetting(matching(/^[a-z0-9-]+(\s*,\s*[a-z0-9-]+)*$/, 'must be a comma list of Region codes')),
  REPLAY_ROLE_NAME: optionalSetting(matching(/^[\w+=,.@/-]{1,64}$/, 'must be an IAM role name')),
  ORG_READ_ROLE_ARN: optionalSetting(matching(ARN, 'must be an IAM role ARN')),
  HISTORY_WORKGROUP: optionalSetting(matching(/^[a-zA-Z0-9._-]{1,128}$/, 'must be an Athena workgroup name')),
  HISTORY_DATABASE: optionalSetting(matching(/^[a-z_][a-z0-9_]{0,254}$/, 'must be a Glue database name (lower-case letters, digits, _)')),
  HISTORY_TABLE: optionalSetting(matching(/^[a-z_][a-z0-9_]{0,254}$/, 'must be a Glue table name (lower-case letters, digits, _)')),
  HISTORY_ACCOUNTS: optionalSetting(matching(/^\d{12}(\s*,\s*\d{12})*$/, 'must be a comma list of 12-digit account IDs')),
  AWS_REGION: optionalText,
});

type SlackSource = AlertConfig['slack'];

/** Secrets Manager wins over SSM over the literal URL; null when none is set. */
function slackSourceOf(parsed: { SLACK_WEBHOOK_SECRET_ARN?: string | undefined; SLACK_WEBHOOK_PARAMETER_NAME?: string | undefined; SLACK_WEBHOOK_URL?: string | undefined }): SlackSource {
  if (parsed.SLACK_WEBHOOK_SECRET_ARN !== undefined) return { secretArn: parsed.SLACK_WEBHOOK_SECRET_ARN };
  if (parsed.SLACK_WEBHOOK_PARAMETER_NAME !== undefined) return { parameterName: parsed.SLACK_WEBHOOK_PARAMETER_NAME };
  return parsed.SLACK_WEBHOOK_URL === undefined ? null : { url: parsed.SLACK_WEBHOOK_URL };
}

/** The Teams webhook source, with the same precedence as Slack's. */
function teamsSourceOf(parsed: { TEAMS_WEBHOOK_SECRET_ARN?: string | undefined; TEAMS_WEBHOOK_PARAMETER_NAME?: string | undefined; TEAMS_WEBHOOK_URL?: string | undefined }): SlackSource {
  return slackSourceOf({
    SLACK_WEBHOOK_SECRET_ARN: parsed.TEAMS_WEBHOOK_SECRET_ARN,
    SLACK_WEBHOOK_PARAMETER_NAME: parsed.TEAMS_WEBHOOK_PARAMETER_NAME,
    SLACK_WEBHOOK_URL: parsed.TEAMS_WEBHOOK_URL,
  });
}

/** Names of settings whose values are secrets: never echoed in an error. */
const SECRET_SETTINGS = new Set(['SLACK_WEBHOOK_URL', 'TEAMS_WEBHOOK_URL']);

/**
 * Validates `env` against a zod object schema of environment variables; the error names every
 * failing setting and why (and the offending value, unless the setting is a secret).
 */
export function parseEnvironment<S extends z.ZodMiniType>(schema: S, env: Record<string, string | undefined>, functionName: string): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '(environment)');
    const value = env[name];
    const shown = value === undefined || SECRET_SETTINGS.has(name) ? '' : ` (got ${JSON.stringify(value.slice(0, 80))})`;
    return `${name} ${issue.message}${shown}`;
  });
  throw new ConfigurationError(`Invalid configuration of the ${functionName} function: ${problems.join('; ')}`);
}

/**
 * Loads and validates the alert function's configuration. At least one channel (Slack or SNS)
 * must be configured; when several Slack sources are set, Secrets Manager wins over SSM over the
 * literal URL. Throws `ConfigurationError` naming the missing or invalid setting.
 */
export function loadAlertConfig(env: Record<string, string | undefined> = process.env): AlertConfig {
  const parsed = parseEnvironment(alertEnvironment, env, 'alert');
  const slack = slackSourceOf(parsed);
  const teams = teamsSourceOf(parsed);
  const topicArn = parsed.ALERT_TOPIC_ARN ?? null;
  const qDeveloperTopicArn = parsed.Q_DEVELOPER_TOPIC_ARN ?? null;
  if (slack === null && teams === null && topicArn === null && qDeveloperTopicArn === null) {
    throw new ConfigurationError(
      'Invalid configuration of the alert function: no alert channel; set SLACK_WEBHOOK_SECRET_ARN, SLACK_WEBHOOK_PARAMETER_NAME or SLACK_WEBHOOK_URL, TEAMS_WEBHOOK_SECRET_ARN, TEAMS_WEBHOOK_PARAMETER_NAME or TEAMS_WEBHOOK_URL, and/or ALERT_TOPIC_ARN or Q_DEVELOPER_TOPIC_ARN',
    );
  }
  return {
    tableName: parsed.TABLE_NAME,
    slack,
    teams,
    topicArn,
    qDeveloperTopicArn,
    suppressionWindowMinutes: parsed.SUPPRESSION_WINDOW_MINUTES ?? 60,
    locale: parsed.LOCALE ?? 'en',
    orgReadRoleArn: parsed.ORG_READ_ROLE_ARN ?? null,
    authoritative: parsed.AUTHORITATIVE_FIXES !== 'off',
  };
}

/** Settings of the replay function, validated once per cold start. */
export interface ReplayConfig {
  /** The alert store, for `store: true`; null when not set (storing is then skipped). */
  tableName: string | null;
  slack: SlackSource;
  teams: SlackSource;
  topicArn: string | null;
  qDeveloperTopicArn: string | null;
  /** Regions read when the payload names none: `REPLAY_REGIONS`, else the function's own Region. */
  defaultRegions: string[];
  /** Role assumed in member accounts; null: only the function's own account can be read. */
  roleName: string | null;
  /** Role that reads the SCPs in force (as for the alert function); null: fixes are unverified. */
  orgReadRoleArn: string | null;
  locale: Language;
  /** `AUTHORITATIVE_FIXES`, as for the alert function. */
  authoritative: boolean;
  /**
   * The Athena reader of `source: "athena"` (stack parameter `historyBucket`): workgroup, Glue
   * database and table, and the accounts read when a payload names none. Null when
   * `HISTORY_WORKGROUP` is not set.
   */
  history: { workGroup: string; database: string; table: string; accounts: string[] } | null;
}

/** Loads and validates the replay function's configuration; throws `ConfigurationError` naming the bad setting. */
export function loadReplayConfig(env: Record<string, string | undefined> = process.env): ReplayConfig {
  const parsed = parseEnvironment(replayEnvironment, env, 'replay');
  return {
    tableName: parsed.TABLE_NAME ?? null,
    slack: slackSourceOf(parsed),
    teams: teamsSourceOf(parsed),
    topicArn: parsed.ALERT_TOPIC_ARN ?? null,
    qDeveloperTopicArn: parsed.Q_DEVELOPER_TOPIC_ARN ?? null,
    defaultRegions: (parsed.REPLAY_REGIONS ?? parsed.AWS_REGION ?? '').split(',').map((region) => region.trim()).filter((region) => region !== ''),
    roleName: parsed.REPLAY_ROLE_NAME ?? null,
    orgReadRoleArn: parsed.ORG_READ_ROLE_ARN ?? null,
    locale: parsed.LOCALE ?? 'en',
    authoritative: parsed.AUTHORITATIVE_FIXES !== 'off',
    history:
      parsed.HISTORY_WORKGROUP === undefined
        ? null
        : {
            workGroup: parsed.HISTORY_WORKGROUP,
            database: parsed.HISTORY_DATABASE ?? 'cris_auditor_history',
            table: parsed.HISTORY_TABLE ?? 'cloudtrail',
            accounts: (parsed.HISTORY_ACCOUNTS ?? '').split(',').map((a) => a.trim()).filter((a) => a !== ''),
          },
  };
}

/**
 * Memoizes a loader so configuration is read and validated once per cold start; `reset()` forgets
 * it (tests). A failed load is not cached, so the error repeats on every invocation.
 */
export function oncePerColdStart<T>(load: () => T): { get: () => T; reset: () => void } {
  let value: { current: T } | null = null;
  return {
    get() {
      value ??= { current: load() };
      return value.current;
    },
    reset() {
      value = null;
    },
  };
}

/** Settings of the SCP-change guard function, validated once per cold start. */
export interface GuardConfig {
  tableName: string;
  slack: SlackSource;
  topicArn: string | null;
  locale: Language;
  /** Role that reads the organization (DescribePolicy of a policy the snapshot lacks); null: such changes are skipped, said why. */
  orgReadRoleArn: string | null;
  /** `GUARD_PROFILES`: `profile@region` pairs always treated as in use (profiles that never failed leave no finding). */
  profiles: { profile: string; sourceRegion: string }[];
  /** `GUARD_LOOKBACK_HOURS`: hours of stored findings that say which profiles are in use (default 168, 7 days). */
  lookbackHours: number;
}

const guardEnvironment = z.object({
  TABLE_NAME: z.string({ error: 'is required' }).check(z.trim(), z.minLength(1, 'is required')),
  SLACK_WEBHOOK_URL: channelEnvironment.SLACK_WEBHOOK_URL,
  SLACK_WEBHOOK_SECRET_ARN: channelEnvironment.SLACK_WEBHOOK_SECRET_ARN,
  SLACK_WEBHOOK_PARAMETER_NAME: channelEnvironment.SLACK_WEBHOOK_PARAMETER_NAME,
  ALERT_TOPIC_ARN: channelEnvironment.ALERT_TOPIC_ARN,
  LOCALE: channelEnvironment.LOCALE,
  ORG_READ_ROLE_ARN: optionalSetting(matching(ARN, 'must be an IAM role ARN')),
  GUARD_PROFILES: optionalText,
  GUARD_LOOKBACK_HOURS: optionalSetting(
    z.pipe(
      z.pipe(matching(/^\d+$/, 'must be a whole number of hours'), z.transform(Number)),
      z.number().check(z.minimum(1, 'must be at least 1'), z.maximum(840, 'must be at most 840 (35 days, the retention of stored findings)')),
    ),
  ),
});

/** Loads and validates the guard's configuration: Slack and/or SNS must be set. Throws `ConfigurationError` naming the bad setting. */
export function loadGuardConfig(env: Record<string, string | undefined> = process.env): GuardConfig {
  const parsed = parseEnvironment(guardEnvironment, env, 'guard');
  const slack = slackSourceOf(parsed);
  const topicArn = parsed.ALERT_TOPIC_ARN ?? null;
  if (slack === null && topicArn === null) {
    throw new ConfigurationError('Invalid configuration of the guard function: no alert channel; set SLACK_WEBHOOK_SECRET_ARN, SLACK_WEBHOOK_PARAMETER_NAME or SLACK_WEBHOOK_URL, and/or ALERT_TOPIC_ARN');
  }
  const profiles = parseRouteList(parsed.GUARD_PROFILES ?? '');
  if (!profiles.ok) throw new ConfigurationError(`Invalid configuration of the guard function: GUARD_PROFILES ${profiles.reason}`);
  return {
    tableName: parsed.TABLE_NAME,
    slack,
    topicArn,
    locale: parsed.LOCALE ?? 'en',
    orgReadRoleArn: parsed.ORG_READ_ROLE_ARN ?? null,
    profiles: profiles.value,
    lookbackHours: parsed.GUARD_LOOKBACK_HOURS ?? 168,
  };
}

/** Settings of the daily organization refresh. */
export interface OrgRefreshConfig {
  tableName: string;
  /** The role that reads the organization tree (infra/org-read-role.yml). */
  orgReadRoleArn: string;
}

const orgRefreshEnvironment = z.object({
  TABLE_NAME: z.string({ error: 'is required' }).check(z.trim(), z.minLength(1, 'is required')),
  ORG_READ_ROLE_ARN: z.string({ error: 'is required (the role of infra/org-read-role.yml)' }).check(z.regex(ARN, 'must be an IAM role ARN')),
});

/** Loads and validates the refresh function's configuration. */
export function loadOrgRefreshConfig(env: Record<string, string | undefined> = process.env): OrgRefreshConfig {
  const parsed = parseEnvironment(orgRefreshEnvironment, env, 'refresh');
  return { tableName: parsed.TABLE_NAME, orgReadRoleArn: parsed.ORG_READ_ROLE_ARN };
}
