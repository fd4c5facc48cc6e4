import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Readable } from 'node:stream';
import { runExplain } from '../../cli/explain.js';
import type { Finding } from '../../shared/core/types.js';
import { captureStream } from '../helpers/capture-stream.js';
import { startIamToolboxServer, type IamToolboxServer } from '../helpers/iam-toolbox-server.js';
import { apacConverseDenial, AUTHORIZATION_ID, DENIED_RESOURCE, REGION_DENY_URI } from '../helpers/iam-toolbox-records.js';

let toolbox: IamToolboxServer;
let clock = Date.now();

// What an app team pastes: botocore's wrapper around the message AWS now writes.
const pasted = (id: string) =>
  `An error occurred (AccessDeniedException) when calling the Converse operation: User: arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc12345def67890 is not authorized to perform: bedrock:InvokeModel on resource: ${DENIED_RESOURCE} with an explicit deny in a service control policy: ${REGION_DENY_URI}. Go to https://ap-northeast-1.console.aws.amazon.com/iam/home?region=ap-northeast-1#/authorization-details/${id} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: ${id}`;

async function explain(args: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runExplain(args, { stdout, stderr, stdin: Readable.from([]) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

beforeAll(async () => {
  toolbox = await startIamToolboxServer({ callers: [{ accessKeyId: 'AKIALAPTOPEXAMPLE', secretAccessKey: 'laptop-secret', accountId: '111122223333' }], now: () => clock });
});
afterAll(() => toolbox.close());
beforeEach(() => {
  clock = Date.now();
  toolbox.authorizations.clear();
  toolbox.authorizations.set(AUTHORIZATION_ID, apacConverseDenial({ expiresAt: clock + 3600_000 }));
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIALAPTOPEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'laptop-secret');
  vi.stubEnv('AWS_ENDPOINT_URL_IAM_TOOLBOX', toolbox.url);
});

describe('cris-audit explain --authoritative', () => {
  it('explains a pasted error with the fix verified against the SCPs at request time', async () => {
    const { code, stdout } = await explain(['--authoritative', '--region', 'ap-northeast-1', '--model', 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', '--json', pasted(AUTHORIZATION_ID)]).finally(() => vi.unstubAllEnvs());

    const finding = JSON.parse(stdout) as Finding;
    expect(code).toBe(0);
    expect(finding.authoritative).toMatchObject({ status: 'used', authorizationId: AUTHORIZATION_ID, region: 'ap-northeast-1' });
    expect(finding.fix?.verification.status).toBe('verified');
    expect(finding.fix?.scp?.statement.sid).toBe('DenyOutsideTokyoOsaka');
  });

  it('says on stderr and in the fix why it could not, and stays unverified', async () => {
    const { code, stdout, stderr } = await explain(['--authoritative', '--region', 'ap-northeast-1', '--model', 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', pasted('gone0000')]).finally(() => vi.unstubAllEnvs());

    expect(code).toBe(0);
    expect(stderr).toContain('cris-audit explain: IAM Access Troubleshooter not used: the authorization ID is unknown or its details have expired');
    expect(stdout).toContain('IAM Access Troubleshooter was not used');
  });
});
