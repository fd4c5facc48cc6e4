import type { AggregateReader, CallCountReader } from '../ports.js';
import type { ProfileCatalog } from '../classify/profile-catalog.js';
import { buildDigestIntermittency, intermittencyDay } from './intermittency.js';
import { computeDigestReadiness, profilesInUse, type DigestReadiness } from './readiness.js';
import type { Language } from '../types.js';
import { buildDigest, type Digest } from './aggregate.js';
import { DeliveryError } from '../errors.js';
import type { DigestLedger, DigestSnapshotSource, DigestSummaryPublisher, Mailer, TextPublisher } from './ports.js';
import { listHours } from './read-window.js';
import { renderDigestHtml, renderEmptyDigestHtml } from './render-html.js';
import { renderDigestAsciiSubject, renderDigestSubject, renderDigestText, renderEmptyDigestText } from './render-text.js';
import type { DigestWindow } from './schedule.js';

/** What one digest run did. */
export interface DigestOutcome {
  /**
   * `sent`; `skipped-empty` (empty day, `emptyDay: skip`); `already-sent` / `in-progress`: the
   * ledger says another invocation sent or is sending this window's digest, so nothing was sent.
   */
  status: 'sent' | 'skipped-empty' | 'already-sent' | 'in-progress';
  window: { from: string; to: string; timeZone: string };
  totals: Digest['totals'];
  /** `listHour` calls made: hours of the window plus hours of the comparison window. */
  hoursRead: number;
  email: { messageId: string | null } | null;
  /** SNS publish result; `null` when no topic is configured or nothing was sent. */
  topic: { ok: true; messageId: string | null } | { ok: false; reason: string } | null;
  /** Chat summary (Amazon Q Developer) publish result; absent or `null` when none is configured. */
  chat?: { ok: true; messageId: string | null } | { ok: false; reason: string } | null;
  /** Why the "sent" marker could not be written after the mail went out; `null` when it was (or no ledger). */
  ledgerError: string | null;
}

/** Readiness of the profiles in use against the stored snapshot, or why it was not computed. */
async function readinessOf(source: { snapshots: DigestSnapshotSource | null; catalog: ProfileCatalog }, routes: ReturnType<typeof profilesInUse>, lang: Language): Promise<DigestReadiness> {
  if (source.snapshots === null) return { status: 'not-computed', reason: 'not-configured', detail: null };
  let snapshot;
  try {
    snapshot = await source.snapshots.load();
  } catch (error) {
    return { status: 'not-computed', reason: 'snapshot-unreadable', detail: messageOf(error) };
  }
  if (snapshot === null) return { status: 'not-computed', reason: 'no-snapshot', detail: null };
  return computeDigestReadiness({ snapshot, routes, catalog: source.catalog, lang });
}

