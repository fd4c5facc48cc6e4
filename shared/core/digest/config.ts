import { LANGUAGES } from '../constants.js';
import type { Language, Result } from '../types.js';
import { parseRouteList } from '../preflight/routes-in-use.js';
import { isValidTimeZone } from './schedule.js';

/** What an empty window produces: a one-line "no denials" mail, or nothing. */
export const EMPTY_DAY_MODES = ['send', 'skip'] as const;

/** Settings of the digest function, validated. */
export interface DigestConfig {
  tableName: string;
  /** Email recipients; empty when the digest only goes to `topicArn`. */
  recipients: string[];
  /** From address; empty when there are no recipients. */
  sender: string;
  timeZone: string;
  emptyDay: (typeof EMPTY_DAY_MODES)[number];
  topicArn: string | null;
  lang: Language;
  /** `GUARD_PROFILES`: pairs the "will break" section always counts as in use, as the guard does. */
  profilesInUse: { profile: string; sourceRegion: string }[];
}

/** SES accepts at most 50 recipients per message. @see https://docs.aws.amazon.com/ses/latest/dg/quotas.html */
export const MAX_RECIPIENTS = 50;

const ADDRESS = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const NAMED_ADDRESS = /^[^<>\r\n]*<([^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+)>$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * Reads the digest settings from an environment-like record (the function passes `process.env`).
 * Fails with a reason that names the variable: `TABLE_NAME`, `DIGEST_RECIPIENTS` (comma list),
 * `DIGEST_SENDER` (an address or `Name <address>`; required with recipients), `DIGEST_TIME_ZONE` (IANA, default `UTC`),
 * `DIGEST_EMPTY_DAY` (`send`|`skip`, default `send`), `DIGEST_TOPIC_ARN` (optional), `LOCALE`
 * (`en`|`ja`, default `en`), `GUARD_PROFILES` (optional `profile@region` pairs, as for the guard).
 * At least one of `DIGEST_RECIPIENTS` and `DIGEST_TOPIC_ARN` is needed.
 */
export function parseDigestConfig(env: Readonly<Record<string, string | undefined>>): Result<DigestConfig> {
  const tableName = env.TABLE_NAME?.trim() ?? '';
  if (tableName === '') return { ok: false, reason: 'TABLE_NAME is not set' };

  const recipients = (env.DIGEST_RECIPIENTS ?? '')
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
  const badRecipient = recipients.find((address) => !ADDRESS.test(address));
  if (badRecipient !== undefined) return { ok: false, reason: `DIGEST_RECIPIENTS has an invalid address: "${badRecipient}"` };
  if (recipients.length > MAX_RECIPIENTS) return { ok: false, reason: `DIGEST_RECIPIENTS has ${recipients.length} addresses; SES allows ${MAX_RECIPIENTS}` };

  const sender = env.DIGEST_SENDER?.trim() ?? '';
  if (recipients.length > 0 && sender === '') return { ok: false, reason: 'DIGEST_SENDER is not set (a verified SES identity)' };
  if (sender !== '' && !ADDRESS.test(sender) && !NAMED_ADDRESS.test(sender)) return { ok: false, reason: `DIGEST_SENDER is not an email address: "${sender}"` };

  const timeZone = env.DIGEST_TIME_ZONE?.trim() || 'UTC';
  if (!isValidTimeZone(timeZone)) return { ok: false, reason: `DIGEST_TIME_ZONE "${timeZone}" is not an IANA time zone name (e.g. Asia/Tokyo)` };

  const emptyDay = env.DIGEST_EMPTY_DAY?.trim() || 'send';
  if (!isOneOf(emptyDay, EMPTY_DAY_MODES)) return { ok: false, reason: `DIGEST_EMPTY_DAY must be send or skip, not "${emptyDay}"` };

  const topicArn = env.DIGEST_TOPIC_ARN?.trim() || null;
  if (topicArn !== null && !TOPIC_ARN.test(topicArn)) return { ok: false, reason: `DIGEST_TOPIC_ARN is not an SNS topic ARN: "${topicArn}"` };
  if (recipients.length === 0 && topicArn === null) {
    return { ok: false, reason: 'DIGEST_RECIPIENTS is not set (comma-separated email addresses), and no DIGEST_TOPIC_ARN either: the digest has nowhere to go' };
  }

  const lang = env.LOCALE?.trim() || 'en';
  if (!isOneOf(lang, LANGUAGES)) return { ok: false, reason: `LOCALE must be en or ja, not "${lang}"` };

  const profiles = parseRouteList(env.GUARD_PROFILES ?? '');
  if (!profiles.ok) return { ok: false, reason: `GUARD_PROFILES ${profiles.reason}` };

  return { ok: true, value: { tableName, recipients, sender, timeZone, emptyDay, topicArn, lang, profilesInUse: profiles.value } };
}

function isOneOf<T extends string>(value: string, options: readonly T[]): value is T {
  return (options as readonly string[]).includes(value);
}
