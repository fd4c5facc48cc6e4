import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackNotifier, createSlackWebhookSender } from '../../../shared/adapters/slack-webhook.js';
import { DeliveryError } from '../../../shared/core/errors.js';
import { crossRegionFinding } from '../core/render/findings.js';
import { startSlackServer, type SlackServer } from '../../helpers/slack-server.js';

const MESSAGE = { text: 'hello', blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: 'hello' } }] };
let slack: SlackServer;

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as Error;
}

beforeAll(async () => {
  slack = await startSlackServer();
});
afterAll(async () => {
  await slack.stop();
});
beforeEach(() => {
  slack.reset();
});

describe('the loopback Slack webhook', () => {
  it.each([
    ['51 blocks', { text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }],
    ['a section text of 3,001 characters', { text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a'.repeat(3001) } }] }],
    ['a header of 151 characters', { text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }],
    ['11 fields', { text: 'x', blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }] }],
  ])('refuses %s with 400 invalid_blocks, as Slack does, and the sender fails for good at once', async (_name, message) => {
    const error = await failureOf(createSlackWebhookSender({ webhookUrl: () => slack.url })(message as never));
    expect(error.message).toBe('Slack webhook rejected the message: HTTP 400 invalid_blocks');
    expect((error as DeliveryError).permanent).toBe(true);
    expect(slack.requests).toHaveLength(1);
  });

  it('accepts the largest message within every limit', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(150) } },
      ...Array.from({ length: 49 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3000) } })),
    ];
    await createSlackWebhookSender({ webhookUrl: () => slack.url })({ text: 'x', blocks } as never);
    expect(slack.delivered()).toHaveLength(1);
  });
});

describe('createSlackWebhookSender', () => {
  it('posts the message as JSON to the webhook', async () => {
    await createSlackWebhookSender({ webhookUrl: () => slack.url })(MESSAGE);
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]).toMatchObject({ method: 'POST', body: JSON.stringify(MESSAGE) });
    expect(slack.requests[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('backs off exponentially with jitter between retries of 5xx answers', async () => {
    // Prepare
    const waits: number[] = [];
    slack.answer({ status: 503 }, { status: 502 }, { status: 500 });
    const send = createSlackWebhookSender({
      webhookUrl: () => slack.url,
      retry: { baseDelayMs: 100, maxDelayMs: 250 },
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });

    // Act
    await send(MESSAGE);

    // Assess
    expect(waits).toEqual([50, 100, 125]);
    expect(slack.requests.map((request) => request.status)).toEqual([503, 502, 500, 200]);
  });

  it('waits the Retry-After of a 429 even when the backoff would be shorter (HTTP-date form too)', async () => {
    const waits: number[] = [];
    slack.answer({ status: 429, headers: { 'retry-after': '3' } }, { status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } });
    const send = createSlackWebhookSender({ webhookUrl: () => slack.url, random: () => 0, sleep: async (ms) => void waits.push(ms) });
    await send(MESSAGE);
    expect(waits[0]).toBe(3000);
    expect(waits[1]).toBeGreaterThan(500);
    expect(waits[1]).toBeLessThanOrEqual(2000);
  });

  it('fails at once on a 4xx other than 429, naming the status and Slack error code', async () => {
    slack.answer({ status: 400, body: 'invalid_payload' });
    const error = await failureOf(createSlackWebhookSender({ webhookUrl: () => slack.url })(MESSAGE));
    expect(error.message).toBe('Slack webhook rejected the message: HTTP 400 invalid_payload');
    expect(slack.requests).toHaveLength(1);
  });

  it('gives up after the bounded number of attempts', async () => {
    slack.answer(...Array.from({ length: 5 }, () => ({ status: 500, body: 'boom' })));
    const error = await failureOf(createSlackWebhookSender({ webhookUrl: () => slack.url, retry: { maxAttempts: 3 }, sleep: async () => undefined })(MESSAGE));
    expect(error.message).toBe('Slack webhook did not accept the message after retries: HTTP 500 boom');
    expect(slack.requests).toHaveLength(3);
  });

  it('gives up rather than wait past its total time budget', async () => {
    slack.answer({ status: 429, headers: { 'retry-after': '120' } });
    const error = await failureOf(createSlackWebhookSender({ webhookUrl: () => slack.url, retry: { totalTimeoutMs: 10_000 } })(MESSAGE));
    expect(error.message).toContain('next wait of 120000 ms exceeds the 10000 ms budget');
    expect(slack.requests).toHaveLength(1);
  });

  it('never puts the webhook URL in its error when the host is unreachable', async () => {
    const closed = await startSlackServer();
    await closed.stop();
    const error = await failureOf(createSlackWebhookSender({ webhookUrl: () => closed.url, retry: { maxAttempts: 2 }, sleep: async () => undefined })(MESSAGE));
    expect(error.message).toBe('Slack webhook did not accept the message after retries: network error (ECONNREFUSED)');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('secretTOKENvalue123');
  });
});

describe('createSlackNotifier', () => {
  it('renders the alert in the configured language and sends it', async () => {
    await createSlackNotifier({ webhookUrl: () => slack.url, lang: 'ja' }).notify({ finding: crossRegionFinding(), fingerprint: 'f'.repeat(32), repeats: 0 });
    expect(slack.delivered()[0]?.text).toBe('クロスリージョン推論がリージョン制限 SCP で拒否されました: 111122223333 ap-northeast-1 → ap-southeast-1');
  });
});
