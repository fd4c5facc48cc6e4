import { neutralizeText } from '../text-safety.js';
import { aside, bracketed, regionNote } from './punctuation.js';
import { explainFinding } from '../classify/explain.js';
import { severityOf } from '../alert/severity.js';
import { budgetFinding, cutMarker } from '../alert/budget.js';
import type { Finding, Fix } from '../types.js';
import { alertLabels, consoleLinks, policyField, profileOrModel, statementLabel } from './alert-text.js';
import type { AlertContent } from './slack.js';
import { verificationText } from '../fix/render-text.js';

/**
 * Limits of an SNS publish this renderer respects.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export const SNS_LIMITS = {
  /** Subjects must be shorter than 100 characters. */
  subject: 99,
  /**
   * 256 KiB (262,144 bytes) for the message and its attributes together (names, data types and
   * values count); the renderer keeps a margin for the attributes and the subject.
   */
  messageBytes: 256 * 1024 - 4 * 1024,
  /** What the renderer allows the email text, so the machine body always has room. */
  textBytes: 96 * 1024,
} as const;

/** Version tag of the machine-readable body; bumped only on incompatible changes. */
export const ALERT_SCHEMA = 'cris-auditor.alert/v1';

/** A rendered SNS publish, independent of the SDK: the adapter maps it onto `PublishCommand`. */
export interface SnsAlertMessage {
  /** ASCII, one line, shorter than 100 characters. */
  subject: string;
  /** The `MessageStructure: json` document: a JSON object with one body per protocol. */
  message: string;
  /** String message attributes subscribers filter on (never empty). */
  attributes: {
    verdict: string;
    accountId: string;
    sourceRegion: string;
    deniedRegion: string;
    severity: string;
  };
}

/** Printable ASCII only, one line; anything else becomes `?`. */
function asciiLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
}

/**
 * Breaks `scheme://` so a mail client does not turn a URL from caller data into a link (∕ is
 * U+2215), as the Slack renderer does; console links the auditor builds itself are left intact.
 */
