import { DeliveryError } from '../core/errors.js';

/**
 * The one HTTP sender behind the chat webhooks (Slack incoming webhooks, Teams Workflows or
 * Incoming Webhooks): a JSON POST with bounded retries. Each service adds only its own parts — its
 * name in errors and what it renders (`slack-webhook.ts`, `teams-webhook.ts`).
 */

/** Retry policy of a webhook: bounded attempts and bounded total time. */
export interface WebhookRetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First backoff; doubles per attempt (full jitter), capped by `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** No attempt starts (and no wait is begun) past this budget from the first attempt. */
  totalTimeoutMs: number;
  /** Timeout of one HTTP request. */
  requestTimeoutMs: number;
}

/** Defaults sized for a Lambda function with a 30 s timeout. */
export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  totalTimeoutMs: 20_000,
  requestTimeoutMs: 5000,
};

/** Options of {@link createWebhookSender}. */
export interface WebhookSenderOptions {
  /** The webhook URL, resolved on each send (so a cached secret can rotate). Never logged. */
  webhookUrl: () => Promise<string> | string;
  retry?: Partial<WebhookRetryPolicy>;
  /** Injected for tests of timing; defaults to `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for deterministic jitter in tests; defaults to `Math.random`. */
  random?: () => number;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The system error code behind a failed `fetch` (`ECONNREFUSED`, …); never the URL. */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'unknown';
}

/** Milliseconds of a `Retry-After` header (delta-seconds or HTTP date), or null. */
function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/**
 * A sender that POSTs each message as JSON to the webhook of `service` over plain `fetch`. Retries
 * network errors, timeouts, 5xx and 429 with exponential backoff and full jitter; a 429 waits at
 * least its `Retry-After`. Other 4xx answers fail at once with a permanent `DeliveryError`: sending
 * the same message again cannot succeed. Gives up after `maxAttempts` or `totalTimeoutMs` by throwing
 * `DeliveryError`. The URL is a secret: it never appears in errors.
 */
export function createWebhookSender<Message>(service: string, options: WebhookSenderOptions): (message: Message) => Promise<void> {
  const policy = { ...DEFAULT_WEBHOOK_RETRY, ...options.retry };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  return async function send(message) {
    const url = await options.webhookUrl();
    const body = JSON.stringify(message);
    const started = Date.now();
    let lastProblem = 'no attempt made';
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt += 1) {
      let wait: number;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(policy.requestTimeoutMs),
        });
        const text = (await response.text()).slice(0, 200);
        if (response.ok) return;
        lastProblem = `HTTP ${response.status} ${text.replace(/[^\x20-\x7e]/g, '?')}`.trim();
        if (response.status !== 429 && response.status < 500) {
          throw new DeliveryError(`${service} webhook rejected the message: ${lastProblem}`, { permanent: true });
        }
        const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * random();
        const retryAfter = response.status === 429 ? retryAfterMs(response.headers.get('retry-after'), Date.now()) : null;
        wait = Math.max(backoff, retryAfter ?? 0);
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        lastProblem = error instanceof Error && error.name === 'TimeoutError' ? 'request timed out' : `network error (${networkCode(error)})`;
        wait = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)) * random();
      }
      if (attempt === policy.maxAttempts) break;
      if (Date.now() - started + wait > policy.totalTimeoutMs) {
        lastProblem = `${lastProblem}; next wait of ${Math.round(wait)} ms exceeds the ${policy.totalTimeoutMs} ms budget`;
        break;
      }
      await sleep(wait);
    }
    throw new DeliveryError(`${service} webhook did not accept the message after retries: ${lastProblem}`);
  };
}
