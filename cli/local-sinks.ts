/**
 * Loopback stand-ins for Slack and SNS used by `cris-audit demo --serve`, so `osls invoke local`
 * can run the alert function end to end on a laptop: what "arrives" is printed, nothing leaves
 * 127.0.0.1.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';

/** A started loopback server. */
export interface LocalSink {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
}

/** A Slack incoming webhook on 127.0.0.1 that hands each posted message to `onMessage`. */
export async function startLocalSlack(port: number, onMessage: (message: unknown) => void): Promise<LocalSink> {
  const server = createServer(async (request, response) => {
    const body = await text(request);
    try {
      onMessage(JSON.parse(body));
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    } catch {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
    }
  });
  const base = await listen(server, port);
  return { url: `${base}/services/LOCAL/LOCAL/local`, close: closer(server) };
}

/** An SNS endpoint on 127.0.0.1 (AWS Query protocol, `Action=Publish`) that hands each publish to `onPublish`. */
export async function startLocalSns(
  port: number,
  onPublish: (publish: { topicArn: string; subject: string; attributes: Record<string, string> }) => void,
): Promise<LocalSink> {
  const server = createServer(async (request, response) => {
    const form = new URLSearchParams(await text(request));
    const attributes: Record<string, string> = {};
    for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index += 1) {
      attributes[form.get(`MessageAttributes.entry.${index}.Name`) ?? ''] = form.get(`MessageAttributes.entry.${index}.Value.StringValue`) ?? '';
    }
    onPublish({ topicArn: form.get('TopicArn') ?? '', subject: form.get('Subject') ?? '', attributes });
    response
      .writeHead(200, { 'content-type': 'text/xml' })
      .end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
  });
  return { url: await listen(server, port), close: closer(server) };
}