/** How long a claim on a window protects a send in progress (the function times out well before). */
export const DIGEST_LEASE_SECONDS = 300;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The daily digest use case: reads the window's and the comparison window's hourly aggregates
 * (one `listHour` per hour), builds the digest, and sends one email with HTML and text parts; then,
 * when a publisher is given, publishes the text to it. An empty window sends the one-line
 * "no denials" mail, or nothing when `emptyDay` is `skip`.
 *
 * With a ledger, the window is claimed before sending and marked sent after, so a retried or
 * duplicated invocation sends nothing (`force` bypasses the ledger, to re-send on purpose).
 * Email failure releases the claim and throws (`DeliveryError` from the mailer) so the scheduler
 * retries; a topic or ledger failure after the email went out is returned in the outcome instead,
 * so a retry does not mail everyone twice.
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
  /** Also posts a summary to a chat channel; like the topic, its failure is reported, never retried. */
  summaryPublisher?: DigestSummaryPublisher | null;
  ledger: DigestLedger | null;
  now: Date;
  force?: boolean;
  /** The per-day call counts (intermittency view); absent or null: no such section. */
  callReader?: CallCountReader | null;
  /**
   * The "will break" section: the organization snapshot (null source: the stack keeps none, and the
   * digest says readiness was not computed) and the profile catalog; absent: no such section.
   */
  readiness?: { snapshots: DigestSnapshotSource | null; catalog: ProfileCatalog; configured?: readonly { profile: string; sourceRegion: string }[] } | null;
}): Promise<DigestOutcome> {
  const { window, lang } = input;
  const day = intermittencyDay(window);
  const [current, previous, calls] = await Promise.all([
    listHours(input.reader, window.hours),
    listHours(input.reader, window.previousHours),
    input.callReader == null ? Promise.resolve([]) : input.callReader.listDay(day),
  ]);
  const digest = {
    ...buildDigest({ window, current, previous }),
    intermittency: buildDigestIntermittency(day, calls),
    readiness: input.readiness == null ? null : await readinessOf(input.readiness, profilesInUse({ aggregates: [...current, ...previous], calls, configured: input.readiness.configured ?? [] }), lang),
  };
  const base = {
    window: { from: window.from, to: window.to, timeZone: window.timeZone },
    totals: digest.totals,
    hoursRead: window.hours.length + window.previousHours.length,
  };
  // A quiet day still sends the full digest when something in use will break, or calls failed for another reason.
  const empty = digest.totals.count === 0 && (digest.readiness?.status !== 'computed' || digest.readiness.groups.length === 0) && (digest.intermittency?.failingTotal ?? 0) === 0;
  if (empty && input.emptyDay === 'skip') return { ...base, status: 'skipped-empty', email: null, topic: null, ledgerError: null };

  const ledger = input.force === true ? null : input.ledger;
  let token: string | null = null;
  if (ledger !== null) {
    const claim = await ledger.claim({ windowEnd: window.to, now: input.now, leaseSeconds: DIGEST_LEASE_SECONDS });
    if (claim.status === 'already-sent') return { ...base, status: 'already-sent', email: { messageId: claim.messageId }, topic: null, ledgerError: null };
    if (claim.status === 'in-progress') return { ...base, status: 'in-progress', email: null, topic: null, ledgerError: null };
    token = claim.token;
  }

  const subject = renderDigestSubject(digest, { lang });
  const text = empty ? renderEmptyDigestText(window, { lang }) : renderDigestText(digest, { lang });
  const html = empty ? renderEmptyDigestHtml(window, { lang }) : renderDigestHtml(digest, { lang });
  let email: { messageId: string | null } | null = null;
  if (input.mailer !== null && input.recipients.length > 0) {
    try {
      email = await input.mailer.send({ to: input.recipients, subject, html, text });
    } catch (error) {
      if (ledger !== null && token !== null) {
        const releaseError = await ledger.release({ windowEnd: window.to, token }).then(
          () => null,
          (failure: unknown) => failure,
        );
        if (releaseError !== null) {
          throw new DeliveryError(`${messageOf(error)}; releasing the digest claim failed too (${messageOf(releaseError)}): it expires after ${DIGEST_LEASE_SECONDS} s`, { cause: error });
        }
      }
      throw error;
    }
  }

  let topic: DigestOutcome['topic'] = null;
  if (input.publisher !== null) {
    try {
      topic = { ok: true, ...(await input.publisher.publish({ subject: renderDigestAsciiSubject(digest), text })) };
    } catch (error) {
      topic = { ok: false, reason: messageOf(error) };
    }
  }
  let chat: DigestOutcome['chat'] = null;
  if (input.summaryPublisher != null) {
    try {
      chat = { ok: true, ...(await input.summaryPublisher.publish(digest, lang)) };
    } catch (error) {
      chat = { ok: false, reason: messageOf(error) };
    }
  }
  let ledgerError: string | null = null;
  if (ledger !== null && token !== null) {
    await ledger.complete({ windowEnd: window.to, token, now: input.now, messageId: email?.messageId ?? null }).catch((error: unknown) => {
      ledgerError = messageOf(error);
    });
  }
  return { ...base, status: 'sent', email, topic, ...(input.summaryPublisher == null ? {} : { chat }), ledgerError };
}
