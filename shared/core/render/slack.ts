import { explainFinding } from '../classify/explain.js';
import { regionNote } from './punctuation.js';
import { budgetFinding } from '../alert/budget.js';
import { severityOf, type Severity } from '../alert/severity.js';
import type { Finding, Language } from '../types.js';
import type { AlertLabels } from './alert-text.js';
import { alertLabels, consoleLinks, findingIdentifiers, policyField, profileOrModel, statementLabel } from './alert-text.js';
import { codeBlock, escapeMrkdwn, inlineCode, mrkdwnProse, truncateEscaped, truncatePlain } from './mrkdwn.js';
import { verificationText } from '../fix/render-text.js';

/**
 * Block Kit limits this renderer respects.
 * @see https://api.slack.com/reference/block-kit/blocks
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
} as const;

/** A Block Kit text object. */
export interface SlackText {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}

/** The subset of Block Kit blocks an alert uses. */
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'divider' };

/** A message for an incoming webhook: `text` is the notification fallback, `blocks` the layout. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** What one alert says. */
export interface AlertContent {
  finding: Finding;
  fingerprint: string;
  /** Occurrences suppressed since the previous alert of this fingerprint. */
  repeats: number;
  lang: Language;
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':white_circle:',
};

function mrkdwn(text: string, max: number = SLACK_LIMITS.sectionText): SlackText {
  return { type: 'mrkdwn', text: truncateEscaped(text, max) };
}

function field(label: string, value: string): SlackText {
  return mrkdwn(`*${label}*\n${value}`, SLACK_LIMITS.fieldText);
}

/** A label line followed by a code block, the whole within one section's text limit. */
function labelledCodeBlock(label: string, content: string): SlackText {
  const head = `*${label}*\n`;
  return { type: 'mrkdwn', text: `${head}${codeBlock(content, SLACK_LIMITS.sectionText - head.length)}` };
}

/**
 * Renders one alert as a Block Kit message: verdict headline; account, principal, profile,
 * source → denied Region; the SCP (ARN, statement) with a console link; the recommended fix as a
 * code block and the number of alternatives; the caller; links to the CloudTrail event. Every value
 * taken from the record is escaped (see `mrkdwn.ts`); every block fits Block Kit's limits and any
 * cut ends with the visible `…(N characters cut)`.
 * @see https://api.slack.com/messaging/webhooks
 * @see https://api.slack.com/reference/surfaces/formatting
 */
