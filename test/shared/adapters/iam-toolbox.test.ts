import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { configuredIamToolboxEndpoint, createIamToolboxSource, regionalIamToolboxEndpoint } from '../../../shared/adapters/iam-toolbox.js';
import { startIamToolboxServer, type IamToolboxServer, type KnownCaller } from '../../helpers/iam-toolbox-server.js';
import { apacConverseDenial, AUTHORIZATION_ID, FULL_AWS_ACCESS_URI, MEMBER, REGION_DENY_URI, regionDenyDocument } from '../../helpers/iam-toolbox-records.js';

const AUDIT: KnownCaller = { accessKeyId: 'AKIAAUDITEXAMPLE', secretAccessKey: 'audit-secret-example', accountId: '444455556666' };
const OUTSIDER: KnownCaller = { accessKeyId: 'AKIAOUTSIDEREXAMPLE', secretAccessKey: 'outsider-secret', accountId: '777788889999' };
const NO_POLICY: KnownCaller = { accessKeyId: 'AKIANOPOLICYEXAMPLE', secretAccessKey: 'no-policy-secret', accountId: MEMBER, denied: ['iam:GetRequestAuthorizationPolicy'] };
const NO_DETAILS: KnownCaller = { accessKeyId: 'AKIANODETAILSEXAMPLE', secretAccessKey: 'no-details-secret', accountId: MEMBER, denied: ['iam:GetRequestAuthorizationDetails'] };

let clock = Date.parse('2026-11-28T02:00:00Z');
let server: IamToolboxServer;

function source(caller: KnownCaller = AUDIT, extra: Parameters<typeof createIamToolboxSource>[0] = {}) {
  const waits: number[] = [];
  const created = createIamToolboxSource({
    endpoint: server.url,
    credentials: async () => ({ accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey }),
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...extra,
  });
  return { source: created, waits };
}

beforeAll(async () => {
  server = await startIamToolboxServer({ callers: [AUDIT, OUTSIDER, NO_POLICY, NO_DETAILS], now: () => clock, regions: ['ap-northeast-1', 'ap-southeast-1'] });
});
afterAll(() => server.close());
beforeEach(() => {
  clock = Date.parse('2026-11-28T02:00:00Z');
  server.authorizations.clear();
  server.authorizations.set(AUTHORIZATION_ID, apacConverseDenial());
  server.faults.length = 0;
  server.requests.length = 0;
});

