import { startWebhookServer, type WebhookAnswer, type WebhookRequest, type WebhookServer } from './webhook-server.js';

/**
 * A loopback stand-in for a Microsoft Teams webhook (a Workflows flow "When a Teams webhook request
 * is received" that posts the card). It answers as the real one does and enforces what Teams
 * documents:
 * - the message size limit of 28 KB (413 beyond it);
 * - throttling beyond four requests a second (429);
 * - the webhook body `{ type: "message", attachments: [{ contentType:
 *   "application/vnd.microsoft.card.adaptive", content: AdaptiveCard }] }`;
 * - an Adaptive Card of a schema version Teams renders (1.0–1.5), whose body holds only known
 *   element types (each at or above the version that introduced it), `RichTextBlock` inlines that
 *   are `TextRun`s, and actions of known types with absolute https URLs.
 * A card it cannot read gets 400 with the reason, so a test sees exactly what Teams would refuse.
 * @see https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
 * @see https://adaptivecards.io/explorer/
 */

/** One request the fake webhook received (`problem`: why the card was refused, 400/413/429, else null). */
export type TeamsRequest = WebhookRequest;

/** One scripted answer. */
export type TeamsAnswer = WebhookAnswer;

/**
 * The loopback Teams webhook (the shared `webhook-server.ts` with Teams' rules): its URL is a
 * Workflows-like path with a signature, to prove it never reaches logs; `delivered()` holds the cards
 * accepted (202); `answer()` queues answers ahead of validation.
 */
export type TeamsServer = WebhookServer<{ type: string; attachments: Array<{ contentType: string; content: Record<string, unknown> }> }>;

/** The documented message size limit. */
export const TEAMS_MAX_BYTES = 28 * 1024;
/** Requests a second before Teams throttles. */
export const TEAMS_MAX_PER_SECOND = 4;
export const TEAMS_SECRET_PATH = '/workflows/0a1b2c3d/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sig=SECRETsignatureVALUE';

/** Element types of an Adaptive Card body, with the schema version that introduced each. */
const ELEMENTS: Record<string, number> = {
  TextBlock: 1.0,
  Image: 1.0,
  Container: 1.0,
  ColumnSet: 1.0,
  FactSet: 1.0,
  ImageSet: 1.0,
  'Input.Text': 1.0,
  'Input.Number': 1.0,
  'Input.Date': 1.0,
  'Input.Time': 1.0,
  'Input.Toggle': 1.0,
  'Input.ChoiceSet': 1.0,
  Media: 1.1,
  RichTextBlock: 1.2,
  ActionSet: 1.2,
  Table: 1.5,
};
const ACTIONS: Record<string, number> = {
  'Action.OpenUrl': 1.0,
  'Action.Submit': 1.0,
  'Action.ShowCard': 1.0,
  'Action.ToggleVisibility': 1.2,
  'Action.Execute': 1.4,
};
const VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkActions(actions: unknown, version: number, path: string): string | null {
  if (actions === undefined) return null;
  if (!Array.isArray(actions)) return `${path} must be an array`;
  for (const [index, action] of actions.entries()) {
    const where = `${path}[${index}]`;
    if (!isObject(action) || typeof action['type'] !== 'string') return `${where} has no type`;
    const since = ACTIONS[action['type']];
    if (since === undefined) return `${where} has unknown action type ${action['type']}`;
    if (since > version) return `${where} ${action['type']} needs card version ${since.toFixed(1)}`;
    if (action['type'] === 'Action.OpenUrl') {
      const url = action['url'];
      if (typeof url !== 'string' || !/^https:\/\/[^\s]+$/.test(url)) return `${where}.url must be an absolute https URL`;
    }
    if (action['title'] !== undefined && typeof action['title'] !== 'string') return `${where}.title must be a string`;
  }
  return null;
}

