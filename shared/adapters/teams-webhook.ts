import { DeliveryError } from '../core/errors.js';
import type { Notifier } from '../core/ports.js';
import { renderTeamsMessage, type TeamsMessage } from '../core/render/teams.js';
import type { Language } from '../core/types.js';

/** Retry policy of the Teams webhook: the Slack channel's, bounded in attempts and total time. */
export interface TeamsRetryPolicy {
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

/** Defaults sized for a Lambda function with a 30 s timeout (as for Slack). */
export const DEFAULT_TEAMS_RETRY: TeamsRetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 4000,
  totalTimeoutMs: 20_000,
  requestTimeoutMs: 5000,
};

/** Options of {@link createTeamsWebhookSender}. */
export interface TeamsWebhookSenderOptions {
  /** The webhook URL, resolved on each send (so a cached secret can rotate). Never logged. */
  webhookUrl: () => Promise<string> | string;
  retry?: Partial<TeamsRetryPolicy>;
  /** Injected for tests of timing; defaults to `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for deterministic jitter in tests; defaults to `Math.random`. */
  random?: () => number;
}

/** Sends one card message to a Teams webhook. */
export type TeamsSender = (message: TeamsMessage) => Promise<void>;

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
 * A sender for a Teams webhook (Workflows "When a Teams webhook request is received", which answers
 * 202 Accepted, or a legacy Incoming Webhook, 200) over plain `fetch`. Retries network errors,
 * timeouts, 5xx and 429 with exponential backoff and full jitter; a 429 waits at least its
 * `Retry-After` (Teams throttles beyond four requests a second). Other 4xx answers — 400 for a card
 * Teams cannot read, 413 for one over 28 KB, 404 for a deleted flow — are permanent and fail at
 * once. Gives up after `maxAttempts` or `totalTimeoutMs` with `DeliveryError`. The URL (it carries
 * the flow's signature) never appears in errors.
 * @see https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
 */
export function createTeamsWebhookSender(options: TeamsWebhookSenderOptions): TeamsSender {
  const policy = { ...DEFAULT_TEAMS_RETRY, ...options.retry };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  return async function sendToTeams(message) {
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
          throw new DeliveryError(`Teams webhook rejected the message: ${lastProblem}`);
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
    throw new DeliveryError(`Teams webhook did not accept the message after retries: ${lastProblem}`);
  };
}

/** Options of {@link createTeamsNotifier}. */
export interface TeamsNotifierOptions extends TeamsWebhookSenderOptions {
  lang: Language;
  /** Replaces the HTTP sender (the local demo prints cards instead of posting them). */
  send?: TeamsSender;
}

/**
 * The Microsoft Teams channel of an alert: renders the Adaptive Card (`shared/core/render/teams.ts`)
 * and sends it through {@link createTeamsWebhookSender}.
 */
export function createTeamsNotifier(options: TeamsNotifierOptions): Notifier {
  const send = options.send ?? createTeamsWebhookSender(options);
  return {
    async notify(alert) {
      await send(renderTeamsMessage({ ...alert, lang: options.lang }));
    },
  };
}
