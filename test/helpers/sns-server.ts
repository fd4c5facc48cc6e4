import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One `Publish` the fake SNS accepted, decoded from the AWS Query protocol form. */
export interface SnsPublish {
  topicArn: string;
  subject: string | null;
  message: string;
  messageStructure: string | null;
  /** Message attributes by name (`DataType` and `StringValue`). */
  attributes: Record<string, { dataType: string; stringValue: string }>;
  messageId: string;
  /** What the `inspect` option of {@link startSnsServer} found wrong with the message (null: nothing). */
  problem?: string | null;
}

/** A loopback stand-in for Amazon SNS (`Action=Publish` only). */
export interface SnsServer {
  /** Endpoint for `new SNSClient({ endpoint })` or `AWS_ENDPOINT_URL_SNS`. */
  endpoint: string;
  /** Publishes accepted (answered 200), in order. */
  published: SnsPublish[];
  /** Every request received, accepted or not. */
  requestCount(): number;
  /** Answers the next `count` requests (or all, if omitted) with HTTP 500 `InternalError`. */
  failWith500(count?: number): void;
  /** Closes the port: clients get connection refused until {@link SnsServer.comeUp}. */
  goDown(): Promise<void>;
  /** Listens again on the same port and answers normally. */
  comeUp(): Promise<void>;
  stop(): Promise<void>;
}

function decodePublish(form: URLSearchParams, messageId: string): SnsPublish {
  const attributes: SnsPublish['attributes'] = {};
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index += 1) {
    const prefix = `MessageAttributes.entry.${index}`;
    attributes[form.get(`${prefix}.Name`) ?? ''] = {
      dataType: form.get(`${prefix}.Value.DataType`) ?? '',
      stringValue: form.get(`${prefix}.Value.StringValue`) ?? '',
    };
  }
  return {
    topicArn: form.get('TopicArn') ?? '',
    subject: form.get('Subject'),
    message: form.get('Message') ?? '',
    messageStructure: form.get('MessageStructure'),
    attributes,
    messageId,
  };
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Receiver</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

/** Starts the fake SNS on 127.0.0.1 and a free port. */
export async function startSnsServer(options: { inspect?: (publish: SnsPublish) => string | null } = {}): Promise<SnsServer> {
  const published: SnsPublish[] = [];
  let requests = 0;
  let failures = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      response.setHeader('content-type', 'text/xml');
      if (failures > 0) {
        failures -= 1;
        response.writeHead(500).end(errorXml('InternalError', 'injected failure'));
        return;
      }
      if (form.get('Action') !== 'Publish') {
        response.writeHead(400).end(errorXml('InvalidAction', `unsupported action ${form.get('Action') ?? ''}`));
        return;
      }
      const messageId = randomUUID();
      const publish = decodePublish(form, messageId);
      // A subscriber's view of the message (e.g. the Q Developer schema, test/helpers/q-developer-schema.ts).
      if (options.inspect !== undefined) publish.problem = options.inspect(publish);
      published.push(publish);
      response
        .writeHead(200)
        .end(
          `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> => {
    server.closeAllConnections();
    return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    published,
    requestCount: () => requests,
    failWith500(count = Number.POSITIVE_INFINITY) {
      failures = count;
    },
    goDown: close,
    comeUp: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    async stop() {
      if (server.listening) await close();
    },
  };
}
