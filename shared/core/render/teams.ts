import { explainFinding } from '../classify/explain.js';
import { aside, regionNote } from './punctuation.js';
import { severityOf, type Severity } from '../alert/severity.js';
import { truncateText } from '../text-safety.js';
import { alertLabels, consoleLinks, policyField, profileOrModel, statementLabel } from './alert-text.js';
import { SEVERITY_SYMBOL, chatLabels, inertText, verificationText } from './chat-text.js';
import type { AlertContent } from './slack.js';

/**
 * Limits of a Microsoft Teams incoming webhook (a Workflows "When a Teams webhook request is
 * received" flow posting the card, or a legacy Incoming Webhook).
 * @see https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
 *   "The message size limit is 28 KB"; "If more than four requests are made in a second, the client
 *   connection is throttled" (HTTP 429).
 * @see https://learn.microsoft.com/connectors/teams/ — the Teams connector posting the card: "about
 *   28 KB … including all HTML elements"; beyond it "Request Entity too large".
 */
export const TEAMS_LIMITS = {
  payloadBytes: 28 * 1024,
  requestsPerSecond: 4,
} as const;

/**
 * What this renderer aims for: well under the documented 28 KB, because the Workflows flow wraps
 * the card again before posting it, and a published client library (msteams_hermes) reports
 * rejections from about 21 KB. Any cut is marked in the card.
 */
export const TEAMS_CARD_BUDGET_BYTES = 20 * 1024;

/**
 * Adaptive Card schema version of the card. Teams renders up to 1.5; 1.4 is the newest version
 * every Teams client (desktop, web, mobile) and the Workflows card action accept, and it has all
 * this card uses (RichTextBlock/TextRun since 1.2, Action.OpenUrl since 1.0).
 * @see https://learn.microsoft.com/adaptive-cards/schema-explorer/rich-text-block
 */
export const ADAPTIVE_CARD_VERSION = '1.4';

/**
 * A plain run of text. `TextRun` does not interpret Markdown (unlike `TextBlock`), so record text
 * placed here is shown exactly as written: identifiers stay copyable and `**`, `[x](y)`, `<at>`
 * do nothing.
 * @see https://learn.microsoft.com/adaptive-cards/schema-explorer/text-run
 */
export interface TextRun {
  type: 'TextRun';
  text: string;
  weight?: 'Bolder';
  fontType?: 'Monospace';
  size?: 'Medium' | 'Large';
  color?: 'Attention' | 'Warning' | 'Good' | 'Accent';
  isSubtle?: boolean;
}

/** The card elements this renderer emits. */
export type CardElement =
  | { type: 'RichTextBlock'; inlines: TextRun[]; spacing?: 'None' | 'Small' | 'Medium'; separator?: boolean }
  | { type: 'Container'; items: CardElement[]; spacing?: 'None' | 'Small' | 'Medium'; style?: 'emphasis' };

/** An Adaptive Card. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: string;
  msteams: { width: 'Full' };
  body: CardElement[];
  actions: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>;
}

/** The body a Teams webhook takes: a message with one Adaptive Card attachment. */
export interface TeamsMessage {
  type: 'message';
  attachments: Array<{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }>;
}

const SEVERITY_COLOUR: Record<Severity, TextRun['color']> = { high: 'Attention', medium: 'Warning', low: undefined };

function run(text: string, style: Omit<TextRun, 'type' | 'text'> = {}): TextRun {
  return { type: 'TextRun', text, ...style };
}

/** One "Label: value" line, the value monospaced (the card's code span). */
function fact(label: string, value: string | null, maxLength = 500): CardElement {
  const shown = value === null || value.trim() === '' ? '-' : truncateText(inertText(value), maxLength);
  return { type: 'RichTextBlock', spacing: 'None', inlines: [run(`${label}: `, { weight: 'Bolder' }), run(shown, { fontType: 'Monospace' })] };
}

