import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake Slack webhook received, exactly as it arrived. */
export interface SlackRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `Date.now()` when the request ended. */
  receivedAt: number;
  /** The status the fake answered with. */
  status: number;
}

/** One scripted answer: status, headers, body text (Slack answers `ok` or an error code). */
export interface SlackAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A loopback stand-in for a Slack incoming webhook. */
export interface SlackServer {
  /** The webhook URL (a secret-looking path, to prove it never reaches logs). */
  url: string;
  /** Every request received, in order. */
  requests: SlackRequest[];
  /** Requests answered 2xx, with their bodies parsed (the messages Slack would have shown). */
  delivered(): Array<{ text: string; blocks: Array<Record<string, unknown>> }>;
  /** Queues answers for the next requests; once the queue is empty, answers 200 `ok`. */
  answer(...answers: SlackAnswer[]): void;
  /** Forgets recorded requests and queued answers (between tests). */
  reset(): void;
  stop(): Promise<void>;
}

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
export async function startSlackServer(): Promise<SlackServer> {
  const requests: SlackRequest[] = [];
  const queue: SlackAnswer[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const violation = request.url === SLACK_SECRET_PATH ? blockKitViolation(body) : null;
      const answer =
        request.url !== SLACK_SECRET_PATH
          ? { status: 404, body: 'no_service' }
          : (queue.shift() ?? (violation === null ? { status: 200, body: 'ok' } : { status: 400, body: violation }));
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body,
        receivedAt: Date.now(),
        status: answer.status,
      });
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.body ?? (answer.status === 200 ? 'ok' : 'error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${SLACK_SECRET_PATH}`,
    requests,
    delivered() {
      return requests
        .filter((request) => request.status < 300)
        .map((request) => JSON.parse(request.body) as { text: string; blocks: Array<Record<string, unknown>> });
    },
    answer(...answers) {
      queue.push(...answers);
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
    },
    stop() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
