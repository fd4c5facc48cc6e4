/**
 * A loopback HTTP proxy in front of a real server (DynamoDB Local) that can lose answers: the
 * request reaches the server and is applied, then the proxy closes the client's connection instead
 * of relaying the response — what a network fault or a Lambda timeout after the write looks like to
 * the caller. Lets tests prove that a write whose answer was lost is neither lost nor applied twice.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the proxy saw it. */
export interface ProxiedRequest {
  /** 1-based position among every request of the proxy. */
  index: number;
  /** The DynamoDB operation (`X-Amz-Target` without the `DynamoDB_20120810.` prefix). */
  operation: string;
  /** Whether its answer was dropped. */
  dropped: boolean;
}

export interface DroppingProxy {
  endpoint: string;
  requests: ProxiedRequest[];
  /** Drops the answer of the requests for which `rule` is true (after the server applied them). */
  dropWhen(rule: ((request: Omit<ProxiedRequest, 'dropped'>) => boolean) | null): void;
  close(): Promise<void>;
}

function body(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

export async function startDroppingProxy(upstream: string): Promise<DroppingProxy> {
  const target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  let rule: ((request: Omit<ProxiedRequest, 'dropped'>) => boolean) | null = null;
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const payload = await body(incoming);
      const seen = { index: requests.length + 1, operation: String(incoming.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, '') };
      const entry: ProxiedRequest = { ...seen, dropped: rule?.(seen) === true };
      requests.push(entry);
      const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; data: Buffer }>((resolve, reject) => {
        const forward = request(
          { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
          (response) => {
            body(response).then((data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, data }), reject);
          },
        );
        forward.on('error', reject);
        forward.end(payload);
      });
      if (entry.dropped) {
        // The server has applied the request; the caller never learns it.
        incoming.socket.destroy();
        return;
      }
      outgoing.writeHead(answer.status, answer.headers);
      outgoing.end(answer.data);
    })().catch(() => incoming.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    dropWhen(next) {
      rule = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
