'use strict';
/**
 * Values of serverless.yml that depend on the stage's parameters in ways YAML cannot express:
 * - each function's environment, where an optional setting left empty is left OUT (the functions
 *   treat an absent variable as "not configured");
 * - the IAM statements of optional features (Slack secret, SSM parameter, SCP reader role, replay
 *   reader roles, SES identity): the statement when the parameter is set, else `AWS::NoValue`, so
 *   the template never carries an empty ARN (parameters are known when packaging, so a
 *   CloudFormation condition would only hide an invalid value in a dead branch);
 * - one SNS email subscription per address of `alertEmails` (a comma list).
 *
 * In the `local` stage (`invokeLocal: 'true'`) every value is a literal, so `osls invoke local`
 * never has to ask CloudFormation for a `Ref`. In deployed stages the names of resources created by
 * this stack are CloudFormation references.
 */

const { text, list } = require('./params.cjs');

const isLocal = async (resolveVariable) => (await text(resolveVariable, 'invokeLocal')) === 'true';

/** Puts `value` under `name` unless it is empty. */
const optional = (env, name, value) => {
  if (value !== '') env[name] = value;
};

async function common(resolveVariable) {
  const local = await isLocal(resolveVariable);
  return {
    local,
    env: {
      POWERTOOLS_SERVICE_NAME: 'cris-auditor',
      POWERTOOLS_LOG_LEVEL: (await text(resolveVariable, 'logLevel')) || 'INFO',
      LOCALE: (await text(resolveVariable, 'locale')) || 'en',
      TABLE_NAME: local ? await text(resolveVariable, 'localTableName') : { Ref: 'AuditTable' },
    },
  };
}

async function slack(resolveVariable, env) {
  // Slack and Microsoft Teams webhooks are configured the same way: a secret or an SSM parameter.
  for (const [param, prefix] of [['slack', 'SLACK'], ['teams', 'TEAMS']]) {
    optional(env, `${prefix}_WEBHOOK_SECRET_ARN`, await text(resolveVariable, `${param}SecretArn`));
    const parameterName = await text(resolveVariable, `${param}ParameterName`);
    if (parameterName !== '' && !parameterName.startsWith('/')) {
      throw new Error(`param ${param}ParameterName must be a full SSM path starting with "/", got "${parameterName}"`);
    }
    optional(env, `${prefix}_WEBHOOK_PARAMETER_NAME`, parameterName);
  }
}

/** `chatNotifications`: '' (off) or 'q-developer'. */
async function chatNotifications(resolveVariable) {
  const value = await text(resolveVariable, 'chatNotifications');
  if (value !== '' && value !== 'q-developer') throw new Error(`param chatNotifications must be q-developer or empty, got "${value}"`);
  return value;
}

/** The Q Developer topic for functions that publish to it, when `chatNotifications=q-developer`. */
async function qDeveloperTopic(resolveVariable, env, local) {
  if ((await chatNotifications(resolveVariable)) !== 'q-developer') return;
  env.Q_DEVELOPER_TOPIC_ARN = local ? 'arn:aws:sns:ap-northeast-1:000000000000:cris-auditor-local-chat' : { Ref: 'ChatNotificationTopic' };
}

/** `authoritativeFixes`: on (default) or off. */
async function authoritativeFixes(resolveVariable) {
  const value = (await text(resolveVariable, 'authoritativeFixes')) || 'on';
  if (value !== 'on' && value !== 'off') throw new Error(`param authoritativeFixes must be on or off, got "${value}"`);
  return value;
}

async function alertTopic(resolveVariable, local) {
  return local ? text(resolveVariable, 'localAlertTopicArn') : { Ref: 'AlertTopic' };
}

module.exports.alertEnvironment = async ({ resolveVariable }) => {
  const { local, env } = await common(resolveVariable);
  env.ALERT_TOPIC_ARN = await alertTopic(resolveVariable, local);
  env.SUPPRESSION_WINDOW_MINUTES = (await text(resolveVariable, 'suppressionWindowMinutes')) || '60';
  await slack(resolveVariable, env);
  await qDeveloperTopic(resolveVariable, env, local);
  optional(env, 'ORG_READ_ROLE_ARN', await text(resolveVariable, 'orgReadRoleArn'));
  // On by default (absent); only `off` is written.
  if ((await authoritativeFixes(resolveVariable)) === 'off') env.AUTHORITATIVE_FIXES = 'off';
  return env;
};

