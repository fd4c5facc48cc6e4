import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ConfigurationError } from '../core/errors.js';

/** Where a webhook URL (Slack, Teams) comes from; exactly one source is used. */
export type WebhookUrlSourceOptions = (
  | { secretArn: string; secretsProvider?: SecretsProvider }
  | { parameterName: string; ssmProvider?: SSMProvider }
  | { url: string }
) & {
  /** Cache lifetime of a fetched secret, in seconds (Powertools Parameters cache). */
  maxAgeSeconds?: number;
  /** Whose URL it is, for error messages: `Slack` (default) or `Teams`. */
  channel?: 'Slack' | 'Teams';
};

/** Default cache lifetime: a rotated webhook is picked up within five minutes. */
export const DEFAULT_WEBHOOK_MAX_AGE_SECONDS = 300;

/**
 * The URL from a secret value: either the URL itself or a JSON object with a `url` or
 * `webhookUrl` key (the shape a Secrets Manager key/value secret takes).
 */
function extractUrl(raw: unknown, source: string, channel: string): string {
  let text = typeof raw === 'string' ? raw.trim() : raw instanceof Uint8Array ? new TextDecoder().decode(raw).trim() : '';
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const value = parsed['url'] ?? parsed['webhookUrl'];
      text = typeof value === 'string' ? value.trim() : '';
    } catch {
      text = '';
    }
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    // Never echo the value: it is a secret.
    throw new ConfigurationError(`${source} does not hold a ${channel} webhook URL (expected a URL or {"url": "..."})`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`${source} does not hold an http(s) ${channel} webhook URL`);
  }
  return url.toString();
}

/**
 * Resolves a webhook URL: from Secrets Manager (`SLACK_WEBHOOK_SECRET_ARN`, `TEAMS_WEBHOOK_SECRET_ARN`) or an
 * SSM SecureString (`…_WEBHOOK_PARAMETER_NAME`, decrypted) through Powertools Parameters, cached
 * for `maxAgeSeconds`; or a literal URL (`…_WEBHOOK_URL`, local and dev only). The returned
 * function is cheap to call per message. The URL is never logged or put in an error.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/features/parameters/
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets.html
 */
export function createWebhookUrlSource(options: WebhookUrlSourceOptions): () => Promise<string> {
  const maxAge = options.maxAgeSeconds ?? DEFAULT_WEBHOOK_MAX_AGE_SECONDS;
  const channel = options.channel ?? 'Slack';
  if ('url' in options) {
    const url = extractUrl(options.url, `${channel.toUpperCase()}_WEBHOOK_URL`, channel);
    return async () => url;
  }
  if ('secretArn' in options) {
    const provider = options.secretsProvider ?? new SecretsProvider();
    return async () => extractUrl(await provider.get(options.secretArn, { maxAge }), `secret ${options.secretArn}`, channel);
  }
  const provider = options.ssmProvider ?? new SSMProvider();
  return async () =>
    extractUrl(await provider.get(options.parameterName, { maxAge, decrypt: true }), `SSM parameter ${options.parameterName}`, channel);
}