export function breakLinks(text: string): string {
  return text.replace(/:\/\//g, ':\u2215\u2215');
}

/** One line of caller data: controls, bidi overrides and line breaks neutralised, links broken. */
function printable(text: string): string {
  return breakLinks(neutralizeText(text));
}

/** A policy document or other block the auditor wrote: line breaks kept, links broken. */
function printableBlock(text: string): string {
  return breakLinks(neutralizeText(text, { multiline: true }));
}

function line(label: string, value: string | null): string {
  return `${label}: ${printable(value ?? '-')}`;
}

/** The email/default text body: every fact of the alert, one per line, in the alert's language. */
export function renderAlertText(content: AlertContent): string {
  const { finding, fingerprint, repeats } = content;
  const labels = alertLabels(content.lang);
  const severity = severityOf(finding);
  const links = consoleLinks(finding);
  const fix = finding.fix ?? null;
  const recommended = fix?.recommended ?? null;
  const statement = statementLabel(finding);
  const lines = [
    labels.headline[finding.verdict] ?? labels.headline.unknown,
    `${labels.verdict}: ${finding.verdict}${aside(labels.severity[severity] ?? severity, content.lang)}`,
    '',
    line(labels.account, finding.accountId),
    line(labels.principal, finding.principalArn),
    line(labels.profile, profileOrModel(finding)),
    `${labels.route}: ${printable(finding.sourceRegion ?? '-')} → ${printable(finding.deniedRegion ?? '-')}${regionNote(finding.deniedRegion, content.lang)}`,
    line(labels.action, [finding.action, finding.eventName === null ? null : `(${finding.eventName})`].filter((part) => part !== null).join(' ') || null),
    line(labels.eventTime, finding.eventTime),
  ];
  const policy = policyField(finding, labels, content.lang);
  lines.push(line(policy?.label ?? labels.policy, policy?.value ?? null));
  if (statement !== null) lines.push(line(labels.statement, statement));
  lines.push(line(labels.reason, explainFinding(finding, content.lang)), '');
  if (recommended === null) {
    lines.push(`${labels.recommendedFix}: ${labels.noFix}`);
  } else {
    lines.push(`${labels.recommendedFix}: ${printable(recommended.title)}`, printable(recommended.summary));
    const outcome = verificationText(recommended, content.lang);
    if (outcome !== null) lines.push(bracketed(printable(outcome), content.lang));
    if (recommended.snippet !== null) lines.push('', printableBlock(recommended.snippet.content));
  }
  lines.push('');
  const alternatives = fix === null ? 0 : Math.max(0, fix.options.length - (recommended === null ? 0 : 1));
  if (alternatives > 0) lines.push(labels.alternatives(alternatives));
  if (repeats > 0) lines.push(labels.repeats(repeats));
  lines.push(line(labels.caller, [finding.userAgent, finding.sourceIpAddress].filter((part) => part !== null).join(' ') || null));
  if (finding.errorMessage !== null) lines.push(line(labels.errorMessage, finding.errorMessage));
  if (links.cloudTrailEvent !== null) lines.push(`${labels.cloudTrailEvent}: ${links.cloudTrailEvent}`);
  if (links.organizationsPolicy !== null) lines.push(`${labels.organizationsPolicy}: ${links.organizationsPolicy}`);
  // Kept clickable: the parser only keeps links on AWS console hosts.
  if (finding.authorizationDetailsUrl !== null) lines.push(`${labels.authorizationDetails}: ${neutralizeText(finding.authorizationDetailsUrl)}`);
  else if (finding.authorizationId !== null) lines.push(line(labels.authorizationId, finding.authorizationId));
  lines.push(line(labels.fingerprint, fingerprint));
  return lines.join('\n');
}

/** The SNS subject: `[cris-auditor] <severity> <verdict> <account> <source> -> <denied>`, ASCII-safe. */
export function renderSnsSubject(finding: Finding): string {
  const subject = asciiLine(
    `[cris-auditor] ${severityOf(finding)} ${finding.verdict} ${finding.accountId ?? '-'} ${finding.sourceRegion ?? '-'} -> ${finding.deniedRegion ?? '-'}`,
  );
  return subject.length <= SNS_LIMITS.subject ? subject : `${subject.slice(0, SNS_LIMITS.subject - 3)}...`;
}

function attributeValue(value: string | null): string {
  const text = value === null ? '' : asciiLine(value).slice(0, 256);
  return text === '' ? 'none' : text;
}

/**
 * Ever smaller forms of a finding for the machine body, tried in order until the message fits:
 * whole; without the patched policies and diffs (kept in the fix engine's output, not needed to
 * act on the alert); with only the recommended option; without the fix.
 */
function compactForms(finding: Finding): Finding[] {
  const fix = finding.fix ?? null;
  if (fix === null) return [finding];
  const stripPatch = (patch: NonNullable<Fix['scp']>) => ({ ...patch, patchedPolicy: '', diff: '' });
  const noPatches: Finding = {
    ...finding,
    fix: { ...fix, scp: fix.scp === null ? null : stripPatch(fix.scp), ...(fix.scpPatches === undefined ? {} : { scpPatches: fix.scpPatches.map(stripPatch) }) },
  };
  const recommendedOnly: Finding = {
    ...noPatches,
    fix: { ...(noPatches.fix as Fix), options: fix.recommended === null ? [] : [fix.recommended] },
  };
  return [finding, noPatches, recommendedOnly, { ...finding, fix: null }];
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Bytes SNS counts for the attributes: each name, data type (`String`) and value. */
export function snsAttributeBytes(attributes: Record<string, string>): number {
  return Object.entries(attributes).reduce((sum, [name, value]) => sum + utf8Length(name) + utf8Length('String') + utf8Length(value), 0);
}

/** Shortens text to at most `maxBytes` UTF-8 bytes, marking the cut; never splits a character. */
function cutToBytes(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  const chars = Array.from(text);
  let bytes = 0;
  let keep = 0;
  const room = maxBytes - 64;
  while (keep < chars.length && bytes + utf8Length(chars[keep] ?? '') <= room) {
    bytes += utf8Length(chars[keep] ?? '');
    keep += 1;
  }
  return `${chars.slice(0, keep).join('')}\n${cutMarker(chars.length - keep)}`;
}

/**
 * Renders one alert for SNS with `MessageStructure: json`, each protocol's body once: `email` gets
 * the readable text; `default` (which SNS delivers to every protocol without a key of its own:
 * `email-json`, `sqs`, `lambda`, `http`, `https`, `firehose`, mobile push) gets the versioned
 * machine body `{ schema, fingerprint, severity, repeats, finding }`; `sms` gets the subject line.
 * Caller-controlled fields are cut to their budgets first, and when the whole would still exceed
 * SNS's 256 KiB the machine body drops bulky fix parts in steps ({@link compactForms}), so the
 * publish is never refused for its size. Also returns the message attributes subscription filter
 * policies match on.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-send-custom-platform-specific-payloads-mobile-devices.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
 */
export function renderSnsMessage(content: AlertContent): SnsAlertMessage {
  const finding = budgetFinding(content.finding);
  const { fingerprint, repeats } = content;
  const severity = severityOf(finding);
  const subject = renderSnsSubject(finding);
  const attributes = {
    verdict: attributeValue(finding.verdict),
    accountId: attributeValue(finding.accountId),
    sourceRegion: attributeValue(finding.sourceRegion),
    deniedRegion: attributeValue(finding.deniedRegion),
    severity,
  };
  const budget = SNS_LIMITS.messageBytes - snsAttributeBytes(attributes);
  let text = cutToBytes(renderAlertText({ ...content, finding }), SNS_LIMITS.textBytes);
  const build = (body: Finding): string =>
    JSON.stringify({
      default: JSON.stringify({ schema: ALERT_SCHEMA, fingerprint, severity, repeats, finding: body }),
      email: text,
      sms: subject,
    });
  const forms = compactForms(finding);
  let message = '';
  for (const form of forms) {
    message = build(form);
    if (utf8Length(message) <= budget) return { subject, message, attributes };
  }
  // Only escaping-heavy values can get here (every field full of characters JSON spells as
  // \u escapes): the email text gives up room, in halves, until the smallest form fits.
  const smallest = forms[forms.length - 1] as Finding;
  while (utf8Length(message) > budget && text.length > 1024) {
    text = cutToBytes(text, Math.floor(utf8Length(text) / 2));
    message = build(smallest);
  }
  return { subject, message, attributes };
}
