import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTeamsNotifier, createTeamsWebhookSender } from '../../../shared/adapters/teams-webhook.js';
import { DeliveryError } from '../../../shared/core/errors.js';
import { renderTeamsMessage, type TeamsMessage } from '../../../shared/core/render/teams.js';
import { crossRegionFinding } from '../core/render/findings.js';
import { TEAMS_MAX_BYTES, startTeamsServer, type TeamsServer } from '../../helpers/teams-server.js';

let teams: TeamsServer;
const MESSAGE: TeamsMessage = renderTeamsMessage({ finding: crossRegionFinding(), fingerprint: 'f'.repeat(32), repeats: 0, lang: 'en' });

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as Error;
}

beforeAll(async () => {
  teams = await startTeamsServer();
});
afterAll(async () => {
  await teams.stop();
});
beforeEach(() => {
  teams.reset();
});

describe('createTeamsWebhookSender', () => {
  it('posts the card as JSON and the webhook accepts it (202)', async () => {
    await createTeamsWebhookSender({ webhookUrl: () => teams.url })(MESSAGE);
    expect(teams.requests.map((request) => [request.status, request.problem])).toEqual([[202, null]]);
    expect(teams.requests[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(teams.delivered()[0]).toEqual(JSON.parse(JSON.stringify(MESSAGE)));
  });

  it('backs off exponentially with jitter between retries of 5xx answers', async () => {
    const waits: number[] = [];
    teams.answer({ status: 503 }, { status: 502 }, { status: 500 });
    const send = createTeamsWebhookSender({ webhookUrl: () => teams.url, retry: { baseDelayMs: 100, maxDelayMs: 250 }, random: () => 0.5, sleep: async (ms) => void waits.push(ms) });
    await send(MESSAGE);
    expect(waits).toEqual([50, 100, 125]);
    expect(teams.requests.map((request) => request.status)).toEqual([503, 502, 500, 202]);
  });

  it('waits the Retry-After of a 429 even when the backoff would be shorter', async () => {
    const waits: number[] = [];
    teams.answer({ status: 429, headers: { 'retry-after': '3' } });
    await createTeamsWebhookSender({ webhookUrl: () => teams.url, random: () => 0, sleep: async (ms) => void waits.push(ms) })(MESSAGE);
    expect(waits).toEqual([3000]);
    expect(teams.requests.map((request) => request.status)).toEqual([429, 202]);
  });

  it('is throttled by the webhook beyond four requests a second and still delivers every card', async () => {
    // Act: eight cards at once, with real waits (Retry-After: 1)
    const send = createTeamsWebhookSender({ webhookUrl: () => teams.url });
    await Promise.all(Array.from({ length: 8 }, () => send(MESSAGE)));

    // Assess
    expect(teams.delivered()).toHaveLength(8);
    expect(teams.requests.filter((request) => request.status === 429).length).toBeGreaterThan(0);
  });

  it('fails at once on a card Teams cannot read (400), naming the reason', async () => {
    const broken = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: { ...MESSAGE.attachments[0]?.content, version: '9.9' } }] } as unknown as TeamsMessage;
    const error = await failureOf(createTeamsWebhookSender({ webhookUrl: () => teams.url })(broken));
    expect(error.message).toMatch(/^Teams webhook rejected the message: HTTP 400 .*version must be one of 1\.0, 1\.1/);
    expect(teams.requests).toHaveLength(1);
  });

  it('fails at once on a message over 28 KB (413), without retrying', async () => {
    const huge = structuredClone(MESSAGE);
    huge.attachments[0]?.content.body.push({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'x'.repeat(TEAMS_MAX_BYTES) }] });
    const error = await failureOf(createTeamsWebhookSender({ webhookUrl: () => teams.url })(huge));
    expect(error.message).toMatch(/^Teams webhook rejected the message: HTTP 413 .*Request Entity too large/);
    // Permanent, as Slack's refusals are: the alert path records it instead of retrying the event.
    expect((error as DeliveryError).permanent).toBe(true);
    expect(teams.requests).toHaveLength(1);
  });

  it('gives up after the bounded number of attempts, and never puts the URL or its signature in the error', async () => {
    teams.answer(...Array.from({ length: 5 }, () => ({ status: 500, body: 'boom' })));
    const error = await failureOf(createTeamsWebhookSender({ webhookUrl: () => teams.url, retry: { maxAttempts: 3 }, sleep: async () => undefined })(MESSAGE));
    expect(error.message).toBe('Teams webhook did not accept the message after retries: HTTP 500 boom');
    expect(teams.requests).toHaveLength(3);
    expect(error.message).not.toContain('SECRETsignature');
  });

  it('names a network failure by its code only', async () => {
    const closed = await startTeamsServer();
    await closed.stop();
    const error = await failureOf(createTeamsWebhookSender({ webhookUrl: () => closed.url, retry: { maxAttempts: 2 }, sleep: async () => undefined })(MESSAGE));
    expect(error.message).toBe('Teams webhook did not accept the message after retries: network error (ECONNREFUSED)');
  });
});

describe('createTeamsNotifier', () => {
  it('renders the alert as a card in the configured language and posts it', async () => {
    await createTeamsNotifier({ webhookUrl: () => teams.url, lang: 'ja' }).notify({ finding: crossRegionFinding(), fingerprint: 'a'.repeat(32), repeats: 0 });
    const [card] = teams.delivered();
    expect(JSON.stringify(card)).toContain('クロスリージョン推論がリージョン制限 SCP で拒否されました');
  });
});
