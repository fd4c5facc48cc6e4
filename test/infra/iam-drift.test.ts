import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCfnYaml } from './cfn-yaml.js';
import { actionsOf, expand } from './iam-statements.js';
import { ROOT } from './package-stack.js';

// Keeps infra/iam.yml in step with the code: the AWS SDK commands each function can reach (through
// its relative imports) must be allowed by its role, and DynamoDB access must be exactly what the
// code uses. A new SDK call without its permission fails here, not after a deploy.

const SERVICE_OF_PACKAGE: Record<string, string> = {
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sesv2': 'ses',
  '@aws-sdk/client-cloudtrail': 'cloudtrail',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-organizations': 'organizations',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-bedrock': 'bedrock',
  '@aws-sdk/client-athena': 'athena',
};

// The document client's command names differ from the IAM actions they need.
const DOCUMENT_CLIENT_ACTIONS: Record<string, string> = {
  Get: 'GetItem', Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem', Query: 'Query', Scan: 'Scan',
};

// A transaction needs no action of its own: each of its items is authorized as the single-item
// operation (an Update as dynamodb:UpdateItem, a ConditionCheck as dynamodb:ConditionCheckItem),
// so the items a file's transactions carry are read from its `{ Update: … }` / `{ Put: … }` entries.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html
const TRANSACTION_COMMANDS = new Set(['TransactWrite', 'TransactWriteItems', 'TransactGet', 'TransactGetItems']);
const TRANSACTION_ITEM_ACTIONS: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem', Get: 'GetItem' };

// Statements that infra/stack-values.cjs (and infra/history.cjs) add when their parameter is set.
const OPTIONAL_STATEMENTS: Record<string, string | string[]> = {
  slackSecretStatement: 'secretsmanager:GetSecretValue',
  slackParameterStatement: 'ssm:GetParameter',
  teamsSecretStatement: 'secretsmanager:GetSecretValue',
  teamsParameterStatement: 'ssm:GetParameter',
  qDeveloperPublishStatement: 'sns:Publish',
  orgReadStatement: 'sts:AssumeRole',
  replayReaderStatement: 'sts:AssumeRole',
  sesStatement: 'ses:SendEmail',
  authoritativeStatement: ['iam:GetRequestAuthorizationDetails', 'iam:GetRequestAuthorizationPolicy'],
  historyAthenaStatement: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
  historyGlueStatement: ['glue:GetDatabase', 'glue:GetTable'],
  historyTrailReadStatement: 's3:GetObject',
  historyTrailListStatement: 's3:ListBucket',
  historyTrailLocationStatement: 's3:GetBucketLocation',
  historyResultsStatement: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
  historyResultsBucketStatement: ['s3:GetBucketLocation', 's3:ListBucket'],
  historyKmsStatement: 'kms:Decrypt',
};

/** Source files reachable from `entry` through relative imports. */
function closure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from\s+'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), (specifier ?? '').replace(/\.js$/, '.ts'));
      if (existsSync(target)) visit(target);
    }
  };
  visit(entry);
  return [...seen];
}

/** IAM actions of the SDK commands imported by `files`. */
function actionsNeeded(files: string[]): Set<string> {
  const actions = new Set<string>();
  for (const file of files) {
    for (const [, names, pkg] of readFileSync(file, 'utf8').matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'(@aws-sdk\/[^']+)'/g)) {
      const service = SERVICE_OF_PACKAGE[pkg ?? ''];
      if (!service) continue;
      for (const raw of (names ?? '').split(',')) {
        const name = raw.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0] ?? '';
        if (!name.endsWith('Command') || raw.trim().startsWith('type ')) continue;
        const operation = name.slice(0, -'Command'.length);
        if (service === 'dynamodb' && TRANSACTION_COMMANDS.has(operation)) {
          for (const [, kind] of readFileSync(file, 'utf8').matchAll(/\{\s*(Put|Update|Delete|ConditionCheck|Get)\s*[:}]/g)) actions.add(`dynamodb:${TRANSACTION_ITEM_ACTIONS[kind ?? '']}`);
          continue;
        }
        const action = pkg === '@aws-sdk/lib-dynamodb' ? (DOCUMENT_CLIENT_ACTIONS[operation] ?? operation) : operation;
        actions.add(`${service}:${action}`);
      }
    }
    // REST calls signed by hand (no SDK client yet) declare their IAM action next to the operation.
    for (const [, action] of readFileSync(file, 'utf8').matchAll(/iamAction:\s*'([a-z0-9-]+:[A-Za-z]+)'/g)) actions.add(action ?? '');
  }
  return actions;
}

