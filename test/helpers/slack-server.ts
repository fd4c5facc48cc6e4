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
      const answer = request.url === SLACK_SECRET_PATH ? (queue.shift() ?? { status: 200, body: 'ok' }) : { status: 404, body: 'no_service' };
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
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