module.exports.digestEnvironment = async ({ resolveVariable }) => {
  const { local, env } = await common(resolveVariable);
  optional(env, 'DIGEST_RECIPIENTS', list(await text(resolveVariable, 'digestRecipients')).join(','));
  optional(env, 'DIGEST_SENDER', await text(resolveVariable, 'digestSender'));
  env.DIGEST_TIME_ZONE = (await text(resolveVariable, 'digestTimeZone')) || 'UTC';
  env.DIGEST_EMPTY_DAY = (await text(resolveVariable, 'digestEmptyDay')) || 'send';
  // The "will break" section counts the guard's pinned profiles as in use, as the guard does.
  optional(env, 'GUARD_PROFILES', list(await text(resolveVariable, 'guardProfiles')).join(','));
  if ((await text(resolveVariable, 'digestTopic')) === 'true') {
    env.DIGEST_TOPIC_ARN = local
      ? await text(resolveVariable, 'localDigestTopicArn')
      : { 'Fn::If': ['HasDigestTopic', { Ref: 'DigestTopic' }, { Ref: 'AWS::NoValue' }] };
  }
  await qDeveloperTopic(resolveVariable, env, local);
  return env;
};

module.exports.replayEnvironment = async ({ resolveVariable }) => {
  const { local, env } = await common(resolveVariable);
  const regions = list(await text(resolveVariable, 'replayRegions'));
  env.REPLAY_REGIONS = regions.length > 0 ? regions.join(',') : String(await resolveVariable('self:provider.region'));
  optional(env, 'REPLAY_ROLE_NAME', await text(resolveVariable, 'replayRoleName'));
  // Replay verifies SCP fixes against the policies in force, as the alert function does.
  optional(env, 'ORG_READ_ROLE_ARN', await text(resolveVariable, 'orgReadRoleArn'));
  if ((await authoritativeFixes(resolveVariable)) === 'off') env.AUTHORITATIVE_FIXES = 'off';
  // Replay sends alerts only when asked (`notify`), through the same channels as the alert function.
  env.ALERT_TOPIC_ARN = await alertTopic(resolveVariable, local);
  await slack(resolveVariable, env);
  // source: athena, when the stage sets historyBucket (infra/history.cjs).
  Object.assign(env, await require('./history.cjs').historyEnvironment(resolveVariable, local));
  await qDeveloperTopic(resolveVariable, env, local);
  return env;
};

/** The SCP-change guard: the alert channels (Slack, the alert topic), the org read role, the pinned profiles. */
module.exports.guardEnvironment = async ({ resolveVariable }) => {
  const { local, env } = await common(resolveVariable);
  env.ALERT_TOPIC_ARN = await alertTopic(resolveVariable, local);
  await slack(resolveVariable, env);
  // The guard posts to Slack and the alert topic only.
  delete env.TEAMS_WEBHOOK_SECRET_ARN;
  delete env.TEAMS_WEBHOOK_PARAMETER_NAME;
  optional(env, 'ORG_READ_ROLE_ARN', await text(resolveVariable, 'orgReadRoleArn'));
  optional(env, 'GUARD_PROFILES', list(await text(resolveVariable, 'guardProfiles')).join(','));
  return env;
};

/** The daily organization refresh: the table and the org read role. */
module.exports.refreshEnvironment = async ({ resolveVariable }) => {
  const { env } = await common(resolveVariable);
  optional(env, 'ORG_READ_ROLE_ARN', await text(resolveVariable, 'orgReadRoleArn'));
  return env;
};

/** One `AWS::SNS::Subscription` (protocol email) on the alert topic per address in `alertEmails`. */
module.exports.alertSubscriptions = async ({ resolveVariable }) => {
  const resources = {};
  list(await text(resolveVariable, 'alertEmails')).forEach((address, index) => {
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) {
      throw new Error(`param alertEmails holds "${address}", which is not an email address`);
    }
    resources[`AlertEmailSubscription${index + 1}`] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'AlertTopic' }, Protocol: 'email', Endpoint: address },
    };
  });
  return resources;
};

const NO_VALUE = { Ref: 'AWS::NoValue' };

/** `reservedConcurrency` of the alert function: a whole number, or `none` for no cap. */
module.exports.alertReservedConcurrency = async ({ resolveVariable }) => {
  const value = await text(resolveVariable, 'alertReservedConcurrency');
  if (value === '' || value === 'none') return NO_VALUE;
  if (!/^\d+$/.test(value)) throw new Error(`param alertReservedConcurrency must be a whole number or none, got "${value}"`);
  return Number(value);
};

/** Reads a webhook secret (`slack` or `teams`), by its exact ARN. */
const webhookSecretStatement = (param, sid) => async ({ resolveVariable }) => {
  const arn = await text(resolveVariable, `${param}SecretArn`);
  if (arn === '') return NO_VALUE;
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(arn)) {
    throw new Error(`param ${param}SecretArn must be a Secrets Manager secret ARN, got "${arn}"`);
  }
  return { Sid: sid, Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn };
};

