import { neutralizeText } from '../text-safety.js';
import { explainFinding } from '../classify/explain.js';
import { severityOf } from '../alert/severity.js';
import type { Finding } from '../types.js';
import { alertLabels, consoleLinks, policyLabel, policyShown, profileOrModel, statementLabel } from './alert-text.js';
import type { AlertContent } from './slack.js';
import { verificationText } from '../fix/render-text.js';

/**
 * Limits of an SNS publish this renderer respects.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export const SNS_LIMITS = {
  /** Subjects must be shorter than 100 characters. */
  subject: 99,
  /** 256 KiB for the whole message; kept with a margin for attributes and JSON escaping. */
  messageBytes: 240 * 1024,
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
    `${labels.verdict}: ${finding.verdict} (${labels.severity[severity] ?? severity})`,
    '',
    line(labels.account, finding.accountId),
    line(labels.principal, finding.principalArn),
    line(labels.profile, profileOrModel(finding)),
    `${labels.route}: ${printable(finding.sourceRegion ?? '-')} → ${printable(finding.deniedRegion ?? '-')}`,
    line(labels.action, [finding.action, finding.eventName === null ? null : `(${finding.eventName})`].filter((part) => part !== null).join(' ') || null),
    line(labels.eventTime, finding.eventTime),
  ];
  const policy = policyShown(finding);
  lines.push(line(policyLabel(finding, labels), policy));
  if (statement !== null) lines.push(line(labels.statement, statement));
  lines.push(line(labels.reason, explainFinding(finding, content.lang)), '');
  if (recommended === null) {
    lines.push(`${labels.recommendedFix}: ${labels.noFix}`);
  } else {
    lines.push(`${labels.recommendedFix}: ${printable(recommended.title)}`, printable(recommended.summary));
    const outcome = verificationText(recommended, content.lang);
    if (outcome !== null) lines.push(`(${printable(outcome)})`);
    if (recommended.snippet !== null) lines.push('', printableBlock(recommended.snippet.content));
  }
  lines.push('');
  if (fix !== null) lines.push(labels.alternatives(Math.max(0, fix.options.length - (recommended === null ? 0 : 1))));
  if (repeats > 0) lines.push(labels.repeats(repeats));
  lines.push(line(labels.caller, [finding.userAgent, finding.sourceIpAddress].filter((part) => part !== null).join(' ') || null));
  if (finding.errorMessage !== null) lines.push(line(labels.errorMessage, finding.errorMessage));
  if (links.cloudTrailEvent !== null) lines.push(`${labels.cloudTrailEvent}: ${links.cloudTrailEvent}`);
  if (links.organizationsPolicy !== null) lines.push(`${labels.organizationsPolicy}: ${links.organizationsPolicy}`);
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

/** Drops the bulky parts of a finding (patched policy, diff) when the message would not fit. */
function compactFinding(finding: Finding): Finding {
  if (finding.fix?.scp === undefined || finding.fix.scp === null) return finding;
  return { ...finding, fix: { ...finding.fix, scp: { ...finding.fix.scp, patchedPolicy: '', diff: '' } } };
}

/**
 * Renders one alert for SNS with `MessageStructure: json`: a readable text for `default`, `email`
 * and `sms`-like protocols, and a machine-readable JSON body (`{ schema, fingerprint, severity,
 * repeats, finding }`) for `email-json`, `sqs`, `lambda`, `http`, `https` and `firehose`; plus the
 * message attributes subscription filter policies match on.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-send-custom-platform-specific-payloads-mobile-devices.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
 */
export function renderSnsMessage(content: AlertContent): SnsAlertMessage {
  const { finding, fingerprint, repeats } = content;
  const severity = severityOf(finding);
  const text = renderAlertText(content);
  const build = (body: Finding): string => {
    const machine = JSON.stringify({ schema: ALERT_SCHEMA, fingerprint, severity, repeats, finding: body });
    return JSON.stringify({
      default: text,
      email: text,
      'email-json': machine,
      sqs: machine,
      lambda: machine,
      http: machine,
      https: machine,
      firehose: machine,
    });
  };
  let message = build(finding);
  if (new TextEncoder().encode(message).length > SNS_LIMITS.messageBytes) message = build(compactFinding(finding));
  return {
    subject: renderSnsSubject(finding),
    message,
    attributes: {
      verdict: attributeValue(finding.verdict),
      accountId: attributeValue(finding.accountId),
      sourceRegion: attributeValue(finding.sourceRegion),
      deniedRegion: attributeValue(finding.deniedRegion),
      severity,
    },
  };
}