// Calls made with credentials of a role assumed in another account: that role's template grants them.
const ASSUMED_ROLE_OF_SERVICE: Record<string, { file: string; role: string }> = {
  organizations: { file: 'org-read-role.yml', role: 'OrgReadRole' },
};

/** Every action a role can be granted (optional statements included). */
function actionsGranted(roleId: string, file = 'iam.yml'): Set<string> {
  const role = readCfnYaml(join(ROOT, 'infra', file)).Resources[roleId];
  const statements = (role?.Properties?.['Policies'] as { PolicyDocument: { Statement: unknown[] } }[])[0]?.PolicyDocument.Statement ?? [];
  const granted = new Set<string>();
  for (const statement of statements) {
    if (typeof statement === 'string') {
      const exported = /(?:stack-values|history)\.cjs\):(\w+)\}/.exec(statement)?.[1] ?? '';
      const actions = OPTIONAL_STATEMENTS[exported];
      if (!actions) throw new Error(`unknown optional statement ${statement} in ${roleId}`);
      for (const action of [actions].flat()) granted.add(action);
    } else {
      for (const branch of expand(statement)) for (const action of actionsOf(branch)) granted.add(String(action));
    }
  }
  return granted;
}

const FUNCTIONS = [
  { name: 'alert', role: 'AlertRole', file: 'iam.yml' },
  { name: 'digest', role: 'DigestRole', file: 'iam.yml' },
  { name: 'replay', role: 'ReplayRole', file: 'iam.yml' },
  { name: 'chat', role: 'ChatActionRole', file: 'chat.yml' },
  { name: 'guard', role: 'GuardRole', file: 'guard.yml' },
  { name: 'refresh', role: 'RefreshRole', file: 'guard.yml' },
].filter(({ name }) => existsSync(join(ROOT, 'functions', `${name}.ts`)));

describe('IAM follows the code', () => {
  it.each(FUNCTIONS)('$role allows every AWS call the $name function makes with its own credentials', ({ name, role, file }) => {
    const needed = [...actionsNeeded(closure(join(ROOT, 'functions', `${name}.ts`)))].filter(
      (action) => ASSUMED_ROLE_OF_SERVICE[action.split(':')[0] ?? ''] === undefined,
    );
    expect(needed.length).toBeGreaterThan(0);
    const granted = actionsGranted(role, file);
    expect(needed.filter((action) => !granted.has(action))).toEqual([]);
  });

  it.each(FUNCTIONS)('the roles it assumes allow the calls the $name function makes through them', ({ name }) => {
    const needed = [...actionsNeeded(closure(join(ROOT, 'functions', `${name}.ts`)))];
    const missing = needed.filter((action) => {
      const assumed = ASSUMED_ROLE_OF_SERVICE[action.split(':')[0] ?? ''];
      return assumed !== undefined && !actionsGranted(assumed.role, assumed.file).has(action);
    });
    expect(missing).toEqual([]);
  });

  it('lets the replay reader role in member accounts make the CloudTrail calls replay makes', () => {
    const needed = [...actionsNeeded(closure(join(ROOT, 'functions', 'replay.ts')))].filter((a) => a.startsWith('cloudtrail:'));
    const granted = actionsGranted('ReplayReaderRole', 'replay-reader-role.yml');
    expect(needed.length).toBeGreaterThan(0);
    expect(needed.filter((action) => !granted.has(action))).toEqual([]);
  });

  it.each(FUNCTIONS)('$role grants exactly the DynamoDB actions the $name function uses', ({ name, role, file }) => {
    const dynamo = (actions: Set<string>) => [...actions].filter((action) => action.startsWith('dynamodb:')).sort();
    expect(dynamo(actionsGranted(role, file))).toEqual(dynamo(actionsNeeded(closure(join(ROOT, 'functions', `${name}.ts`)))));
  });
});
