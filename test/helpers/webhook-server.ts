import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';

/**
 * The loopback webhook both chat stand-ins share (`slack-server.ts`, `teams-server.ts`): one secret
 * path (anything else is the service's "not found"), scripted answers queued ahead of the service's
 * own judgement, every request recorded. Each service supplies only its rules: how it judges a body,
 * what it answers, which status means the message was posted.
 */

/** One request the fake webhook received, exactly as it arrived. */
export interface WebhookRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  bytes: number;
  receivedAt: number;
  status: number;
  /** Why the service refused the message (its own rules), else null. */
  problem: string | null;
}

/** One scripted answer. */
export interface WebhookAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** What each service defines. */
export interface WebhookRules {
  /** The path that is the webhook (a secret-looking one, to prove it never reaches logs). */
  secretPath: string;
  /** The answer to any other path. */
  notFound: WebhookAnswer;
  /** `content-type` of every answer. */
  contentType: string;
  /** The service's own answer to a request of the secret path that no scripted answer covers. */
  judge(request: { raw: Buffer; body: string; now: number; earlier: readonly WebhookRequest[] }): { answer: WebhookAnswer; problem: string | null };
  /** Whether an answer with this status means the message was posted. */
  posted(status: number): boolean;
  /** Body of an answer that names none. */
  defaultBody(status: number): string;
}

export interface WebhookServer<Delivered> {
  url: string;
  /** Every request received, in order. */
  requests: WebhookRequest[];
  /** The messages posted (answered as posted), parsed. */
  delivered(): Delivered[];
  /** Queues answers for the next requests to the webhook, ahead of the service's own judgement. */
  answer(...answers: WebhookAnswer[]): void;
  /** Forgets recorded requests and queued answers (between tests). */
  reset(): void;
  stop(): Promise<void>;
}

/** Starts a fake webhook with `rules` on 127.0.0.1 and a free port. */
export async function startWebhookServer<Delivered>(rules: WebhookRules): Promise<WebhookServer<Delivered>> {
  const requests: WebhookRequest[] = [];
  const queue: WebhookAnswer[] = [];
  const server: Server = createServer(async (request, response) => {
    const raw = await buffer(request);
    const body = raw.toString('utf8');
    const now = Date.now();
    let answer: WebhookAnswer;
    let problem: string | null = null;
    if (request.url !== rules.secretPath) {
      answer = rules.notFound;
    } else {
      const scripted = queue.shift();
      if (scripted !== undefined) answer = scripted;
      else ({ answer, problem } = rules.judge({ raw, body, now, earlier: requests }));
    }
    requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body, bytes: raw.length, receivedAt: now, status: answer.status, problem });
    response.writeHead(answer.status, { 'content-type': rules.contentType, ...answer.headers });
    response.end(answer.body ?? rules.defaultBody(answer.status));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${rules.secretPath}`,
    requests,
    delivered() {
      return requests.filter((request) => rules.posted(request.status)).map((request) => JSON.parse(request.body) as Delivered);
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
