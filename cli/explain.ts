/**
 * `cris-audit explain`: the app team's entry point. Paste the error your code logged (an SDK
 * exception, a LiteLLM JSON body, a log line, a re-wrapped or cut-off copy) and get the same
 * explanation and fix `analyze` gives for a CloudTrail record.
 */
import { parseArgs } from 'node:util';
import { readScpFiles } from '../shared/adapters/scp-files.js';
import { createIamToolboxSource } from '../shared/adapters/iam-toolbox.js';
import { authoritativeReasonText, withAuthoritativeNote } from '../shared/core/authoritative/messages.js';
import { resolveAuthoritativeScps } from '../shared/core/authoritative/resolve.js';
import { parseDenialMessage } from '../shared/core/classify/access-denied-message.js';
import { classifyRecord } from '../shared/core/classify/classify.js';
import { explainFinding } from '../shared/core/classify/explain.js';
import { parseArn } from '../shared/core/classify/arn.js';
import { policyTypeName } from '../shared/core/classify/policy-types.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import { BEDROCK_EVENT_SOURCE, LANGUAGES, VERDICTS } from '../shared/core/constants.js';
import { renderFixText, suggestFix } from '../shared/core/fix/index.js';
import { toTerminalSafeJson } from '../shared/core/text-safety.js';
import type { CloudTrailRecord, Finding, Language, ScpDocument } from '../shared/core/types.js';
import { palette, safe, useColour } from './terminal.js';

export const EXPLAIN_USAGE = `usage: cris-audit explain [--region R] [--model ID] [--scp FILE]... [--authoritative] [--lang en|ja] [--json] [TEXT | -]

Finds the access-denied message in TEXT (or stdin with "-" or no TEXT) wherever it is — an SDK
error, a JSON log line with escaped quotes, a re-wrapped or cut-off copy — and explains it with the
same verdict and fix as \`analyze\`.

  --region R   the Region your app called (the source Region); needed to tell a cross-Region
               route, unless the message names an inference-profile ARN
  --model ID   the model ID your app passed (profile ID, model ID or ARN)
  --scp FILE   an SCP document in force (JSON; repeat in root → account order): the fix is then
               patched and verified against it
  --authoritative
               when the message carries an authorization ID, read the SCPs as they were at
               request time from IAM Access Troubleshooter (your AWS credentials) and verify the
               fix against them; otherwise --scp, else unverified (the reason goes to stderr)
  --lang L     language of the explanation and fix: en (default, or $LOCALE) or ja
  --json       print the finding (with its fix) as JSON
  -h, --help   this text

Exit code 0 when a denial was explained, 2 when no access-denied message was found (or an --scp
file could not be read), 64 on a usage error.`;

/** Longest text read from stdin; a pasted error is far smaller. */
const MAX_INPUT_BYTES = 1_048_576;

type Io = { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; stdin: NodeJS.ReadableStream };

async function readStdin(stdin: NodeJS.ReadableStream): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) return { ok: false, reason: `stdin holds more than ${MAX_INPUT_BYTES} bytes; paste the error message only` };
    chunks.push(buffer);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}

/** The API a pasted SDK error names (`when calling the Converse operation`, `Bedrock Runtime: Converse,`). */
function operationOf(text: string): string | null {
  return (
    /when calling the ([A-Za-z]+) operation/.exec(text)?.[1] ??
    /operation error Bedrock(?: Runtime| Agent Runtime| Agent)?: ([A-Za-z]+),/.exec(text)?.[1] ??
    null
  );
}

/**
 * The CloudTrail record the pasted text stands for: what the classifier reads. Fields the text
 * cannot tell stay absent; a profile ARN in the message gives the source Region and model ID.
 */
export function recordFromText(text: string, options: { region?: string | undefined; model?: string | undefined }): CloudTrailRecord {
  const parsed = parseDenialMessage(text);
  const resource = parsed.kind === 'authorization' ? parsed.resource : null;
  const arn = resource === null ? null : parseArn(resource);
  const profileArn = arn !== null && arn.service === 'bedrock' && /^(?:application-)?inference-profile\//.test(arn.resource) ? arn : null;
  const action = parsed.kind === 'authorization' ? parsed.action : null;
  const eventName = operationOf(text) ?? (action?.startsWith('bedrock:') ? action.slice('bedrock:'.length) : null);
  const record: CloudTrailRecord = {
    eventSource: BEDROCK_EVENT_SOURCE,
    errorCode: 'AccessDenied',
    errorMessage: text.trim(),
  };
  if (eventName !== null) record.eventName = eventName;
  const region = options.region ?? (profileArn !== null && profileArn.region !== '' ? profileArn.region : undefined);
  if (region !== undefined) record.awsRegion = region;
  const model = options.model ?? (profileArn === null ? undefined : profileArn.resource.startsWith('application-') ? resource ?? undefined : profileArn.resource.slice('inference-profile/'.length));
  if (model !== undefined) record.requestParameters = { modelId: model };
  return record;
}

/** Fixed texts of `explain`, per language. */
export const EXPLAIN_LABELS = {
  en: {
    verdict: 'Verdict',
    why: 'Why',
    action: 'Action',
    principal: 'Principal',
    resource: 'Resource',
    policy: 'Denying policy',
    details: 'Authorization details',
    noRegion: 'Source Region unknown: pass --region (the Region your app called) to tell whether a cross-Region route was denied.',
    fix: 'Suggested fix',
    notFound: 'no access-denied message found',
  },
  ja: {
    verdict: '判定',
    why: '理由',
    action: 'アクション',
    principal: 'プリンシパル',
    resource: 'リソース',
    policy: '拒否したポリシー',
    details: '認可の詳細',
    noRegion: '送信元リージョンが不明です。クロスリージョンのルーティングが拒否されたかどうかを判定するには、--region（アプリケーションが呼び出したリージョン）を指定してください。',
    fix: '修正案',
    notFound: 'アクセス拒否のメッセージが見つかりません',
  },
} as const;

