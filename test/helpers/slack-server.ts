import { startWebhookServer, type WebhookAnswer, type WebhookRequest, type WebhookServer } from './webhook-server.js';

/** One request the fake Slack webhook received, exactly as it arrived (`receivedAt`: `Date.now()` when it ended). */
export type SlackRequest = WebhookRequest;

/** One scripted answer: status, headers, body text (Slack answers `ok` or an error code). */
export type SlackAnswer = WebhookAnswer;

/**
 * A loopback stand-in for a Slack incoming webhook (the shared `webhook-server.ts` with Slack's
 * rules): `requests` holds every request; `delivered()` the messages answered 2xx, parsed (what
 * Slack would have shown); `answer()` queues answers, then 200 `ok`.
 */
export type SlackServer = WebhookServer<{ text: string; blocks: Array<Record<string, unknown>> }>;

/**
 * Block Kit limits Slack enforces on a posted message; a message over any of them is refused
 * with HTTP 400 `invalid_blocks` (an unparsable body with `invalid_payload`, no content with
 * `no_text`).
 * @see https://api.slack.com/reference/block-kit/blocks
 * @see https://api.slack.com/messaging/webhooks#handling_errors
 */
export const BLOCK_KIT_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, fields: 10, fieldText: 2000, contextElements: 10 } as const;

type Json = Record<string, unknown>;

const textOf = (value: unknown): string | null => (typeof value === 'object' && value !== null && typeof (value as Json)['text'] === 'string' ? ((value as Json)['text'] as string) : null);

/** Why Slack would refuse this body, or null when it would post it. */
export function blockKitViolation(body: string): string | null {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return 'invalid_payload';
  }
  if (typeof message !== 'object' || message === null) return 'invalid_payload';
  const { text, blocks } = message as { text?: unknown; blocks?: unknown };
  if (blocks === undefined) return typeof text === 'string' && text.length > 0 ? null : 'no_text';
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > BLOCK_KIT_LIMITS.blocks) return 'invalid_blocks';
  for (const block of blocks as Json[]) {
    const type = block['type'];
    if (type === 'header') {
      const header = textOf(block['text']);
      if (header === null || header.length === 0 || header.length > BLOCK_KIT_LIMITS.headerText || (block['text'] as Json)['type'] !== 'plain_text') return 'invalid_blocks';
    } else if (type === 'section') {
      const sectionText = block['text'] === undefined ? null : textOf(block['text']);
      const fields = block['fields'];
      if (sectionText === null && !Array.isArray(fields)) return 'invalid_blocks';
      if (sectionText !== null && (sectionText.length === 0 || sectionText.length > BLOCK_KIT_LIMITS.sectionText)) return 'invalid_blocks';
      if (Array.isArray(fields)) {
        if (fields.length > BLOCK_KIT_LIMITS.fields) return 'invalid_blocks';
        for (const field of fields) {
          const fieldText = textOf(field);
          if (fieldText === null || fieldText.length === 0 || fieldText.length > BLOCK_KIT_LIMITS.fieldText) return 'invalid_blocks';
        }
      }
    } else if (type === 'context') {
      const elements = block['elements'];
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > BLOCK_KIT_LIMITS.contextElements) return 'invalid_blocks';
    } else if (type !== 'divider') {
      return 'invalid_blocks';
    }
  }
  return null;
}

/** The path part of {@link SlackServer.url}: looks like a real webhook secret. */
export const SLACK_SECRET_PATH = '/services/T0SECRET/B0SECRET/secretTOKENvalue123';

/** Starts the fake webhook on 127.0.0.1 and a free port. */
export function startSlackServer(): Promise<SlackServer> {
  return startWebhookServer({
    secretPath: SLACK_SECRET_PATH,
    notFound: { status: 404, body: 'no_service' },
    contentType: 'text/plain',
    judge({ body }) {
      const violation = blockKitViolation(body);
      return violation === null ? { answer: { status: 200, body: 'ok' }, problem: null } : { answer: { status: 400, body: violation }, problem: violation };
    },
    posted: (status) => status < 300,
    defaultBody: (status) => (status === 200 ? 'ok' : 'error'),
  });
}