describe('GetRequestAuthorizationDetails', () => {
  it('reads every page of evaluations, signed for iam in the Region asked, and merges the policies once each', async () => {
    const { source: toolbox } = source();
    const answer = await toolbox.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    expect(answer.value.evaluations.map((e) => e.evaluatedEffect)).toEqual(['ALLOW', 'EXPLICIT_DENY', 'ALLOW']);
    expect(answer.value.policies.map((p) => p.uri)).toEqual([expect.stringContaining('app-chatbot-bedrock'), FULL_AWS_ACCESS_URI, REGION_DENY_URI]);
    expect(answer.value.policies[1]?.attachedTo).toHaveLength(3);
    expect(answer.value.requestContext['aws:PrincipalOrgID']).toBe('o-a1b2c3d4e5');
    expect(server.requests.map((r) => [r.operation, r.region, r.query['nextToken'] === undefined ? 'first' : 'next'])).toEqual([
      ['GetRequestAuthorizationDetails', 'ap-northeast-1', 'first'],
      ['GetRequestAuthorizationDetails', 'ap-northeast-1', 'next'],
      ['GetRequestAuthorizationDetails', 'ap-northeast-1', 'next'],
    ]);
  });

  it('merges pages when only the first page carries the policies', async () => {
    const only = await startIamToolboxServer({ callers: [AUDIT], now: () => clock, policiesOnEveryPage: false, pageSize: 2 });
    only.authorizations.set(AUTHORIZATION_ID, apacConverseDenial());
    const toolbox = createIamToolboxSource({ endpoint: only.url, credentials: async () => AUDIT });
    const answer = await toolbox.details(AUTHORIZATION_ID, 'ap-northeast-1');
    await only.close();
    expect(answer.ok && answer.value.policies.length).toBe(3);
    expect(answer.ok && answer.value.evaluations.length).toBe(3);
    expect(only.requests).toHaveLength(2);
  });

  it('answers not-found for an ID asked in another Region than the denial', async () => {
    const answer = await source().source.details(AUTHORIZATION_ID, 'ap-southeast-1');
    expect(answer).toEqual({ ok: false, reason: { kind: 'not-found', detail: expect.stringContaining('404 ResourceNotFoundException') } });
  });

  it('answers not-found once the retention has passed (virtual clock)', async () => {
    clock = Date.parse('2026-11-29T01:01:08Z');
    const answer = await source().source.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(!answer.ok && answer.reason.kind).toBe('not-found');
  });

  it('answers not-found to a caller outside the recorded organization', async () => {
    const answer = await source(OUTSIDER).source.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(!answer.ok && answer.reason.kind).toBe('not-found');
  });

  it('answers validation for an ID outside the documented pattern, without retrying', async () => {
    const { source: toolbox, waits } = source();
    const answer = await toolbox.details('EXAMPLE1a2b3c4d5e', 'ap-northeast-1');
    expect(!answer.ok && answer.reason).toEqual({ kind: 'validation', detail: expect.stringContaining('ValidationException') });
    expect(waits).toEqual([]);
  });

  it('answers access-denied without iam:GetRequestAuthorizationDetails', async () => {
    const answer = await source(NO_DETAILS).source.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(!answer.ok && answer.reason).toEqual({ kind: 'access-denied', detail: expect.stringContaining('iam:GetRequestAuthorizationDetails') });
  });

  it('answers access-denied when the signature does not match (wrong secret)', async () => {
    const toolbox = createIamToolboxSource({ endpoint: server.url, credentials: async () => ({ accessKeyId: AUDIT.accessKeyId, secretAccessKey: 'wrong' }) });
    const answer = await toolbox.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(!answer.ok && answer.reason).toEqual({ kind: 'access-denied', detail: expect.stringContaining('InvalidSignatureException') });
  });

  it('answers unavailable where the preview is not served (UnknownOperationException)', async () => {
    const answer = await source().source.details(AUTHORIZATION_ID, 'eu-west-1');
    expect(!answer.ok && answer.reason).toEqual({ kind: 'unavailable', detail: expect.stringContaining('UnknownOperationException') });
  });

  it('answers unavailable when nothing listens at the endpoint', async () => {
    const closed = await startIamToolboxServer({ callers: [AUDIT] });
    await closed.close();
    const toolbox = createIamToolboxSource({ endpoint: closed.url, credentials: async () => AUDIT });
    const answer = await toolbox.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(!answer.ok && answer.reason.kind).toBe('unavailable');
  });

  it('retries throttling and server errors with backoff on the injected clock, then succeeds', async () => {
    server.faults.push({ status: 429, type: 'ThrottlingException' }, { status: 500, type: 'InternalServerException' });
    const { source: toolbox, waits } = source();
    const answer = await toolbox.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(answer.ok).toBe(true);
    expect(waits).toEqual([200, 400]);
  });

  it('gives up as unavailable after the last attempt', async () => {
    server.faults.push(...Array.from({ length: 3 }, () => ({ status: 503, type: 'ServiceUnavailableException' })));
    const { source: toolbox, waits } = source();
    const answer = await toolbox.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(!answer.ok && answer.reason.kind).toBe('unavailable');
    expect(waits).toHaveLength(2);
  });

  it('answers unavailable when the connection drops, not a crash', async () => {
    server.faults.push({ status: 0, type: '', drop: true });
    const answer = await source().source.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(!answer.ok && answer.reason.kind).toBe('unavailable');
  });

  it('refuses an answer that lacks the documented members as invalid-response', async () => {
    server.authorizations.set(AUTHORIZATION_ID, apacConverseDenial({ policies: 'none' as unknown as unknown[] }));
    const answer = await source().source.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(!answer.ok && answer.reason).toEqual({ kind: 'invalid-response', detail: expect.stringContaining('policies') });
  });

  it('signs with the default credential chain (environment credentials)', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', AUDIT.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', AUDIT.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    try {
      const toolbox = createIamToolboxSource({ endpoint: server.url });
      const answer = await toolbox.details(AUTHORIZATION_ID, 'ap-northeast-1');
      expect(answer.ok).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('GetRequestAuthorizationPolicy', () => {
  it('returns the policy document as it was at request time', async () => {
    const answer = await source().source.policy(AUTHORIZATION_ID, REGION_DENY_URI, 'ap-northeast-1');
    expect(answer.ok && JSON.parse(answer.value)).toEqual(regionDenyDocument());
    expect(server.requests[0]).toMatchObject({ operation: 'GetRequestAuthorizationPolicy', query: { policyUri: REGION_DENY_URI } });
  });

  it.each(['policy-string', 'policyDocument-string', 'bare'] as const)('reads the document whichever shape the answer takes (%s)', async (policyShape) => {
    const shaped = await startIamToolboxServer({ callers: [AUDIT], policyShape });
    shaped.authorizations.set(AUTHORIZATION_ID, apacConverseDenial({ expiresAt: Number.MAX_SAFE_INTEGER }));
    const answer = await createIamToolboxSource({ endpoint: shaped.url, credentials: async () => AUDIT }).policy(AUTHORIZATION_ID, REGION_DENY_URI, 'ap-northeast-1');
    await shaped.close();
    expect(answer.ok && JSON.parse(answer.value)).toEqual(regionDenyDocument());
  });

  it('answers access-denied without iam:GetRequestAuthorizationPolicy', async () => {
    const answer = await source(NO_POLICY).source.policy(AUTHORIZATION_ID, REGION_DENY_URI, 'ap-northeast-1');
    expect(!answer.ok && answer.reason.kind).toBe('access-denied');
  });

  it('answers not-found for a policy that was not evaluated', async () => {
    const answer = await source().source.policy(AUTHORIZATION_ID, 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-other', 'ap-northeast-1');
    expect(!answer.ok && answer.reason.kind).toBe('not-found');
  });
});

describe('endpoint', () => {
  it('is configured the SDK way for the service ID "IAM Toolbox"', () => {
    expect(configuredIamToolboxEndpoint({ AWS_ENDPOINT_URL_IAM_TOOLBOX: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://127.0.0.1:2' })).toBe('http://127.0.0.1:1');
    expect(configuredIamToolboxEndpoint({ AWS_ENDPOINT_URL: 'http://127.0.0.1:2' })).toBe('http://127.0.0.1:2');
    expect(configuredIamToolboxEndpoint({ AWS_ENDPOINT_URL_IAM_TOOLBOX: 'http://127.0.0.1:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBeNull();
    expect(regionalIamToolboxEndpoint('ap-northeast-1')).toBe('https://iam-toolbox.ap-northeast-1.amazonaws.com');
    expect(regionalIamToolboxEndpoint('cn-north-1')).toBe('https://iam-toolbox.cn-north-1.amazonaws.com.cn');
  });

  it('sends to AWS_ENDPOINT_URL_IAM_TOOLBOX when no endpoint is passed', async () => {
    const toolbox = createIamToolboxSource({ env: { AWS_ENDPOINT_URL_IAM_TOOLBOX: server.url }, credentials: async () => AUDIT });
    const answer = await toolbox.details(AUTHORIZATION_ID, 'ap-northeast-1');
    expect(answer.ok).toBe(true);
  });
});
