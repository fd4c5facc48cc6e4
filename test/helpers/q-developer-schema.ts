import * as z from 'zod';
import type { SnsPublish } from './sns-server.js';

/**
 * The Amazon Q Developer in chat applications custom-notification event, written from the AWS
 * page "Custom notifications using Amazon Q Developer in chat applications" (Event schema and the
 * sample notifications): `version` and `source` are required and fixed; `content.description` is
 * the one required content field (the minimal sample carries only it); every other field is
 * optional, of the type the schema shows; no other field is defined (strict objects, so a typo
 * such as `nextstep` fails here instead of silently vanishing in the chat).
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 *
 * Sizes: the page gives no per-field maximum; the limits checked are SNS's 256 KiB per message
 * (documented) and the budgets the renderer promises (`Q_DEVELOPER_LIMITS`, from Slack Block
 * Kit's documented header and section limits, as Q Developer renders into Block Kit).
 */
export const qDeveloperNotificationSchema = z.strictObject({
  version: z.literal('1.0'),
  source: z.literal('custom'),
  id: z.optional(z.string().min(1)),
  content: z.strictObject({
    textType: z.optional(z.literal('client-markdown')),
    title: z.optional(z.string().min(1).max(150)),
    description: z.string().min(1).max(3000),
    nextSteps: z.optional(z.array(z.string().min(1).max(500)).max(5)),
    keywords: z.optional(z.array(z.string().min(1).max(50)).max(8)),
  }),
  metadata: z.optional(
    z.strictObject({
      threadId: z.optional(z.string().min(1).max(128)),
      summary: z.optional(z.string().min(1).max(150)),
      eventType: z.optional(z.string().regex(/^[a-zA-Z0-9-]{1,100}$/)),
      relatedResources: z.optional(z.array(z.string().min(1)).max(10)),
      additionalContext: z.optional(z.record(z.string(), z.string().max(256))),
      enableCustomActions: z.optional(z.boolean()),
    }),
  ),
});

/** SNS: "The maximum size of a message is 256 KiB". */
export const SNS_MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Where record text could still act in the chat client (Slack mrkdwn rules, which client-markdown
 * follows): a raw `<` that is not one of our `<https://…|label>` console links (control sequences
 * `<!channel>`, `<@U…>`, `<url|label>`), an unbroken `://` outside such a link, or an unescaped `&`.
 */
function markdownProblem(path: string, text: string): string | null {
  const outsideLinks = text.replace(/<https:\/\/[a-z0-9.-]+\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/[^\s<>|]*\|[^<>]*>/g, '');
  if (/[<>]/.test(outsideLinks)) return `${path} has a raw < or > outside a console link`;
  if (/:\/\//.test(outsideLinks)) return `${path} has a live URL outside a console link`;
  if (/&(?!(amp|lt|gt);)/.test(outsideLinks)) return `${path} has an unescaped &`;
  return null;
}

/** Why Q Developer would not render this message as a custom notification, or null. */
export function qDeveloperProblem(message: string): string | null {
  if (new TextEncoder().encode(message).length > SNS_MAX_MESSAGE_BYTES) return 'message exceeds 256 KiB';
  let event: unknown;
  try {
    event = JSON.parse(message);
  } catch {
    return 'message is not JSON';
  }
  const parsed = qDeveloperNotificationSchema.safeParse(event);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`).join('; ');
  const { content, metadata } = parsed.data;
  const texts: Array<[string, string]> = [
    ['content.title', content.title ?? ''],
    ['content.description', content.description],
    ...(content.nextSteps ?? []).map((step, index): [string, string] => [`content.nextSteps[${index}]`, step]),
    ...(content.keywords ?? []).map((keyword, index): [string, string] => [`content.keywords[${index}]`, keyword]),
    ['metadata.summary', metadata?.summary ?? ''],
  ];
  for (const [path, text] of texts) {
    const problem = markdownProblem(path, text);
    if (problem !== null) return problem;
  }
  return null;
}

/** An `inspect` for `startSnsServer`: checks publishes to `topicArn` (the chat topic) only. */
export function inspectQDeveloperTopic(topicArn: string): (publish: SnsPublish) => string | null {
  return (publish) => {
    if (publish.topicArn !== topicArn) return null;
    if (publish.messageStructure !== null) return 'a Q Developer topic takes the event as the raw message, not MessageStructure json';
    return qDeveloperProblem(publish.message);
  };
}
