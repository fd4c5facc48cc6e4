import { explainFinding } from '../classify/explain.js';
import { aside, bracketed, regionNote } from './punctuation.js';
import { severityOf } from '../alert/severity.js';
import type { Finding, Language } from '../types.js';
import { neutralizeText } from '../text-safety.js';
import { alertLabels, consoleLinks, findingIdentifiers, policyField, policyShown, profileOrModel, statementLabel } from './alert-text.js';
import { SEVERITY_SYMBOL, chatLabels, verificationText } from './chat-text.js';
import { codeBlock, escapeMrkdwn, inlineCode, mrkdwnProse, truncateEscaped } from './mrkdwn.js';
import type { AlertContent } from './slack.js';

/**
 * Amazon Q Developer in chat applications (formerly AWS Chatbot) custom notifications: the event
 * an SNS topic mapped to a Q Developer channel configuration (Slack or Microsoft Teams) must carry
 * so Q Developer renders it instead of showing the raw JSON.
 *
 * The documented schema: `version` ("1.0"), `source` ("custom"), `id`, `content` (`textType`
 * "client-markdown", `title`, `description`, `nextSteps[]`, `keywords[]`) and `metadata`
 * (`threadId`, `summary`, `eventType`, `relatedResources[]`, `additionalContext{}`,
 * `enableCustomActions`). Notifications that share a `threadId` are threaded when the channel's
 * preferences allow it.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */

/** The custom notification event. */
export interface QDeveloperNotification {
  version: '1.0';
  source: 'custom';
  id: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
    keywords: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources: string[];
    additionalContext: Record<string, string>;
    enableCustomActions: boolean;
  };
}

/**
 * Sizes this renderer keeps to. The custom-notification page we could read states the fields and
 * their types but no per-field maximum; the only hard limit documented for the path is SNS's
 * 256 KiB per message. Q Developer renders a notification into Slack Block Kit, whose limits are
 * documented (header 150 characters, section text 3,000), so the title and description are held
 * to those; lists are kept short enough to read in a chat.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 * @see https://api.slack.com/reference/block-kit/blocks
 */
export const Q_DEVELOPER_LIMITS = {
  title: 150,
  description: 3000,
  nextSteps: 5,
  nextStepChars: 500,
  keywords: 8,
  keywordChars: 50,
  summary: 150,
  relatedResources: 10,
  contextValueChars: 256,
  /** SNS's 256 KiB, with a margin for the publish envelope. */
  messageBytes: 240 * 1024,
} as const;

/** `metadata.eventType` of the two kinds of notification; the custom actions attach to the alert. */
export const Q_DEVELOPER_EVENT_TYPES = { alert: 'CrisAuditorAlert', digest: 'CrisAuditorDigest' } as const;

/**
 * Values a custom action may substitute into a command (`additionalContext`): only values that
 * match their strict shape are put there, so no record text can reach a command line.
 */
const CONTEXT_SHAPES: Record<string, RegExp> = {
  accountId: /^\d{12}$/,
  sourceRegion: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
  deniedRegion: /^([a-z]{2}(-[a-z]+)+-\d{1,2}|unspecified)$/,
  verdict: /^[a-z][a-z-]{1,40}$/,
  severity: /^(high|medium|low)$/,
  fingerprint: /^[0-9a-f]{32}$/,
  eventId: /^[0-9A-Za-z-]{1,128}$/,
  profileId: /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
};

