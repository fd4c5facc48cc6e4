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

const text = async (resolveVariable, name) => {
  const value = await resolveVariable(`param:${name}`);
  return value === undefined || value === null ? '' : String(value).trim();
};

const list = (value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

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
      NODE_OPTIONS: '--enable-source-maps',
    },
  };
}

async function slack(resolveVariable, env) {
  optional(env, 'SLACK_WEBHOOK_SECRET_ARN', await text(resolveVariable, 'slackSecretArn'));
  const parameterName = await text(resolveVariable, 'slackParameterName');
  if (parameterName !== '' && !parameterName.startsWith('/')) {
    throw new Error(`param slackParameterName must be a full SSM path starting with "/", got "${parameterName}"`);
  }
  optional(env, 'SLACK_WEBHOOK_PARAMETER_NAME', parameterName);
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
  if ((await text(resolveVariable, 'digestTopic')) === 'true') {
    env.DIGEST_TOPIC_ARN = local
      ? await text(resolveVariable, 'localDigestTopicArn')
      : { 'Fn::If': ['HasDigestTopic', { Ref: 'DigestTopic' }, { Ref: 'AWS::NoValue' }] };
  }
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

/** Reads the Slack webhook secret, by its exact ARN. */
module.exports.slackSecretStatement = async ({ resolveVariable }) => {
  const arn = await text(resolveVariable, 'slackSecretArn');
  if (arn === '') return NO_VALUE;
  if (!/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/.test(arn)) {
    throw new Error(`param slackSecretArn must be a Secrets Manager secret ARN, got "${arn}"`);
  }
  return { Sid: 'SlackWebhookSecret', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arn };
};

/** Reads the Slack webhook SecureString parameter, by its exact path. */
module.exports.slackParameterStatement = async ({ resolveVariable }) => {
  const name = await text(resolveVariable, 'slackParameterName');
  if (name === '') return NO_VALUE;
  return {
    Sid: 'SlackWebhookParameter',
    Effect: 'Allow',
    Action: 'ssm:GetParameter',
    Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}` },
  };
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