function paragraph(label: string | null, text: string, options: { separator?: boolean; monospace?: boolean } = {}): CardElement {
  const inlines = label === null ? [] : [run(`${label}\n`, { weight: 'Bolder' })];
  inlines.push(run(inertText(text, { multiline: true }), options.monospace === true ? { fontType: 'Monospace' } : {}));
  return { type: 'RichTextBlock', inlines, spacing: 'Medium', ...(options.separator === true ? { separator: true } : {}) };
}

/** How much of the long parts a card carries; shrunk step by step until the card fits its budget. */
interface Allowance {
  snippetLines: number;
  lineChars: number;
  errorChars: number;
  callerChars: number;
}

const ALLOWANCES: Allowance[] = [
  { snippetLines: 80, lineChars: 240, errorChars: 2000, callerChars: 300 },
  { snippetLines: 40, lineChars: 160, errorChars: 1000, callerChars: 200 },
  { snippetLines: 15, lineChars: 120, errorChars: 400, callerChars: 120 },
  { snippetLines: 0, lineChars: 0, errorChars: 200, callerChars: 80 },
];

function buildCard(content: AlertContent, allowance: Allowance): AdaptiveCard {
  const { finding, fingerprint, repeats, lang } = content;
  const labels = alertLabels(lang);
  const chat = chatLabels(lang);
  const severity = severityOf(finding);
  const headline = labels.headline[finding.verdict] ?? labels.headline.unknown;
  const links = consoleLinks(finding);
  const body: CardElement[] = [];

  body.push({
    type: 'RichTextBlock',
    inlines: [run(`${SEVERITY_SYMBOL[severity]} ${headline}`, { weight: 'Bolder', size: 'Medium', ...(SEVERITY_COLOUR[severity] === undefined ? {} : { color: SEVERITY_COLOUR[severity] }) })],
  });
  const action = finding.action === null ? finding.eventName : `${finding.action} (${finding.eventName ?? '-'})`;
  const facts: CardElement[] = [
    fact(labels.account, finding.accountId),
    fact(labels.principal, finding.principalArn),
    fact(labels.profile, profileOrModel(finding)),
    fact(labels.route, `${finding.sourceRegion ?? '-'} → ${finding.deniedRegion ?? '-'}${regionNote(finding.deniedRegion, lang)}`),
    fact(labels.action, action),
    fact(labels.verdict, `${finding.verdict} · ${labels.severity[severity] ?? severity}`),
  ];
  // Labelled by its type, as in Slack: an identity-policy ARN is never called an SCP.
  const policy = policyField(finding, labels, lang);
  if (policy !== null) facts.push(fact(policy.label, policy.value));
  const statement = statementLabel(finding);
  if (statement !== null) facts.push(fact(labels.statement, statement));
  body.push({ type: 'Container', spacing: 'Medium', items: facts });

  body.push(paragraph(labels.reason, explainFinding(finding, lang), { separator: true }));

  const fix = finding.fix ?? null;
  const recommended = fix?.recommended ?? null;
  if (recommended === null) {
    body.push(paragraph(labels.recommendedFix, labels.noFix));
  } else {
    const verification = verificationText(finding, lang);
    body.push({
      type: 'RichTextBlock',
      spacing: 'Medium',
      inlines: [
        run(`${labels.recommendedFix}: `, { weight: 'Bolder' }),
        run(inertText(recommended.title), { weight: 'Bolder' }),
        ...(verification === null ? [] : [run(aside(verification, lang), { color: fix?.verification.status === 'failed' ? 'Attention' : fix?.verification.status === 'verified' ? 'Good' : 'Warning' })]),
        run(`\n${inertText(recommended.summary, { multiline: true })}`),
      ],
    });
    if (recommended.snippet !== null && allowance.snippetLines > 0) {
      const lines = inertText(recommended.snippet.content, { multiline: true }).replace(/\n+$/, '').split('\n');
      const shown = lines.slice(0, allowance.snippetLines);
      // One block per line: every Teams client keeps the line breaks and indentation of the policy.
      const items: CardElement[] = shown.map((line) => ({
        type: 'RichTextBlock',
        spacing: 'None',
        inlines: [run(truncateText(line.replace(/\t/g, '  '), allowance.lineChars) || ' ', { fontType: 'Monospace' })],
      }));
      if (lines.length > shown.length) items.push({ type: 'RichTextBlock', spacing: 'Small', inlines: [run(chat.snippetCut(lines.length - shown.length), { isSubtle: true })] });
      body.push({ type: 'Container', style: 'emphasis', spacing: 'Small', items });
    } else if (recommended.snippet !== null) {
      body.push({ type: 'RichTextBlock', spacing: 'Small', inlines: [run(chat.snippetCut(recommended.snippet.content.split('\n').length), { isSubtle: true })] });
    }
  }

  const caller = [finding.userAgent, finding.sourceIpAddress].filter((part): part is string => part !== null).join(' ');
  const tail: CardElement[] = [fact(labels.caller, caller === '' ? null : caller, allowance.callerChars)];
  if (finding.errorMessage !== null) tail.push(fact(labels.errorMessage, finding.errorMessage, allowance.errorChars));
  const context: string[] = [];
  const alternatives = fix === null ? 0 : Math.max(0, fix.options.length - (recommended === null ? 0 : 1));
  if (alternatives > 0) context.push(labels.alternatives(alternatives));
  if (repeats > 0) context.push(labels.repeats(repeats));
  if (context.length > 0) tail.push({ type: 'RichTextBlock', spacing: 'Small', inlines: [run(context.join(' · '), { isSubtle: true })] });
  tail.push(fact(labels.fingerprint, fingerprint, 64));
  body.push({ type: 'Container', spacing: 'Medium', items: tail });

  const actions: AdaptiveCard['actions'] = [];
  if (links.cloudTrailEvent !== null) actions.push({ type: 'Action.OpenUrl', title: chat.openCloudTrailEvent, url: links.cloudTrailEvent });
  if (links.organizationsPolicy !== null) actions.push({ type: 'Action.OpenUrl', title: chat.openPolicy, url: links.organizationsPolicy });

  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: ADAPTIVE_CARD_VERSION,
    msteams: { width: 'Full' },
    body,
    actions,
  };
}

