/**
 * The guard alert in every channel: Slack Block Kit and the plain text SNS sends (email and other
 * text subscribers). The actor ARN, account/OU/policy names and the policy text come from the
 * organization's administrators or the caller of the API, so they are hostile text: escaped as the
 * alert function's renderers escape them, identifiers in code spans so they stay copyable.
 * @see https://api.slack.com/reference/surfaces/formatting#escaping
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
import { codeBlock, escapeMrkdwn, inlineCode, truncatePlain } from '../render/mrkdwn.js';
import { SLACK_LIMITS, type SlackBlock, type SlackMessage } from '../render/slack.js';
import { SNS_LIMITS, breakLinks } from '../render/sns.js';
import { neutralizeText } from '../text-safety.js';
import type { Language } from '../types.js';
import type { GuardAlert, GuardAlertGroup } from './alert.js';
import { GUARD_MESSAGES } from './messages.js';

function countFlips(groups: readonly GuardAlertGroup[]): number {
  return groups.reduce((sum, group) => sum + group.targets.length + group.moreTargets, 0);
}

function titleOf(alert: GuardAlert, lang: Language): string {
  return GUARD_MESSAGES[lang].title({ breaks: countFlips(alert.breaks), repairs: countFlips(alert.repairs) });
}

/** The sentence saying what the change did, with each identifier passed through `code`. */
function whatText(alert: GuardAlert, lang: Language, code: (value: string | null) => string): string {
  const template = GUARD_MESSAGES[lang].what[alert.eventName] ?? alert.eventName;
  const policy = alert.policyName === null ? code(alert.policyId) : `${code(alert.policyId)} (${code(alert.policyName)})`;
  const values: Record<string, string> = { policy, target: code(alert.targetId), account: code(alert.accountId), parent: code(alert.destinationParentId) };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

function targetList(group: GuardAlertGroup, lang: Language, code: (value: string | null) => string, name: (value: string) => string): string {
  const listed = group.targets.map((t) => (t.name === null || t.name === t.id ? code(t.id) : `${code(t.id)} ${name(t.name)}`));
  if (group.moreTargets > 0) listed.push(GUARD_MESSAGES[lang].andMore(group.moreTargets));
  return listed.join(', ');
}

function deniedByText(group: GuardAlertGroup, lang: Language, code: (value: string | null) => string): string {
  const m = GUARD_MESSAGES[lang];
  return group.deniedBy
    .map((d) => (d.policyId === null ? `${m.implicitDeny} (level ${d.level})` : `${code(d.policyId)}${d.policyName === null ? '' : ` ${code(d.policyName)}`}${d.sid === null ? '' : ` Sid ${code(d.sid)}`} (level ${d.level})`))
    .join('; ');
}

function fixLine(group: GuardAlertGroup, lang: Language, plain: (value: string) => string): string {
  const m = GUARD_MESSAGES[lang];
  if (group.fix === null || group.fix.option === null) return `${m.fix}: ${m.noFix}${group.fix === null ? '' : ` (${m.verification(group.fix.verification)})`}`;
  return `${m.fix}: ${plain(group.fix.title ?? group.fix.option)} (${m.verification(group.fix.verification)})`;
}

/** The Slack message of a guard alert (within Block Kit's limits whatever the alert holds). */
export function renderGuardSlack(alert: GuardAlert, lang: Language): SlackMessage {
  const m = GUARD_MESSAGES[lang];
  const code = (value: string | null) => inlineCode(value, 200);
  const title = titleOf(alert, lang);
  const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text: text.length > SLACK_LIMITS.sectionText ? `${text.slice(0, SLACK_LIMITS.sectionText - 1)}…` : text } });
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncatePlain(title, SLACK_LIMITS.headerText), emoji: false } },
    section(`*${m.changedBy}* ${alert.actor === null ? m.unknownActor : code(alert.actor)}\n*${m.change}* ${whatText(alert, lang, code)} · ${code(alert.eventName)} ${m.at} ${code(alert.eventTime)}`),
  ];
  const direction = (heading: string, groups: readonly GuardAlertGroup[], more: number) => {
    for (const group of groups) {
      blocks.push({ type: 'divider' });
      const lines = [
        `*${heading}* · ${code(group.profile)} ${m.from} ${code(group.sourceRegion)} · ${m.accounts(group.accounts)}`,
        targetList(group, lang, code, (name) => escapeMrkdwn(neutralizeText(name))),
      ];
      if (group.deniedDestinations.length > 0) lines.push(`*${m.deniedRegions}* ${group.deniedDestinations.map(code).join(', ')}`);
      if (group.sourceCallDenied) lines.push(`*${m.deniedRegions}* ${m.sourceDenied}`);
      if (group.deniedBy.length > 0) lines.push(`*${m.deniedBy}* ${deniedByText(group, lang, code)}`);
      if (heading === m.breaksHeading) lines.push(fixLine(group, lang, (text) => escapeMrkdwn(text)).replace(/^([^:]+):/, '*$1*:'));
      blocks.push(section(lines.join('\n')));
      if (group.fix?.snippet != null) blocks.push(section(codeBlock(group.fix.snippet, SLACK_LIMITS.sectionText)));
    }
    if (more > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.moreGroups(more) }] });
  };
  direction(m.breaksHeading, alert.breaks, alert.moreGroups.breaks);
  direction(m.repairsHeading, alert.repairs, alert.moreGroups.repairs);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(m.footer({ eventId: alert.eventId, takenAt: alert.snapshotTakenAt, affected: alert.affectedTargets })) }] });
  return { text: truncatePlain(title, 300), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

/** One line of hostile text for a plain-text channel: controls and bidi neutralised, links broken. */
function printable(value: string | null): string {
  return breakLinks(neutralizeText(value ?? '-'));
}

/** The plain text body SNS sends (email, SMS is not subscribed); every fact of the alert. */
export function renderGuardText(alert: GuardAlert, lang: Language): string {
  const m = GUARD_MESSAGES[lang];
  const lines = [titleOf(alert, lang), '', `${m.changedBy}: ${alert.actor === null ? m.unknownActor : printable(alert.actor)}`, `${m.change}: ${whatText(alert, lang, printable)} (${alert.eventName}, ${printable(alert.eventTime)})`];
  const direction = (heading: string, groups: readonly GuardAlertGroup[], more: number) => {
    for (const group of groups) {
      lines.push('', `${heading}: ${group.profile} ${m.from} ${group.sourceRegion} (${m.accounts(group.accounts)})`, `  ${targetList(group, lang, printable, printable)}`);
      if (group.deniedDestinations.length > 0) lines.push(`  ${m.deniedRegions}: ${group.deniedDestinations.join(', ')}`);
      if (group.sourceCallDenied) lines.push(`  ${m.deniedRegions}: ${m.sourceDenied}`);
      if (group.deniedBy.length > 0) lines.push(`  ${m.deniedBy}: ${deniedByText(group, lang, printable)}`);
      if (heading === m.breaksHeading) lines.push(`  ${fixLine(group, lang, printable)}`);
      if (group.fix?.snippet != null) lines.push('', ...breakLinks(neutralizeText(group.fix.snippet, { multiline: true })).replace(/\n+$/, '').split('\n').map((l) => `    ${l}`));
    }
    if (more > 0) lines.push('', m.moreGroups(more));
  };
  direction(m.breaksHeading, alert.breaks, alert.moreGroups.breaks);
  direction(m.repairsHeading, alert.repairs, alert.moreGroups.repairs);
  lines.push('', m.footer({ eventId: alert.eventId, takenAt: alert.snapshotTakenAt, affected: alert.affectedTargets }));
  return lines.join('\n');
}

/** The SNS subject: printable ASCII, one line, shorter than 100 characters (SNS refuses anything else). */
export function renderGuardSubject(alert: GuardAlert): string {
  const breaks = countFlips(alert.breaks);
  const repairs = countFlips(alert.repairs);
  const verb = breaks > 0 ? `breaks ${breaks}` : `repairs ${repairs}`;
  const subject = `cris-auditor: ${alert.eventName} ${verb} CRIS route(s) in use${alert.policyId === null ? '' : ` (${alert.policyId})`}`;
  return subject.replace(/[^\x20-\x7e]/g, '?').slice(0, SNS_LIMITS.subject);
}