/** An ARN safe to list as a related resource: one token, no mrkdwn control characters. */
const ARN_SHAPE = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:[A-Za-z0-9_+=,.@:/*-]{1,1000}$/;

function contextOf(values: Record<string, string | null | undefined>): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const shape = CONTEXT_SHAPES[key];
    if (typeof value === 'string' && shape !== undefined && shape.test(value)) context[key] = value;
  }
  return context;
}

/** `<url|label>`: only for links built from validated IDs (console links), never for record text. */
function link(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label)}>`;
}

/** UTF-8 size of the SNS message that carries a notification. */
export function qDeveloperMessageBytes(notification: QDeveloperNotification): number {
  return new TextEncoder().encode(JSON.stringify(notification)).length;
}

/**
 * The description: every fact of the alert in client-markdown, record values as inline code
 * (escaped as for Slack: entities, no backtick can close a span, links broken), prose with its
 * identifiers spanned, the policy snippet as a code block with whatever room is left.
 */
function describeAlert(content: AlertContent): string {
  const { finding, lang } = content;
  const labels = alertLabels(lang);
  const identifiers = findingIdentifiers(finding);
  const action = finding.action === null ? inlineCode(finding.eventName) : `${inlineCode(finding.action)} (${inlineCode(finding.eventName)})`;
  const lines = [
    `*${labels.account}* ${inlineCode(finding.accountId)}   *${labels.principal}* ${inlineCode(finding.principalArn)}`,
    `*${labels.profile}* ${inlineCode(profileOrModel(finding))}`,
    `*${labels.route}* ${inlineCode(finding.sourceRegion)} → ${inlineCode(finding.deniedRegion)}${regionNote(finding.deniedRegion, lang)}   *${labels.action}* ${action}`,
  ];
  const policy = policyField(finding, labels, lang);
  if (policy !== null) {
    const statement = statementLabel(finding);
    lines.push(`*${policy.label}* ${policy.isArn ? inlineCode(policy.value) : escapeMrkdwn(policy.value)}${statement === null ? '' : `   *${labels.statement}* ${inlineCode(statement)}`}`);
  }
  lines.push(`*${labels.reason}* ${mrkdwnProse(explainFinding(finding, lang), identifiers)}`);
  const head = truncateEscaped(lines.join('\n'), Q_DEVELOPER_LIMITS.description - 200);
  const tail = [`*${labels.caller}* ${inlineCode(finding.userAgent, 200)} ${inlineCode(finding.sourceIpAddress, 60)}`];
  if (finding.errorMessage !== null) tail.push(`*${labels.errorMessage}* ${inlineCode(finding.errorMessage, 400)}`);
  const tailText = tail.join('\n');
  const snippet = finding.fix?.recommended?.snippet ?? null;
  const room = Q_DEVELOPER_LIMITS.description - head.length - tailText.length - 2;
  const parts = [head];
  if (snippet !== null && room > 200) parts.push(codeBlock(snippet.content, room - 1));
  else if (snippet !== null) parts.push(`_${escapeMrkdwn(chatLabels(lang).snippetCut(snippet.content.split('\n').length))}_`);
  parts.push(tailText);
  return truncateEscaped(parts.join('\n'), Q_DEVELOPER_LIMITS.description);
}

function recommendedStep(finding: Finding, lang: Language): string {
  const labels = alertLabels(lang);
  const recommended = finding.fix?.recommended ?? null;
  if (recommended === null) return `*${labels.recommendedFix}:* ${escapeMrkdwn(labels.noFix)}`;
  const identifiers = findingIdentifiers(finding);
  const verification = verificationText(finding, lang);
  const alternatives = Math.max(0, (finding.fix?.options.length ?? 1) - 1);
  return truncateEscaped(
    `*${labels.recommendedFix}:* ${mrkdwnProse(recommended.title, identifiers)}${verification === null ? '' : ` _${escapeMrkdwn(bracketed(verification, lang))}_`} — ${mrkdwnProse(recommended.summary, identifiers)}${alternatives > 0 ? aside(labels.alternatives(alternatives), lang) : ''}`,
    Q_DEVELOPER_LIMITS.nextStepChars,
  );
}

/**
 * Renders one alert as a Q Developer custom notification: the verdict as the title; the facts,
 * reason and policy snippet as the description; the recommended fix with its verification outcome
 * and the console links as next steps; validated keywords (verdict, severity, Regions, account);
 * and metadata that threads every alert of one fingerprint (`threadId` = the fingerprint), names
 * the denying SCP and principal as related resources, and carries the validated values the
 * custom action buttons substitute (`additionalContext`).
 */
export function renderQDeveloperAlert(content: AlertContent): QDeveloperNotification {
  const { finding, fingerprint, repeats, lang } = content;
  const labels = alertLabels(lang);
  const chat = chatLabels(lang);
  const severity = severityOf(finding);
  const headline = labels.headline[finding.verdict] ?? labels.headline.unknown;
  const links = consoleLinks(finding);
  const context = contextOf({
    accountId: finding.accountId,
    sourceRegion: finding.sourceRegion,
    deniedRegion: finding.deniedRegion,
    verdict: finding.verdict,
    severity,
    fingerprint,
    eventId: finding.eventId,
    profileId: profileOrModel(finding),
  });
  const nextSteps = [recommendedStep(finding, lang)];
  if (repeats > 0) nextSteps.push(escapeMrkdwn(labels.repeats(repeats)));
  if (links.cloudTrailEvent !== null) nextSteps.push(link(links.cloudTrailEvent, chat.openCloudTrailEvent));
  if (links.organizationsPolicy !== null) nextSteps.push(link(links.organizationsPolicy, chat.openPolicy));
  const keywords = [finding.verdict, labels.severity[severity] ?? severity, context['deniedRegion'], context['accountId']].filter(
    (keyword): keyword is string => keyword !== undefined,
  );
  const related = [policyShown(finding), finding.principalArn, finding.deniedResource].filter(
    (arn): arn is string => typeof arn === 'string' && ARN_SHAPE.test(arn),
  );
  const summaryParts = [context['accountId'], context['sourceRegion'] === undefined ? undefined : `${context['sourceRegion']} → ${context['deniedRegion'] ?? '?'}`];
  return {
    version: '1.0',
    source: 'custom',
    id: context['eventId'] ?? fingerprint,
    content: {
      textType: 'client-markdown',
      title: truncateEscaped(`${SEVERITY_SYMBOL[severity]} ${escapeMrkdwn(headline)}`, Q_DEVELOPER_LIMITS.title),
      description: describeAlert(content),
      nextSteps: nextSteps.slice(0, Q_DEVELOPER_LIMITS.nextSteps),
      keywords: keywords.slice(0, Q_DEVELOPER_LIMITS.keywords).map((keyword) => truncateEscaped(escapeMrkdwn(keyword), Q_DEVELOPER_LIMITS.keywordChars)),
    },
    metadata: {
      threadId: fingerprint,
      summary: truncateEscaped(escapeMrkdwn([headline, ...summaryParts.filter((part) => part !== undefined)].join(' · ')), Q_DEVELOPER_LIMITS.summary),
      eventType: Q_DEVELOPER_EVENT_TYPES.alert,
      relatedResources: [...new Set(related)].slice(0, Q_DEVELOPER_LIMITS.relatedResources),
      additionalContext: context,
      enableCustomActions: true,
    },
  };
}

/** What a digest summary notification says: counts of the day and its top fingerprints. */
export interface DigestSummaryContent {
  lang: Language;
  /** The digest window, ISO times, and its time zone. */
  window: { from: string; to: string; timeZone: string };
  totals: { count: number; fingerprints: number; newFingerprints: number; change: number };
  byVerdict: Array<{ verdict: string; count: number }>;
  /** The groups to list, most denials first; each a finding with its count. */
  groups: Array<{ fingerprint: string; count: number; isNew: boolean; finding: Finding; recommendedTitle: string | null }>;
  /** The most failing (account, profile, source Region) of the day, as `describeIntermittency` words them (unescaped). */
  intermittency?: Array<{ accountId: string | null; sentence: string }>;
  /** Profiles in use that the SCPs block ("will break"), most targets first. */
  willBreak?: Array<{ profile: string; sourceRegion: string; deniedDestinations: string[]; targetsTotal: number; recommendedTitle: string | null }>;
}

/**
 * Renders the daily digest as one Q Developer custom notification: the totals as the title, the
 * verdict counts and top fingerprints (account, profile, route, recommended fix) as the
 * description, threaded per day (`threadId` = `digest-<window end>`), every record value escaped
 * as for the alerts.
 */
export function renderQDeveloperDigest(content: DigestSummaryContent): QDeveloperNotification {
  const { lang, totals } = content;
  const chat = chatLabels(lang);
  const labels = alertLabels(lang);
  const day = content.window.to.slice(0, 10);
  const t = Q_DEVELOPER_TEXT[lang];
  const title = t.digestTitle({ title: chat.digestTitle, day, count: totals.count, fingerprints: totals.fingerprints, newFingerprints: totals.newFingerprints });
  const lines = [
    `*${t.window}* ${inlineCode(content.window.from)} → ${inlineCode(content.window.to)} (${escapeMrkdwn(content.window.timeZone)})`,
    content.byVerdict.map(({ verdict, count }) => `${inlineCode(verdict)} ${count}`).join(' · '),
  ];
  for (const group of content.groups.slice(0, 10)) {
    const finding = group.finding;
    const fix = group.recommendedTitle === null ? '' : ` — ${mrkdwnProse(group.recommendedTitle, findingIdentifiers(finding))}`;
    lines.push(
      `• ${group.count}× ${inlineCode(finding.accountId)} ${inlineCode(profileOrModel(finding))} ${inlineCode(finding.sourceRegion)} → ${inlineCode(finding.deniedRegion)}${regionNote(finding.deniedRegion, lang)}${group.isNew ? ` *${t.newBadge}*` : ''}${fix}`,
    );
  }
  const failing = (content.intermittency ?? []).slice(0, 5);
  if (failing.length > 0) lines.push(`*${t.intermittencyHeading}*`);
  // Single-lined first: a model ID from a log must not forge a line of the description.
  for (const row of failing) lines.push(`• ${inlineCode(row.accountId)} ${escapeMrkdwn(neutralizeText(row.sentence))}`);
  const breaks = (content.willBreak ?? []).slice(0, 5);
  if (breaks.length > 0) lines.push(`*${t.willBreakHeading}*`);
  for (const item of breaks) {
    const fix = item.recommendedTitle === null ? '' : ` — ${escapeMrkdwn(neutralizeText(item.recommendedTitle))}`;
    lines.push(`• ${inlineCode(item.profile)} ${inlineCode(item.sourceRegion)} → ${item.deniedDestinations.map((r) => inlineCode(r)).join(' ')}: ${t.blockedIn({ targets: item.targetsTotal })}${fix}`);
  }
  const summary = t.digestSummary({ count: totals.count, change: totals.change });
  return {
    version: '1.0',
    source: 'custom',
    id: `digest-${content.window.to}`.replace(/[^0-9A-Za-z-]/g, '-'),
    content: {
      textType: 'client-markdown',
      title: truncateEscaped(`📋 ${escapeMrkdwn(title)}`, Q_DEVELOPER_LIMITS.title),
      description: truncateEscaped(lines.join('\n'), Q_DEVELOPER_LIMITS.description),
      nextSteps: [escapeMrkdwn(t.digestNextStep)],
      keywords: [...t.digestKeywords],
    },
    metadata: {
      threadId: `digest-${day}`,
      summary: truncateEscaped(escapeMrkdwn(summary), Q_DEVELOPER_LIMITS.summary),
      eventType: Q_DEVELOPER_EVENT_TYPES.digest,
      relatedResources: [],
      additionalContext: { window: `${content.window.from}/${content.window.to}`.slice(0, Q_DEVELOPER_LIMITS.contextValueChars) },
      enableCustomActions: false,
    },
  };
}

/** The fixed texts of the digest notification, per language; counts and IDs are inserted verbatim. */
export const Q_DEVELOPER_TEXT: Readonly<
  Record<
    Language,
    {
      digestTitle: (v: { title: string; day: string; count: number; fingerprints: number; newFingerprints: number }) => string;
      window: string;
      newBadge: string;
      digestSummary: (v: { count: number; change: number }) => string;
      digestNextStep: string;
      digestKeywords: readonly string[];
      intermittencyHeading: string;
      willBreakHeading: string;
      blockedIn: (v: { targets: number }) => string;
    }
  >
> = {
  en: {
    digestTitle: ({ title, day, count, fingerprints, newFingerprints }) => `${title} ${day}: ${count} denials, ${fingerprints} distinct (${newFingerprints} new)`,
    window: 'Window',
    newBadge: 'new',
    digestSummary: ({ count, change }) => `${count} denials (${change >= 0 ? '+' : ''}${change} on the day before)`,
    digestNextStep: 'The digest email has every group with its fix',
    digestKeywords: ['digest', 'daily'],
    intermittencyHeading: 'How often calls fail',
    willBreakHeading: 'Will break',
    blockedIn: ({ targets }) => `blocked in ${targets} target${targets === 1 ? '' : 's'}`,
  },
  ja: {
    digestTitle: ({ title, day, count, fingerprints, newFingerprints }) =>
      count === 0 ? `${title} ${day}: 拒否なし` : `${title} ${day}: 拒否 ${count} 件（${fingerprints} 種類${newFingerprints > 0 ? `、うち新規 ${newFingerprints} 種類` : ''}）`,
    window: '期間',
    newBadge: '新規',
    digestSummary: ({ count, change }) => `${count === 0 ? '拒否なし' : `拒否 ${count} 件`}（前日比 ${change >= 0 ? '+' : ''}${change}）`,
    digestNextStep: '全文はダイジェストのメールにあります',
    digestKeywords: ['ダイジェスト', '日次'],
    intermittencyHeading: '呼び出しの失敗率',
    willBreakHeading: '今後失敗する呼び出し',
    blockedIn: ({ targets }) => (targets > 0 ? `${targets} 件の対象でブロック` : 'ブロック'),
  },
};