export function renderSlackMessage(content: AlertContent): SlackMessage {
  const { fingerprint, repeats } = content;
  const finding = budgetFinding(content.finding);
  const labels = alertLabels(content.lang);
  const severity = severityOf(finding);
  const headline = labels.headline[finding.verdict] ?? labels.headline.unknown;
  const links = consoleLinks(finding);
  const blocks: SlackBlock[] = [];

  blocks.push({ type: 'header', text: { type: 'plain_text', text: truncatePlain(`${SEVERITY_EMOJI[severity]} ${headline}`, SLACK_LIMITS.headerText), emoji: true } });

  const action = finding.action === null ? inlineCode(finding.eventName) : `${inlineCode(finding.action)} (${inlineCode(finding.eventName)})`;
  blocks.push({
    type: 'section',
    fields: [
      field(labels.account, inlineCode(finding.accountId)),
      field(labels.principal, inlineCode(finding.principalArn)),
      field(labels.profile, inlineCode(profileOrModel(finding))),
      field(labels.route, `${inlineCode(finding.sourceRegion)} → ${inlineCode(finding.deniedRegion)}${regionNote(finding.deniedRegion, content.lang)}`),
      field(labels.action, action),
      field(labels.verdict, `${inlineCode(finding.verdict)} · ${labels.severity[severity] ?? severity}`),
    ].slice(0, SLACK_LIMITS.fields),
  });

  const policy = policyField(finding, labels, content.lang);
  const identifiers = findingIdentifiers(finding);
  if (policy !== null) {
    const statement = statementLabel(finding);
    const lines = [`*${policy.label}* ${policy.isArn ? inlineCode(policy.value) : escapeMrkdwn(policy.value)}`];
    if (statement !== null) lines.push(`*${labels.statement}* ${inlineCode(statement)}`);
    if (links.organizationsPolicy !== null) lines.push(`<${links.organizationsPolicy}|${labels.organizationsPolicy}>`);
    blocks.push({ type: 'section', text: mrkdwn(lines.join('\n')) });
  }

  const authorization = authorizationLine(finding, labels);
  if (authorization !== null) blocks.push({ type: 'section', text: mrkdwn(authorization) });

  blocks.push({ type: 'section', text: mrkdwn(`*${labels.reason}*\n${mrkdwnProse(explainFinding(finding, content.lang), identifiers)}`) });

  const fix = finding.fix ?? null;
  const recommended = fix?.recommended ?? null;
  if (recommended === null) {
    blocks.push({ type: 'section', text: mrkdwn(`*${labels.recommendedFix}*\n${escapeMrkdwn(labels.noFix)}`) });
  } else {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        `*${labels.recommendedFix}:* ${mrkdwnProse(recommended.title, identifiers)}\n${mrkdwnProse(recommended.summary, identifiers)}${outcomeLine(verificationText(recommended, content.lang))}`,
      ),
    });
    if (recommended.snippet !== null) {
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: codeBlock(recommended.snippet.content, SLACK_LIMITS.sectionText) } });
    }
  }

  const callerLines = [`*${labels.caller}* ${inlineCode(finding.userAgent, 300)} ${inlineCode(finding.sourceIpAddress, 60)}`];
  blocks.push({ type: 'section', text: mrkdwn(callerLines.join('\n')) });
  if (finding.errorMessage !== null) blocks.push({ type: 'section', text: labelledCodeBlock(labels.errorMessage, finding.errorMessage) });

  const context: SlackText[] = [];
  const alternatives = fix === null ? 0 : Math.max(0, fix.options.length - (recommended === null ? 0 : 1));
  // No "0 alternatives" line: an empty list is left out.
  if (alternatives > 0) context.push({ type: 'mrkdwn', text: labels.alternatives(alternatives) });
  if (repeats > 0) context.push({ type: 'mrkdwn', text: labels.repeats(repeats) });
  if (links.cloudTrailEvent !== null) context.push({ type: 'mrkdwn', text: `<${links.cloudTrailEvent}|${labels.cloudTrailEvent}>` });
  context.push({ type: 'mrkdwn', text: `${labels.fingerprint} ${inlineCode(fingerprint, 64)}` });
  blocks.push({ type: 'context', elements: context.slice(0, SLACK_LIMITS.contextElements) });

  const fallback = `${headline}: ${escapeMrkdwn(finding.accountId ?? '-')} ${escapeMrkdwn(finding.sourceRegion ?? '-')} → ${escapeMrkdwn(finding.deniedRegion ?? '-')}`;
  return { text: truncateEscaped(fallback, SLACK_LIMITS.sectionText), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

/** The verification outcome as an italic line under the fix, or nothing for an option never evaluated. */
function outcomeLine(text: string | null): string {
  return text === null ? '' : `\n_${escapeMrkdwn(text)}_`;
}

/**
 * The Access Troubleshooter reference: a link when the message carried a complete console link
 * (the parser keeps only AWS console hosts, so it is safe to make clickable), else the ID as code.
 */
function authorizationLine(finding: Finding, labels: AlertLabels): string | null {
  if (finding.authorizationDetailsUrl !== null && /^https:\/\/[a-z0-9.-]+\/[A-Za-z0-9/?=#._-]*$/.test(finding.authorizationDetailsUrl)) {
    return `<${finding.authorizationDetailsUrl}|${labels.authorizationDetails}> ${inlineCode(finding.authorizationId)}`;
  }
  return finding.authorizationId === null ? null : `*${labels.authorizationId}* ${inlineCode(finding.authorizationId)}`;
}
