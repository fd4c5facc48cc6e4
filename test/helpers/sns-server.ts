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

/**
 * A check a publish must pass, as real SNS validates it: returns the `Invalid parameter: …`
 * message to answer with (HTTP 400, `InvalidParameter`), or null when the publish is valid. Other
 * helpers add checks of their own (e.g. a subscriber's schema) with {@link SnsServer.addCheck}.
 */
export type SnsPublishCheck = (publish: SnsPublish) => string | null;

/** 256 KiB: the largest message SNS accepts, its attributes included. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The checks real SNS applies to every `Publish` that the alert path relies on:
 * size (message plus attribute names, types and values, 256 KiB), the `MessageStructure: json`
 * document (a JSON object of string values with a `default` key), the subject (ASCII, no line
 * breaks, shorter than 100 characters) and non-empty attribute values.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export const SNS_PUBLISH_CHECKS: readonly SnsPublishCheck[] = [
  function messageSize(publish) {
    const attributes = Object.entries(publish.attributes).reduce((sum, [name, value]) => sum + utf8(name) + utf8(value.dataType) + utf8(value.stringValue), 0);
    return utf8(publish.message) + attributes > SNS_MAX_MESSAGE_BYTES ? 'Invalid parameter: Message too long' : null;
  },
  function messageStructure(publish) {
    if (publish.messageStructure !== 'json') return null;
    let document: unknown;
    try {
      document = JSON.parse(publish.message);
    } catch {
      return 'Invalid parameter: Message Structure - JSON message body failed to parse';
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) return 'Invalid parameter: Message Structure - JSON message body failed to parse';
    if (typeof (document as Record<string, unknown>)['default'] !== 'string') return 'Invalid parameter: Message Structure - No default entry in JSON message body';
    const nonString = Object.entries(document).find(([, value]) => typeof value !== 'string');
    return nonString === undefined ? null : `Invalid parameter: Message Structure - Value of protocol ${nonString[0]} must be a string`;
  },
  function subject(publish) {
    if (publish.subject === null) return null;
    return publish.subject.length === 0 || publish.subject.length >= 100 || /[^\x20-\x7e]/.test(publish.subject) ? 'Invalid parameter: Subject' : null;
  },
  function attributeValues(publish) {
    const empty = Object.entries(publish.attributes).find(([, value]) => value.stringValue === '');
    return empty === undefined ? null : `Invalid parameter: Message attribute '${empty[0]}' must contain non-empty message attribute value`;
  },
];

/** One scripted failure: HTTP status, SNS error code and message (e.g. 403 `AuthorizationError`). */
export interface SnsFault {
  status: number;
  code: string;
  message: string;
}

/** A loopback stand-in for Amazon SNS (`Action=Publish` only) that enforces {@link SNS_PUBLISH_CHECKS}. */
export interface SnsServer {
  /** Endpoint for `new SNSClient({ endpoint })` or `AWS_ENDPOINT_URL_SNS`. */
  endpoint: string;
  /** Publishes accepted (answered 200), in order. */
  published: SnsPublish[];
  /** Every request received, accepted or not. */
  requestCount(): number;
  /** Publishes refused by a check, with the message SNS answered. */
  rejected: Array<{ publish: SnsPublish; reason: string }>;
  /** Adds a check every later publish must pass (kept until the server stops). */
  addCheck(check: SnsPublishCheck): void;
  /** Answers the next `count` requests (or all) with this fault (e.g. a 403 `AuthorizationError`). */
  failWith(fault: SnsFault, count?: number): void;
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

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function errorXml(code: string, message: string, type: 'Sender' | 'Receiver' = 'Receiver'): string {
  return `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xmlText(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

/** Starts the fake SNS on 127.0.0.1 and a free port. */
export async function startSnsServer(options: { inspect?: (publish: SnsPublish) => string | null } = {}): Promise<SnsServer> {
  const published: SnsPublish[] = [];
  let requests = 0;
  let failures = 0;
  let fault: SnsFault = { status: 500, code: 'InternalError', message: 'injected failure' };
  const checks: SnsPublishCheck[] = [...SNS_PUBLISH_CHECKS];
  const rejected: SnsServer['rejected'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests += 1;
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      response.setHeader('content-type', 'text/xml');
      if (failures > 0) {
        failures -= 1;
        response.writeHead(fault.status).end(errorXml(fault.code, fault.message, fault.status < 500 ? 'Sender' : 'Receiver'));
        return;
      }
      if (form.get('Action') !== 'Publish') {
        response.writeHead(400).end(errorXml('InvalidAction', `unsupported action ${form.get('Action') ?? ''}`));
        return;
      }
      const messageId = randomUUID();
      const publish = decodePublish(form, messageId);
      for (const check of checks) {
        const reason = check(publish);
        if (reason === null) continue;
        rejected.push({ publish, reason });
        response.writeHead(400).end(errorXml('InvalidParameter', reason, 'Sender'));
        return;
      }
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
    rejected,
    addCheck(check) {
      checks.push(check);
    },
    failWith(next, count = Number.POSITIVE_INFINITY) {
      fault = next;
      failures = count;
    },
    failWith500(count = Number.POSITIVE_INFINITY) {
      fault = { status: 500, code: 'InternalError', message: 'injected failure' };
      failures = count;
    },
    goDown: close,
    comeUp: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    async stop() {
      if (server.listening) await close();
    },
  };
}
