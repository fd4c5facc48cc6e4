import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message as aws-ses-v2-local stores it (`GET /store`). */
export interface ReceivedEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

/** A running aws-ses-v2-local on 127.0.0.1 and what it received. */
export interface SesLocal {
  /** Endpoint for `new SESv2Client({ endpoint })` or `AWS_ENDPOINT_URL_SESV2`. */
  endpoint: string;
  /** Every email received since start or the last `clear()`, oldest first. */
  emails(): Promise<ReceivedEmail[]>;
  clear(): Promise<void>;
  stop(): Promise<void>;
}

type StartServer = (config?: { host?: string; port?: number }) => Promise<Server>;

/**
 * Starts aws-ses-v2-local on a free loopback port. The package is CommonJS with an `exports.default`
 * function: vitest's interop exposes it as `default`, plain Node ESM as `default.default`.
 * Its store is module-global: servers started in one test file share it, so call `clear()`.
 */
export async function startSesLocal(): Promise<SesLocal> {
  const mod = (await import('aws-ses-v2-local')) as unknown as { default: StartServer | { default: StartServer } };
  const start = typeof mod.default === 'function' ? mod.default : mod.default.default;
  const server = await start({ host: '127.0.0.1', port: 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async emails() {
      const response = await fetch(`${endpoint}/store`);
      const store = (await response.json()) as { emails: ReceivedEmail[] };
      return store.emails;
    },
    async clear() {
      await fetch(`${endpoint}/clear-store`, { method: 'POST' });
    },
    stop() {
      return new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