/** Reads a webhook SecureString parameter (`slack` or `teams`), by its exact path. */
const webhookParameterStatement = (param, sid) => async ({ resolveVariable }) => {
  const name = await text(resolveVariable, `${param}ParameterName`);
  if (name === '') return NO_VALUE;
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: 'ssm:GetParameter',
    Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}` },
  };
};

module.exports.slackSecretStatement = webhookSecretStatement('slack', 'SlackWebhookSecret');
module.exports.slackParameterStatement = webhookParameterStatement('slack', 'SlackWebhookParameter');
module.exports.teamsSecretStatement = webhookSecretStatement('teams', 'TeamsWebhookSecret');
module.exports.teamsParameterStatement = webhookParameterStatement('teams', 'TeamsWebhookParameter');

/** Publishes to the Amazon Q Developer topic (alert, replay, digest), when `chatNotifications=q-developer`. */
module.exports.qDeveloperPublishStatement = async ({ resolveVariable }) => {
  if ((await chatNotifications(resolveVariable)) !== 'q-developer') return NO_VALUE;
  return { Sid: 'PublishChatNotifications', Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: 'ChatNotificationTopic' } };
};

/** Assumes the SCP reader role of infra/org-read-role.yml, by its exact ARN. */
module.exports.orgReadStatement = async ({ resolveVariable }) => {
  const arn = await text(resolveVariable, 'orgReadRoleArn');
  if (arn === '') return NO_VALUE;
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(arn)) throw new Error(`param orgReadRoleArn must be an IAM role ARN, got "${arn}"`);
  return { Sid: 'ReadServiceControlPolicies', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: arn };
};

/**
 * Reads IAM Access Troubleshooter's record of a denial (authorization ID in the message) and the
 * SCP documents as they were at request time. `Resource: '*'`: the Service Authorization
 * Reference entry for these preview actions (resource types) could not be confirmed; an
 * authorization ID is not an ARN. Absent when `authoritativeFixes` is off.
 */
module.exports.authoritativeStatement = async ({ resolveVariable }) => {
  if ((await authoritativeFixes(resolveVariable)) === 'off') return NO_VALUE;
  return {
    Sid: 'ReadAuthorizationDetails',
    Effect: 'Allow',
    Action: ['iam:GetRequestAuthorizationDetails', 'iam:GetRequestAuthorizationPolicy'],
    Resource: '*',
  };
};

/**
 * Assumes the reader role of infra/replay-reader-role.yml: in any account of the organization
 * (`aws:ResourceOrgID`), or, without an organization, in this account only.
 */
module.exports.replayReaderStatement = async ({ resolveVariable }) => {
  const roleName = await text(resolveVariable, 'replayRoleName');
  if (roleName === '') return NO_VALUE;
  const orgId = await text(resolveVariable, 'orgId');
  if (orgId === '') {
    return {
      Sid: 'AssumeReplayReaderInThisAccount',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${roleName}` },
    };
  }
  return {
    Sid: 'AssumeReplayReaderInOrganization',
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${roleName}` },
    Condition: { StringEquals: { 'aws:ResourceOrgID': orgId } },
  };
};

/** Sends email as the verified SES identity only. */
module.exports.sesStatement = async ({ resolveVariable }) => {
  const identity = await text(resolveVariable, 'sesIdentity');
  if (identity === '') return NO_VALUE;
  return {
    Sid: 'SendDigestEmail',
    Effect: 'Allow',
    Action: 'ses:SendEmail',
    Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:identity/${identity}` },
  };
};

/** The chat action function reads what replay reads (table, Regions, reader roles, SCP reader). */
module.exports.chatEnvironment = async ({ resolveVariable }) => {
  const { env } = await common(resolveVariable);
  const regions = list(await text(resolveVariable, 'replayRegions'));
  env.REPLAY_REGIONS = regions.length > 0 ? regions.join(',') : String(await resolveVariable('self:provider.region'));
  optional(env, 'REPLAY_ROLE_NAME', await text(resolveVariable, 'replayRoleName'));
  optional(env, 'ORG_READ_ROLE_ARN', await text(resolveVariable, 'orgReadRoleArn'));
  return env;
};

/**
 * The command an Amazon Q Developer action button runs: `lambda invoke` of the chat function with
 * a one-letter payload (see shared/core/chat/actions.ts). The API reference caps `CommandText` at
 * 100 characters (CreateCustomAction > CustomActionDefinition), so a stage or Region that makes it
 * longer fails packaging with the reason, instead of failing the deploy.
 * @see https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CustomActionDefinition.html
 */
