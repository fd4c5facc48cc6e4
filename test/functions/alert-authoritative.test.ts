import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAlertDependencies, createAlertHandler } from '../../functions/alert.js';
import type { LocalDynamoDb } from '../helpers/dynalite.js';
import { DYNAMODB_LOCAL_START_TIMEOUT_MS, startTransactionalDynamoDb } from '../helpers/dynamodb-local.js';
import { startIamToolboxServer, type IamToolboxServer } from '../helpers/iam-toolbox-server.js';
import { apacConverseDenial, AUTHORIZATION_ID, OU_ARN, REGION_DENY_URI } from '../helpers/iam-toolbox-records.js';
import { loadEvent } from '../helpers/load-event.js';
import { startOrganizationsServer } from '../helpers/organizations-server.js';
import { startSnsServer, type SnsServer } from '../helpers/sns-server.js';

// The deployed alert function on the authoritative path: the authorization ID is read from the
// CloudTrail message, IAM Toolbox answers from loopback, and nothing reads AWS Organizations.

const TOPIC_ARN = 'arn:aws:sns:ap-northeast-1:111122223333:cris-auditor-alerts';
type Sample = { id: string; detail: Record<string, unknown> & { eventID: string; errorMessage: string } };

const context = {
  functionName: 'cris-auditor-test-alert',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:111122223333:function:cris-auditor-test-alert',
  memoryLimitInMB: '256',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

let db: LocalDynamoDb;
let sns: SnsServer;
let toolbox: IamToolboxServer;
let tableName: string;
let counter = 0;
let clock = Date.now();

/** The apac sample as AWS now words it: the SCP ARN, then the console link and the authorization ID. */
function eventWithAuthorizationId(eventId: string, id = AUTHORIZATION_ID): Sample {
  const event = loadEvent<Sample>('eventbridge/cross-region-scp-apac-converse.json');
  event.detail.eventID = eventId;
  const message = event.detail.errorMessage.replace(/arn:aws:organizations::\S+$/, REGION_DENY_URI);
  event.detail.errorMessage = `${message}. Go to https://ap-northeast-1.console.aws.amazon.com/iam/home?region=ap-northeast-1#/authorization-details/${id} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: ${id}`;
  return event;
}

function logLines(...spies: { mock: { calls: unknown[][] } }[]): Record<string, unknown>[] {
  return spies
    .flatMap((spy) => spy.mock.calls.map((call) => String(call[0])))
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  db = await startTransactionalDynamoDb();
  sns = await startSnsServer();
  toolbox = await startIamToolboxServer({ callers: [{ accessKeyId: 'test', secretAccessKey: 'test', accountId: '444455556666' }], now: () => clock });
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all([db.stop(), sns.stop(), toolbox.close()]);
});
beforeEach(async () => {
  counter += 1;
  tableName = `authoritative-${counter}`;
  await db.createTable(tableName);
  clock = Date.now();
  toolbox.authorizations.clear();
  toolbox.authorizations.set(AUTHORIZATION_ID, apacConverseDenial({ expiresAt: clock + 24 * 3600_000 }));
  toolbox.requests.length = 0;
  sns.published.length = 0;
  vi.stubEnv('TABLE_NAME', tableName);
  vi.stubEnv('ALERT_TOPIC_ARN', TOPIC_ARN);
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.endpoint);
  vi.stubEnv('AWS_ENDPOINT_URL_IAM_TOOLBOX', toolbox.url);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('alert function, authoritative path', () => {
  it('verifies the fix against the SCPs IAM recorded for the request, with no Organizations read role', async () => {
    const handler = createAlertHandler(() => buildAlertDependencies());

    const outcome = await handler(eventWithAuthorizationId('evt-authoritative'), context);

    expect(outcome.outcome).toBe('sent');
    const finding = outcome.outcome === 'sent' ? outcome.finding : null;
    expect(finding?.authorizationId).toBe(AUTHORIZATION_ID);
    expect(finding?.authoritative).toEqual({
      status: 'used',
      authorizationId: AUTHORIZATION_ID,
      region: 'ap-northeast-1',
      policies: [{ uri: REGION_DENY_URI, deniedBy: ['DenyOutsideTokyoOsaka'], attachedTo: [{ arn: OU_ARN, kind: 'ou' }] }],
    });
    expect(finding?.fix?.verification.status).toBe('verified');
    expect(finding?.fix?.scp).toMatchObject({ policyArn: REGION_DENY_URI, statement: { sid: 'DenyOutsideTokyoOsaka', index: 0 } });
    expect(finding?.fix?.notes?.at(-1)).toMatch(/^Verified against the SCPs as they were at request time, from IAM Access Troubleshooter/);
    expect(toolbox.requests.map((r) => r.operation)).toEqual([
      'GetRequestAuthorizationDetails', 'GetRequestAuthorizationDetails', 'GetRequestAuthorizationDetails',
      'GetRequestAuthorizationPolicy', 'GetRequestAuthorizationPolicy',
    ]);
    expect(sns.published).toHaveLength(1);
  });

  it('falls back to the Organizations read role when the details have expired, and logs why', async () => {
    clock += 25 * 3600_000;
    const organizations = await startOrganizationsServer({
      managementAccountId: '999988887777',
      organizationId: 'o-a1b2c3d4e5',
      parents: { '111122223333': 'r-ab12' },
      attachments: { 'r-ab12': ['p-FullAWSAccess', 'p-tokyoosaka1'], '111122223333': ['p-FullAWSAccess'] },
      policies: [
        { Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', AwsManaged: true, Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) },
        { Id: 'p-tokyoosaka1', Name: 'region-deny', Content: JSON.stringify(apacConverseDenial().documents[REGION_DENY_URI]) },
      ],
    });
    vi.stubEnv('ORG_READ_ROLE_ARN', 'arn:aws:iam::999988887777:role/cris-auditor-org-read');
    vi.stubEnv('AWS_ENDPOINT_URL_ORGANIZATIONS', organizations.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', organizations.endpoint);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const handler = createAlertHandler(() => buildAlertDependencies());

    const outcome = await handler(eventWithAuthorizationId('evt-expired'), context).finally(() => organizations.close());

    const finding = outcome.outcome === 'sent' ? outcome.finding : null;
    expect(finding?.authoritative).toMatchObject({ status: 'not-used', reason: 'expired-or-unknown', authorizationId: AUTHORIZATION_ID });
    expect(finding?.fix?.verification.status).toBe('verified');
    expect(finding?.fix?.scp?.policyName).toBe('region-deny');
    expect(finding?.fix?.notes?.at(-1)).toBe(
      'IAM Access Troubleshooter was not used (the authorization ID is unknown or its details have expired (AWS keeps them at least 24 hours)). The fix uses the SCPs read from AWS Organizations instead.',
    );
    const warning = logLines(stdout, stderr).find((line) => line['message'] === 'IAM Access Troubleshooter not used; falling back');
    expect(warning).toMatchObject({ level: 'WARN', reason: 'expired-or-unknown', authorizationId: AUTHORIZATION_ID, eventId: 'evt-expired' });
  });

  it('leaves the fix unverified, saying why, when IAM Toolbox is not reachable and no role is set', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_IAM_TOOLBOX', 'http://127.0.0.1:1');
    const handler = createAlertHandler(() => buildAlertDependencies());

    const outcome = await handler(eventWithAuthorizationId('evt-unreachable'), context);

    const finding = outcome.outcome === 'sent' ? outcome.finding : null;
    expect(finding?.authoritative).toMatchObject({ status: 'not-used', reason: 'preview-unavailable' });
    expect(finding?.fix?.verification.status).toBe('unverified');
    expect(finding?.fix?.notes?.at(-1)).toBe('IAM Access Troubleshooter was not used (IAM Toolbox (preview) could not be reached). Without the SCPs in force the fix is not verified.');
  });

  it('never calls IAM Toolbox with AUTHORITATIVE_FIXES=off', async () => {
    vi.stubEnv('AUTHORITATIVE_FIXES', 'off');
    const handler = createAlertHandler(() => buildAlertDependencies());

    const outcome = await handler(eventWithAuthorizationId('evt-off'), context);

    const finding = outcome.outcome === 'sent' ? outcome.finding : null;
    expect(finding?.authoritative).toBeUndefined();
    expect(finding?.fix?.verification.status).toBe('unverified');
    expect(toolbox.requests).toEqual([]);
  });
});