function checkElements(elements: unknown, version: number, path: string): string | null {
  if (!Array.isArray(elements)) return `${path} must be an array`;
  for (const [index, element] of elements.entries()) {
    const where = `${path}[${index}]`;
    if (!isObject(element) || typeof element['type'] !== 'string') return `${where} has no type`;
    const type = element['type'];
    const since = ELEMENTS[type];
    if (since === undefined) return `${where} has unknown element type ${type}`;
    if (since > version) return `${where} ${type} needs card version ${since.toFixed(1)}`;
    if (type === 'TextBlock' && typeof element['text'] !== 'string') return `${where}.text must be a string`;
    if (type === 'RichTextBlock') {
      const inlines = element['inlines'];
      if (!Array.isArray(inlines)) return `${where}.inlines must be an array`;
      for (const [position, inline] of inlines.entries()) {
        if (typeof inline === 'string') continue;
        if (!isObject(inline) || inline['type'] !== 'TextRun' || typeof inline['text'] !== 'string') return `${where}.inlines[${position}] must be a TextRun with text`;
      }
    }
    if (type === 'Container') {
      const problem = checkElements(element['items'], version, `${where}.items`);
      if (problem !== null) return problem;
    }
    if (type === 'ColumnSet' && element['columns'] !== undefined) {
      if (!Array.isArray(element['columns'])) return `${where}.columns must be an array`;
      for (const [position, column] of (element['columns'] as unknown[]).entries()) {
        if (!isObject(column)) return `${where}.columns[${position}] must be a Column`;
        const problem = checkElements(column['items'] ?? [], version, `${where}.columns[${position}].items`);
        if (problem !== null) return problem;
      }
    }
    if (type === 'FactSet') {
      if (!Array.isArray(element['facts'])) return `${where}.facts must be an array`;
    }
    if (type === 'ActionSet') {
      const problem = checkActions(element['actions'], version, `${where}.actions`);
      if (problem !== null) return problem;
    }
  }
  return null;
}

/** Why Teams would refuse this body, or null when it would post the card. */
export function teamsPayloadProblem(body: string): string | null {
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  if (!isObject(message) || message['type'] !== 'message') return 'type must be "message"';
  const attachments = message['attachments'];
  if (!Array.isArray(attachments) || attachments.length === 0) return 'attachments must hold at least one card';
  for (const [index, attachment] of attachments.entries()) {
    const where = `attachments[${index}]`;
    if (!isObject(attachment) || attachment['contentType'] !== 'application/vnd.microsoft.card.adaptive') return `${where}.contentType must be application/vnd.microsoft.card.adaptive`;
    const card = attachment['content'];
    if (!isObject(card) || card['type'] !== 'AdaptiveCard') return `${where}.content.type must be AdaptiveCard`;
    if (typeof card['version'] !== 'string' || !VERSIONS.includes(card['version'])) return `${where}.content.version must be one of ${VERSIONS.join(', ')}`;
    const version = Number(card['version']);
    const problem = checkElements(card['body'] ?? [], version, `${where}.content.body`) ?? checkActions(card['actions'], version, `${where}.content.actions`);
    if (problem !== null) return problem;
  }
  return null;
}

/** Starts the fake webhook on 127.0.0.1 and a free port. */
export function startTeamsServer(): Promise<TeamsServer> {
  return startWebhookServer({
    secretPath: TEAMS_SECRET_PATH,
    notFound: { status: 404, body: '{"error":{"code":"WorkflowNotFound"}}' },
    contentType: 'application/json',
    judge({ raw, body, now, earlier }) {
      if (earlier.filter((request) => request.status === 202 && now - request.receivedAt < 1000).length >= TEAMS_MAX_PER_SECOND) {
        return { problem: `more than ${TEAMS_MAX_PER_SECOND} requests in a second`, answer: { status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"code":"TooManyRequests"}}' } };
      }
      if (raw.length > TEAMS_MAX_BYTES) {
        return { problem: `message of ${raw.length} bytes exceeds ${TEAMS_MAX_BYTES}`, answer: { status: 413, body: '{"error":{"code":"RequestEntityTooLarge","message":"Request Entity too large"}}' } };
      }
      const problem = teamsPayloadProblem(body);
      return { problem, answer: problem === null ? { status: 202, body: '' } : { status: 400, body: JSON.stringify({ error: { code: 'InvalidRequestContent', message: problem } }) } };
    },
    posted: (status) => status === 202,
    defaultBody: () => '',
  });
}