function renderText(finding: Finding, lang: Language, colour: ReturnType<typeof palette>): string {
  const labels = EXPLAIN_LABELS[lang];
  const lines = [
    `${colour.bold(`${labels.verdict}:`)} ${finding.verdict}`,
    `${colour.bold(`${labels.why}:`)} ${safe(explainFinding(finding, lang))}`,
  ];
  if (finding.action !== null) lines.push(`${labels.action}: ${safe(finding.action)}`);
  if (finding.principalArn !== null) lines.push(`${labels.principal}: ${safe(finding.principalArn)}`);
  if (finding.deniedResource !== null) lines.push(`${labels.resource}: ${safe(finding.deniedResource)}`);
  if (finding.policyArn !== null || finding.policyType !== null) lines.push(`${labels.policy}: ${safe(finding.policyArn ?? policyTypeName(finding.policyType, lang))}`);
  if (finding.authorizationDetailsUrl !== null || finding.authorizationId !== null) {
    lines.push(`${labels.details}: ${safe(finding.authorizationDetailsUrl ?? `GetRequestAuthorizationDetails ${finding.authorizationId}`)}`);
  }
  if (finding.sourceRegion === null && finding.action !== null && finding.action.startsWith('bedrock:Invoke')) lines.push(colour.yellow(labels.noRegion));
  if (finding.fix != null) {
    lines.push('', colour.bold(`${labels.fix}:`));
    for (const line of renderFixText(finding.fix).split('\n')) lines.push(line === '' ? '' : `  ${safe(line)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `explain`; returns the process exit code. */
export async function runExplain(argv: string[], io: Io = process): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        region: { type: 'string' },
        model: { type: 'string' },
        scp: { type: 'string', multiple: true },
        lang: { type: 'string' },
        json: { type: 'boolean', default: false },
        authoritative: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr.write(`cris-audit explain: ${(error as Error).message}\n\n${EXPLAIN_USAGE}\n`);
    return 64;
  }
  if (parsed.values.help) {
    io.stdout.write(`${EXPLAIN_USAGE}\n`);
    return 0;
  }
  const lang = parsed.values.lang ?? process.env.LOCALE ?? 'en';
  if (!(LANGUAGES as readonly string[]).includes(lang)) {
    io.stderr.write(`cris-audit explain: --lang must be one of ${LANGUAGES.join(', ')}, not "${safe(lang)}"\n`);
    return 64;
  }
  const region = parsed.values.region;
  if (region !== undefined && !/^[a-z]{2}(?:-[a-z]+)+-\d+$/.test(region)) {
    io.stderr.write(`cris-audit explain: --region must be a Region code such as ap-northeast-1, not "${safe(region)}"\n`);
    return 64;
  }
  let text: string;
  if (parsed.positionals.length === 0 || (parsed.positionals.length === 1 && parsed.positionals[0] === '-')) {
    const read = await readStdin(io.stdin);
    if (!read.ok) {
      io.stderr.write(`cris-audit explain: ${read.reason}\n`);
      return 2;
    }
    text = read.text;
  } else {
    text = parsed.positionals.join(' ');
  }
  const labels = EXPLAIN_LABELS[lang as Language];
  if (parseDenialMessage(text).kind === 'unreadable') {
    io.stderr.write(`cris-audit explain: ${labels.notFound} (expected IAM's "User: … is not authorized to perform: …" sentence or a Bedrock model-access message)\n`);
    return 2;
  }
  let scps: ScpDocument[][] | undefined;
  if (parsed.values.scp !== undefined) {
    const loaded = await readScpFiles(parsed.values.scp);
    if (!loaded.ok) {
      io.stderr.write(`cris-audit explain: --scp: ${safe(loaded.reason)}\n`);
      return 2;
    }
    scps = loaded.value;
  }
  const catalog = loadBundledCatalog();
  const finding = classifyRecord(recordFromText(text, { region, model: parsed.values.model }), { catalog });
  if (finding === null) {
    io.stderr.write(`cris-audit explain: ${labels.notFound}\n`);
    return 2;
  }
  if (parsed.values.authoritative && (finding.verdict === VERDICTS.crossRegionScp || finding.verdict === VERDICTS.scp)) {
    const result = await resolveAuthoritativeScps(finding, createIamToolboxSource());
    finding.authoritative = result.lookup;
    if (result.lookup.status === 'not-used' && result.lookup.reason !== 'no-authorization-id') {
      io.stderr.write(`cris-audit explain: ${safe(`IAM Access Troubleshooter not used: ${authoritativeReasonText(result.lookup.reason, 'en')} (${result.lookup.detail})`)}\n`);
    }
    const fix = suggestFix(finding, { catalog, lang: lang as Language, scps: result.scps ?? scps });
    finding.fix = withAuthoritativeNote(fix, result.lookup, result.scps !== null || scps === undefined ? 'none' : 'scp-files');
  } else {
    finding.fix = suggestFix(finding, { catalog, lang: lang as Language, scps });
  }
  if (parsed.values.json) {
    io.stdout.write(`${toTerminalSafeJson(finding)}\n`);
    return 0;
  }
  io.stdout.write(renderText(finding, lang as Language, palette(useColour(io.stdout))));
  return 0;
}