function wrap(card: AdaptiveCard): TeamsMessage {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** UTF-8 size of the JSON body a webhook receives. */
export function teamsPayloadBytes(message: TeamsMessage): number {
  return new TextEncoder().encode(JSON.stringify(message)).length;
}

/**
 * Renders one alert as a Teams webhook message holding one Adaptive Card with the same content as
 * the Slack message: verdict headline; account, principal, profile, source → denied Region,
 * action, verdict, SCP and statement; the reason; the recommended fix with its verification
 * outcome and its policy snippet; caller, error message, alternatives, repeats, fingerprint; and
 * buttons that open the CloudTrail event and the SCP (links built from validated IDs only).
 *
 * Every value from the record sits in a `TextRun`, which Teams never reads as Markdown, with
 * `scheme://` broken: nothing an attacker writes can format, link or mention. The card is shrunk
 * (snippet lines first, then error and caller text) until it fits {@link TEAMS_CARD_BUDGET_BYTES},
 * and every cut is marked.
 * @see https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format
 */
export function renderTeamsMessage(content: AlertContent): TeamsMessage {
  let message = wrap(buildCard(content, ALLOWANCES[0] as Allowance));
  for (const allowance of ALLOWANCES.slice(1)) {
    if (teamsPayloadBytes(message) <= TEAMS_CARD_BUDGET_BYTES) break;
    message = wrap(buildCard(content, allowance));
  }
  return message;
}

/** The text a person reads in a card, line by line (the demo and tests use it). */
export function teamsCardLines(message: TeamsMessage): string[] {
  const lines: string[] = [];
  const visit = (element: CardElement): void => {
    if (element.type === 'Container') element.items.forEach(visit);
    else lines.push(...element.inlines.map((inline) => inline.text).join('').split('\n'));
  };
  for (const attachment of message.attachments) {
    attachment.content.body.forEach(visit);
    for (const action of attachment.content.actions) lines.push(`[${action.title}] ${action.url}`);
  }
  return lines;
}
