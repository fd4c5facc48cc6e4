import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookUrlSource } from '../../../shared/adapters/webhook-secret.js';
import { ConfigurationError } from '../../../shared/core/errors.js';

/** A loopback AWS JSON 1.1 endpoint answering GetSecretValue and GetParameter from a map. */
let server: Server;
let endpoint: string;
const values = new Map<string, string>();
const calls: Array<{ target: string; body: Record<string, unknown> }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      calls.push({ target, body });
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'secretsmanager.GetSecretValue') {
        const id = String(body['SecretId']);
        response.end(JSON.stringify({ ARN: id, Name: 'slack', SecretString: values.get(id), VersionId: 'v1' }));
      } else if (target === 'AmazonSSM.GetParameter') {
        const name = String(body['Name']);
        response.end(JSON.stringify({ Parameter: { Name: name, Type: 'SecureString', Value: values.get(name), Version: 1 } }));
      } else {
        response.writeHead(400).end(JSON.stringify({ __type: 'UnknownOperationException' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  values.clear();
  calls.length = 0;
});

const SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:slack-AbCdEf';
const HOOK = 'https://hooks.slack.com/services/T000/B000/secretvalue';

function secretsProvider(): SecretsProvider {
  return new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient({ endpoint, region: 'ap-northeast-1' }) });
}

describe('createWebhookUrlSource', () => {
  it('reads the URL from Secrets Manager once and serves it from the cache afterwards', async () => {
    values.set(SECRET_ARN, HOOK);
    const source = createWebhookUrlSource({ secretArn: SECRET_ARN, secretsProvider: secretsProvider() });
    expect(await source()).toBe(HOOK);
    expect(await source()).toBe(HOOK);
    expect(calls).toEqual([{ target: 'secretsmanager.GetSecretValue', body: { SecretId: SECRET_ARN } }]);
  });

  it('accepts a key/value secret with a url key', async () => {
    values.set(SECRET_ARN, JSON.stringify({ url: HOOK }));
    expect(await createWebhookUrlSource({ secretArn: SECRET_ARN, secretsProvider: secretsProvider() })()).toBe(HOOK);
  });

  it('reads an SSM SecureString with decryption', async () => {
    values.set('/cris-auditor/slack', HOOK);
    const ssmProvider = new SSMProvider({ awsSdkV3Client: new SSMClient({ endpoint, region: 'ap-northeast-1' }) });
    expect(await createWebhookUrlSource({ parameterName: '/cris-auditor/slack', ssmProvider })()).toBe(HOOK);
    expect(calls[0]).toEqual({ target: 'AmazonSSM.GetParameter', body: { Name: '/cris-auditor/slack', WithDecryption: true } });
  });

  it('uses a literal URL locally without calling AWS', async () => {
    expect(await createWebhookUrlSource({ url: HOOK })()).toBe(HOOK);
    expect(calls).toHaveLength(0);
  });

  it('names the secret, not its value, when the value is not a URL', async () => {
    values.set(SECRET_ARN, 'not a url secretvalue');
    const error = await createWebhookUrlSource({ secretArn: SECRET_ARN, secretsProvider: secretsProvider() })().catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(`secret ${SECRET_ARN} does not hold a Slack webhook URL (expected a URL or {"url": "..."})`);
    expect((error as Error).message).not.toContain('secretvalue');
  });
});