const chatCommand = (payload) => async ({ resolveVariable }) => {
  const stage = String(await resolveVariable('sls:stage'));
  const region = String(await resolveVariable('self:provider.region'));
  const command = `lambda invoke --function-name cris-${stage}-chat --region ${region} --payload ${payload}`;
  if (command.length > 100) {
    throw new Error(`the Q Developer action command "${command}" has ${command.length} characters; Q Developer allows 100: use a shorter stage name`);
  }
  return command;
};
module.exports.chatReplayCommand = chatCommand('{"r":"$accountId"}');
module.exports.chatExplainCommand = chatCommand('{"e":"$fingerprint"}');

/** Button labels in the stack's language (ButtonText: at most 50 characters). */
module.exports.chatButtons = async ({ resolveVariable }) => {
  const ja = (await text(resolveVariable, 'locale')) === 'ja';
  return ja
    ? { replay: 'このアカウントの 24 時間を再監査', explain: '適用中の SCP で再説明' }
    : { replay: 'Replay 24 h for this account', explain: 'Explain again with the SCPs in force' };
};

/**
 * The Q Developer channel configurations (Slack and/or Microsoft Teams) for the chat-client IDs
 * given as parameters, with `chatNotifications=q-developer`: each maps the chat topic, runs as the
 * least-privilege channel role under the same guardrail, and carries the two action buttons. A
 * half-filled set of IDs fails packaging with the reason; no IDs, no resource (the channel can then
 * be configured in the console with the same role and topic).
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-chatbot-slackchannelconfiguration.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-chatbot-microsoftteamschannelconfiguration.html
 */
module.exports.chatChannelConfigurations = async ({ resolveVariable }) => {
  const ids = {};
  for (const name of ['qDeveloperSlackWorkspaceId', 'qDeveloperSlackChannelId', 'qDeveloperTeamsTenantId', 'qDeveloperTeamsTeamId', 'qDeveloperTeamsChannelId']) {
    ids[name] = await text(resolveVariable, name);
  }
  const slack = ids.qDeveloperSlackWorkspaceId !== '' || ids.qDeveloperSlackChannelId !== '';
  if (slack && (!/^[0-9A-Z]{1,255}$/.test(ids.qDeveloperSlackWorkspaceId) || !/^[A-Za-z0-9]+$/.test(ids.qDeveloperSlackChannelId))) {
    throw new Error('params qDeveloperSlackWorkspaceId (T…) and qDeveloperSlackChannelId (C…) must both be set, as the Q Developer console shows them');
  }
  const teams = ids.qDeveloperTeamsTenantId !== '' || ids.qDeveloperTeamsTeamId !== '' || ids.qDeveloperTeamsChannelId !== '';
  if (teams && (ids.qDeveloperTeamsTenantId === '' || ids.qDeveloperTeamsTeamId === '' || !/%3[aA].*%40/.test(ids.qDeveloperTeamsChannelId))) {
    throw new Error('params qDeveloperTeamsTenantId, qDeveloperTeamsTeamId and qDeveloperTeamsChannelId (19%3a…%40thread.tacv2) must all be set');
  }
  if ((slack || teams) && (await chatNotifications(resolveVariable)) !== 'q-developer') {
    throw new Error('the qDeveloper* channel parameters need chatNotifications=q-developer');
  }
  const name = `cris-auditor-${String(await resolveVariable('sls:stage'))}`;
  const common = {
    IamRoleArn: { 'Fn::GetAtt': ['ChatChannelRole', 'Arn'] },
    GuardrailPolicies: [{ Ref: 'ChatGuardrailPolicy' }],
    SnsTopicArns: [{ Ref: 'ChatNotificationTopic' }],
    LoggingLevel: 'ERROR',
    CustomizationResourceArns: [{ 'Fn::GetAtt': ['ReplayAccountAction', 'CustomActionArn'] }, { 'Fn::GetAtt': ['ExplainAgainAction', 'CustomActionArn'] }],
  };
  const resources = {};
  if (slack) {
    resources.SlackChannelConfiguration = {
      Type: 'AWS::Chatbot::SlackChannelConfiguration',
      Condition: 'HasQDeveloper',
      Properties: { ConfigurationName: name, SlackWorkspaceId: ids.qDeveloperSlackWorkspaceId, SlackChannelId: ids.qDeveloperSlackChannelId, ...common },
    };
  }
  if (teams) {
    resources.TeamsChannelConfiguration = {
      Type: 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration',
      Condition: 'HasQDeveloper',
      Properties: {
        ConfigurationName: `${name}-teams`,
        TeamsTenantId: ids.qDeveloperTeamsTenantId,
        TeamId: ids.qDeveloperTeamsTeamId,
        TeamsChannelId: ids.qDeveloperTeamsChannelId,
        ...common,
      },
    };
  }
  return resources;
};
