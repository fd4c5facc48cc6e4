import type { AggregateReader } from '../ports.js';
import type { Language } from '../types.js';
import { buildDigest, type Digest } from './aggregate.js';
import type { Mailer, TextPublisher } from './ports.js';
import { listHours } from './read-window.js';
import { renderDigestHtml, renderEmptyDigestHtml } from './render-html.js';
import { renderDigestAsciiSubject, renderDigestSubject, renderDigestText, renderEmptyDigestText } from './render-text.js';
import type { DigestWindow } from './schedule.js';

/** What one digest run did. */
export interface DigestOutcome {
  status: 'sent' | 'skipped-empty';
  window: { from: string; to: string; timeZone: string };
  totals: Digest['totals'];
  /** `listHour` calls made: hours of the window plus hours of the comparison window. */
  hoursRead: number;
  email: { messageId: string | null } | null;
  /** SNS publish result; `null` when no topic is configured or nothing was sent. */
  topic: { ok: true; messageId: string | null } | { ok: false; reason: string } | null;
}

/**
 * The daily digest use case: reads the window's and the comparison window's hourly aggregates
 * (one `listHour` per hour), builds the digest, and sends one email with HTML and text parts; then,
 * when a publisher is given, publishes the text to it. An empty window sends the one-line
 * "no denials" mail, or nothing when `emptyDay` is `skip`.
 *
 * Email failure throws (`DeliveryError` from the mailer) so the scheduler retries; a topic failure
 * after the email went out is returned in `topic` instead, so a retry does not mail everyone twice.
 */
export async function sendDigest(input: {
  window: DigestWindow;
  lang: Language;
  emptyDay: 'send' | 'skip';
  recipients: string[];
  reader: AggregateReader;
  /** `null` when the digest goes to the topic only. */
  mailer: Mailer | null;
  publisher: TextPublisher | null;
}): Promise<DigestOutcome> {
  const { window, lang } = input;
  const [current, previous] = await Promise.all([listHours(input.reader, window.hours), listHours(input.reader, window.previousHours)]);
  const digest = buildDigest({ window, current, previous });
  const base = {
    window: { from: window.from, to: window.to, timeZone: window.timeZone },
    totals: digest.totals,
    hoursRead: window.hours.length + window.previousHours.length,
  };
  const empty = digest.totals.count === 0;
  if (empty && input.emptyDay === 'skip') return { ...base, status: 'skipped-empty', email: null, topic: null };

  const subject = renderDigestSubject(digest, { lang });
  const text = empty ? renderEmptyDigestText(window, { lang }) : renderDigestText(digest, { lang });
  const html = empty ? renderEmptyDigestHtml(window, { lang }) : renderDigestHtml(digest, { lang });
  const email = input.mailer === null || input.recipients.length === 0 ? null : await input.mailer.send({ to: input.recipients, subject, html, text });

  let topic: DigestOutcome['topic'] = null;
  if (input.publisher !== null) {
    try {
      topic = { ok: true, ...(await input.publisher.publish({ subject: renderDigestAsciiSubject(digest), text })) };
    } catch (error) {
      topic = { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
  return { ...base, status: 'sent', email, topic };
}
