/**
 * Every human-facing text in both languages, rendered and held to the rules of docs/ja-glossary.md:
 * the catalogs are walked programmatically (a key added later is covered without touching this
 * file), every placeholder and parameter is filled with realistic values (a global profile, an
 * empty list, zero counts), and a source file that holds Japanese text without being listed here
 * fails the last test, so a new catalog cannot slip past.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/load-event.js';
import { MESSAGES } from '../../../shared/core/fix/messages.js';
import { PREFLIGHT_MESSAGES } from '../../../shared/core/preflight/messages.js';
import { PREFLIGHT_HTML_TEXT } from '../../../shared/core/preflight/render-html.js';
import { DIGEST_MESSAGES } from '../../../shared/core/digest/messages.js';
import { AUTHORITATIVE_MESSAGES } from '../../../shared/core/authoritative/messages.js';
import { alertLabels } from '../../../shared/core/render/alert-text.js';
import { chatLabels } from '../../../shared/core/render/chat-text.js';
import { POLICY_TYPE_NAMES } from '../../../shared/core/classify/policy-types.js';
import { explainFinding } from '../../../shared/core/classify/explain.js';
import { classifyRecord } from '../../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../../shared/core/classify/profile-catalog.js';
import { EXPLAIN_LABELS } from '../../../cli/explain.js';
import { REPLAY_LABELS } from '../../../cli/replay.js';
import { CLI_MESSAGES } from '../../../cli/messages.js';
import { CHAT_ACTION_TEXT } from '../../../shared/core/chat/actions.js';
import { INTERMITTENCY_TEXT } from '../../../shared/core/history/intermittency.js';
import { IN_REGION_TEXT } from '../../../shared/core/fix/options/in-region-model.js';
import { Q_DEVELOPER_TEXT } from '../../../shared/core/render/q-developer.js';
import { GUARD_MESSAGES } from '../../../shared/core/guard/messages.js';
import type { CloudTrailRecord } from '../../../shared/core/types.js';
import { BOTH_RULES, JA_RULES, setVerbatim, violations, type Rendered } from '../../helpers/ja-rules.js';

type Catalog = { en: unknown; ja: unknown; samples?: Record<string, readonly unknown[]> };

/** Every catalog, by the file that defines it. */
const CATALOGS: Record<string, Catalog> = {
  'shared/core/fix/messages.ts': MESSAGES,
  'shared/core/preflight/messages.ts': { ...PREFLIGHT_MESSAGES, samples: { regions: [3, 1, 0] } },
  'shared/core/preflight/render-html.ts': PREFLIGHT_HTML_TEXT,
  'shared/core/digest/messages.ts': DIGEST_MESSAGES,
  'shared/core/authoritative/messages.ts': AUTHORITATIVE_MESSAGES,
  'shared/core/render/alert-text.ts': { en: alertLabels('en'), ja: alertLabels('ja') },
  'shared/core/render/chat-text.ts': { en: chatLabels('en'), ja: chatLabels('ja') },
  'shared/core/render/q-developer.ts': Q_DEVELOPER_TEXT,
  'shared/core/guard/messages.ts': {
    ...GUARD_MESSAGES,
    // A guard alert always has a flip (breaks or repairs); "and N more" and "N more groups" are never 0.
    samples: { breaks: [5, 0, 3], repairs: [0, 2, 1], count: [3, 1], eventId: ['e1a2b3c4-0001-4d5e-8f90-a1b2c3d4e5f6'], takenAt: ['2026-12-01T03:30:12.000Z'], affected: [5, 1], target: ['ou-ab12-cris1234', 'r-ab12'], parent: ['ou-ab12-strict12'] },
  },
  'shared/core/classify/policy-types.ts': POLICY_TYPE_NAMES,
  'shared/core/chat/actions.ts': CHAT_ACTION_TEXT,
  'shared/core/history/intermittency.ts': INTERMITTENCY_TEXT,
  'shared/core/fix/options/in-region-model.ts': IN_REGION_TEXT,
  'cli/explain.ts': EXPLAIN_LABELS,
  'cli/replay.ts': REPLAY_LABELS,
  'cli/messages.ts': CLI_MESSAGES,
};

/**
 * Files whose Japanese is not a catalog: sentences built from a finding (rendered below from real
 * records) and punctuation the renderers set around values (checked in messages-ja-channels.test.ts).
 */
const RENDERED_FROM_FINDINGS = ['shared/core/classify/explain.ts', 'shared/core/render/punctuation.ts'];

/**
 * Realistic values for every placeholder and parameter name, several variants each: the variants
 * are rendered in turn (a global profile, an empty list and zero counts among them).
 */
const SAMPLES: Record<string, readonly unknown[]> = {
  actions: ['bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream'],
  action: ['bedrock:InvokeModel', 'iam:PassRole'],
  profile: ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  source: ['ap-northeast-1', 'ap-northeast-3'],
  regions: ['ap-northeast-1, ap-northeast-2, ap-northeast-3, ap-south-1, ap-southeast-1, ap-southeast-2', 'unspecified'],
  region: ['ap-northeast-1', 'us-east-1'],
  statement: ['DenyAllOutsideApprovedRegions', '#0'],
  model: ['anthropic.claude-3-5-sonnet-20241022-v2:0'],
  models: ['anthropic.claude-3-haiku-20240307-v1:0, amazon.nova-lite-v1:0'],
  date: ['2026-02-15'],
  name: ['RegionDeny', 'aws-guardrails-AbCdEf'],
  approved: ['["ap-northeast-1","us-east-1"]'],
  principal: ['arn:aws:iam::111122223333:role/app'],
  resource: ['arn:aws:bedrock:ap-southeast-2::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0', 'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0'],
  account: ['111122223333'],
  accountId: ['111122223333'],
  policy: [' (arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1)', ''],
  event: ['1a2b3c4d-0000-4000-8000-000000000001'],
  scope: ['apac', 'global'],
  system: ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0'],
  from: ['Allow this inference profile only', '2026-11-27 00:00'],
  to: ['Exempt Bedrock inference from the Region deny, guarded', '2026-11-28 00:00'],
  failed: ['patch allows every destination', 'original denies'],
  size: ['5301'],
  minified: ['4870'],
  limit: ['5120'],
  key: ['aws:PrincipalTag/team'],
  value: ['ml'],
  assumptions: ['the request does not carry aws:PrincipalTag/team = "ml"'],
  why: ['bedrock:InferenceProfileArn'],
  count: [3, 1, 0],
  reason: ['the authorization ID is unknown or its details have expired', 'no-snapshot', 'not-configured', 'snapshot-unreadable'],
  takenAt: ['2026-11-27T21:00:00.000Z'],
  pairs: [3, 1, 0],
  level: [2, 0],
  label: ['R1'],
  fallback: ['The fix uses the SCP files you supplied instead.'],
  id: ['r-ab12', 'ou-ab12-cdef3456', '111122223333'],
  sids: ['"DenyAllOutsideApprovedRegions"'],
  uri: ['arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1'],
  authorizationId: ['EXAMPLE1a2b3c4d5e'],
  statements: ['statement "DenyAllOutsideApprovedRegions" of p-examplescp1'],
  where: ['root r-ab12'],
  list: ['apac.amazon.nova-micro-v1:0@ap-northeast-3, global.amazon.nova-2-lite-v1:0@ap-northeast-1'],
  lines: [12, 1],
  rows: [24, 1, 0],
  ready: [20, 1, 0],
  blocked: [4, 0, 0],
  targets: [7, 1, 0],
  chains: [3, 1, 0],
  profiles: [2, 1, 0],
  evaluations: [168, 7, 0],
  fixes: [4, 0, 0],
  newFingerprints: [2, 0, 0],
  shown: [20, 20],
  total: [25, 21],
  group: [2],
  title: ['cris-auditor daily digest'],
  result: ['pass', 'FAIL'],
  expected: ['deny'],
  actual: ['allow', 'deny'],
  head: ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0 from ap-northeast-1: 12% of 120 calls failed'],
  arn: ['arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1'],
  policies: ['p-examplescp1', 'p-examplescp1, p-otherscp22'],
  failures: [9, 1],
  timeZone: ['Asia/Tokyo', 'UTC'],
  day: ['2026-11-27'],
  named: ['anthropic.claude-3-haiku-20240307-v1:0, amazon.nova-lite-v1:0'],
  more: [3, 1, 0],
  records: [1200, 1, 0],
  denials: [14, 1, 0],
  groups: [2, 1, 0],
  calls: [120, 1],
  percent: ['12%'],
  denied: ['ap-southeast-2, ap-south-1', 'unspecified'],
  deniedCount: [9, 1, 0],
  by: ['p-examplescp1'],
  code: ['ThrottlingException'],
  n: [3, 1],
  parts: ['ThrottlingException 3'],
  fingerprint: ['4f1c2a9e'],
  change: [3, -2, 0],
  fingerprints: [5, 1, 0],
  window: ['2026-11-27T00:00:00Z … 2026-11-28T00:00:00Z'],
  message: ['Rate exceeded'],
  verdicts: ['cross-region-scp 3, scp 1', ''],
  read: [4, 1, 0],
  skipped: [1, 0],
  problems: [2, 0],
  duplicates: [5, 0],
  other: [1186, 0],
  findings: [14, 1, 0],
  files: [4, 1, 0],
  what: ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0'],
  destinations: [6, 1],
  times: [' ×4', ''],
  routes: [''],
  approximate: [true, false],
  global: [false, true],
  policyArn: ['arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1', null],
  deniedRegion: ['ap-southeast-2', 'unspecified'],
  sourceRegion: ['ap-northeast-1'],
  subject: ['apac.anthropic.claude-3-5-sonnet-20241022-v2:0'],
  state: ['SUCCEEDED'],
  invocations: [3],
  usd: ['5'],
  inWindow: [14, 0],
  previous: [9, 0],
  outside: [3, 0],
  out: ['digest.html', ''],
  file: ['preflight.html'],
  detail: ['expired', 'OrgSnapshotStoreError: stored snapshot version 4 fails its SHA-256 check', null],
  status: ['verified', 'not verified'],
  outcome: ['verified', 'verified assuming the request does not carry aws:PrincipalTag/team = "ml"', 'not verified'],
};

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;
const VARIANTS = 3;

/** The parameter names of a function, from its source: `(a, b)`, `({ a, b })`, `v =>` or a method. */
function parameterNames(fn: (...args: unknown[]) => unknown): Array<string | string[]> {
  const source = fn.toString();
  const arrowNoParens = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (arrowNoParens?.[1] !== undefined) return [arrowNoParens[1]];
  const open = source.indexOf('(');
  let depth = 0;
  let close = open;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++;
    if (source[i] === ')' && --depth === 0) {
      close = i;
      break;
    }
  }
  const inner = source.slice(open + 1, close).trim();
  if (inner === '') return [];
  const params: string[] = [];
  let level = 0;
  let current = '';
  for (const char of inner) {
    if (char === '{' || char === '[') level++;
    if (char === '}' || char === ']') level--;
    if (char === ',' && level === 0) {
      params.push(current.trim());
      current = '';
    } else current += char;
  }
  params.push(current.trim());
  return params.map((param) =>
    param.startsWith('{') ? [...param.slice(1, -1).matchAll(/([A-Za-z_$][\w$]*)\s*(?::[^,]*)?(?:=[^,]*)?(?:,|$)/g)].map((m) => m[1] ?? '') : (param.split('=')[0] ?? '').trim(),
  );
}

function sample(name: string, variant: number, overrides: Record<string, readonly unknown[]>): unknown {
  const values = overrides[name] ?? SAMPLES[name];
  if (values === undefined) throw new Error(`no sample value for "${name}": add one to SAMPLES in this test`);
  return values[variant % values.length];
}

/** Calls a catalog function with realistic arguments; records which names it read. */
function callWithSamples(fn: (...args: unknown[]) => unknown, variant: number, overrides: Record<string, readonly unknown[]>, used: Set<string>): unknown {
  const args = parameterNames(fn).map((param) => {
    if (Array.isArray(param)) {
      const object: Record<string, unknown> = {};
      for (const name of param) {
        used.add(name);
        object[name] = sample(name, variant, overrides);
      }
      return object;
    }
    if ((overrides[param] ?? SAMPLES[param]) !== undefined) {
      used.add(param);
      return sample(param, variant, overrides);
    }
    // A bag of values read by property (`(v) => v.rows`): answer each name from the samples.
    return new Proxy({}, { get: (_target, key) => (typeof key === 'string' ? (used.add(key), sample(key, variant, overrides)) : undefined) });
  });
  return fn(...args);
}

/** Every rendering of every leaf of a catalog side, and the placeholder names each leaf uses. */
function renderAll(node: unknown, overrides: Record<string, readonly unknown[]>, path = ''): { rendered: Rendered[]; shape: Map<string, string> } {
  const rendered: Rendered[] = [];
  const shape = new Map<string, string>();
  const visit = (value: unknown, at: string) => {
    if (typeof value === 'string') {
      const names = [...new Set([...value.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''))].sort();
      shape.set(at, `string ${names.join(',')}`);
      for (let variant = 0; variant < VARIANTS; variant++) {
        rendered.push({ path: at, text: value.replace(PLACEHOLDER, (_whole, name: string) => String(sample(name, variant, overrides))) });
      }
      return;
    }
    if (typeof value === 'function') {
      const used = new Set<string>();
      for (let variant = 0; variant < VARIANTS; variant++) {
        const out = callWithSamples(value as (...args: unknown[]) => unknown, variant, overrides, used);
        if (typeof out === 'string') rendered.push({ path: at, text: out });
        else if (out !== null && out !== undefined) visit(out, `${at}()`);
      }
      shape.set(at, `function ${[...used].sort().join(',')}`);
      return;
    }
    if (Array.isArray(value)) {
      shape.set(at, `array ${value.length}`);
      value.forEach((item, index) => visit(item, `${at}[${index}]`));
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) visit(child, at === '' ? key : `${at}.${key}`);
      return;
    }
    shape.set(at, typeof value);
  };
  visit(node, path);
  return { rendered, shape };
}

setVerbatim(Object.values(SAMPLES).flat());

describe('message catalogs in English and Japanese', () => {
  describe.each(Object.entries(CATALOGS))('%s', (_file, catalog) => {
    const overrides = catalog.samples ?? {};
    let memo: { en: ReturnType<typeof renderAll>; ja: ReturnType<typeof renderAll> } | undefined;
    const both = () => (memo ??= { en: renderAll(catalog.en, overrides), ja: renderAll(catalog.ja, overrides) });

    it('has the same keys and the same placeholders in ja as in en', () => {
      const { en, ja } = both();
      expect(Object.fromEntries(ja.shape)).toEqual(Object.fromEntries(en.shape));
    });

    it('renders every key in both languages without a leftover placeholder or mojibake', () => {
      const { en, ja } = both();
      expect(en.rendered.length).toBeGreaterThan(0);
      expect(violations([...en.rendered, ...ja.rendered], BOTH_RULES)).toEqual([]);
    });

    it('writes Japanese as AWS documentation does (glossary, brackets, no "0 件")', () => {
      expect(violations(both().ja.rendered, JA_RULES)).toEqual([]);
    });
  });
});

/** Real-shaped records for every sentence the Japanese explanation builds. */
function record(message: string | null, options: { region?: string; model?: string; eventName?: string; principal?: string } = {}): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    eventSource: 'bedrock.amazonaws.com',
    eventName: options.eventName ?? 'Converse',
    eventID: '1a2b3c4d-0000-4000-8000-000000000001',
    eventTime: '2026-11-27T01:01:07Z',
    awsRegion: options.region ?? 'ap-northeast-1',
    recipientAccountId: '111122223333',
    errorCode: 'AccessDenied',
    ...(message === null ? {} : { errorMessage: message }),
    userIdentity: { type: 'AssumedRole', arn: options.principal ?? 'arn:aws:sts::111122223333:assumed-role/app/session', accountId: '111122223333' },
    requestParameters: { modelId: options.model ?? 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0' },
  } as CloudTrailRecord;
}

const USER = 'User: arn:aws:sts::111122223333:assumed-role/app/session is not authorized to perform:';
const EXPLAIN_CASES: Array<[string, CloudTrailRecord]> = [
  ['cross-Region SCP through a geography profile', record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:ap-southeast-2::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0 with an explicit deny in a service control policy`)],
  [
    'cross-Region SCP through a global profile (no Region)',
    record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0 with an explicit deny in a service control policy`, { model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0' }),
  ],
  ['cross-Region SCP without a profile', record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-lite-v1:0 with an explicit deny in a service control policy`, { region: 'us-east-1', model: 'amazon.nova-lite-v1:0' })],
  ['cross-Region identity', record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:ap-southeast-2::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0 because no identity-based policy allows the bedrock:InvokeModel action`)],
  ['SCP without a resource', record(`${USER} bedrock:InvokeModel with an explicit deny in a service control policy`)],
  ['identity-based policy, explicit', record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 with an explicit deny in an identity-based policy`, { model: 'anthropic.claude-3-haiku-20240307-v1:0' })],
  ['permissions boundary', record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 because no permissions boundary allows the bedrock:InvokeModel action`, { model: 'anthropic.claude-3-haiku-20240307-v1:0' })],
  ['session policy', record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 because no session policy allows the bedrock:InvokeModel action`, { model: 'anthropic.claude-3-haiku-20240307-v1:0' })],
  ['VPC endpoint policy', record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 because no VPC endpoint policy allows the bedrock:InvokeModel action`, { model: 'anthropic.claude-3-haiku-20240307-v1:0' })],
  ['resource control policy', record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 with an explicit deny in a resource control policy`, { model: 'anthropic.claude-3-haiku-20240307-v1:0' })],
  ['iam:PassRole', record(`${USER} iam:PassRole on resource: arn:aws:iam::111122223333:role/AmazonBedrockExecutionRoleForAgents_X because no identity-based policy allows the iam:PassRole action`, { eventName: 'CreateAgent' })],
  ['read-only call', record(`${USER} bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action`, { eventName: 'ListFoundationModels' })],
  ['knowledge base retrieve', record(`${USER} bedrock:Retrieve on resource: arn:aws:bedrock:ap-northeast-1:111122223333:knowledge-base/KB12345678 because no identity-based policy allows the bedrock:Retrieve action`, { eventName: 'Retrieve' })],
  ['model access', record('You don\'t have access to the model with the specified model ID.')],
  ['service role', record('Access denied when calling Bedrock. Check your request permissions and retry the request.', { eventName: 'InvokeAgent' })],
  ['no policy type', record(`${USER} bedrock:InvokeModel on resource: arn:aws:bedrock:ap-southeast-2::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0`)],
  ['unknown grammar', record('Access Denied')],
  ['no message', record(null)],
];

describe('the Japanese explanation of a finding', () => {
  const catalog = loadBundledCatalog();
  it.each(EXPLAIN_CASES)('%s', (_name, input) => {
    const finding = classifyRecord(input, { catalog });
    expect(finding).not.toBeNull();
    const text = explainFinding(finding!, 'ja');
    expect(JAPANESE.test(text)).toBe(true);
    expect(violations([{ path: finding!.verdict, text }], [...JA_RULES, ...BOTH_RULES])).toEqual([]);
  });

  it('names every policy type as AWS Japanese documentation does', () => {
    const finding = classifyRecord(EXPLAIN_CASES[6]![1], { catalog })!;
    expect(explainFinding(finding, 'ja')).toContain('アクセス許可の境界');
    const global = classifyRecord(EXPLAIN_CASES[1]![1], { catalog })!;
    expect(explainFinding(global, 'ja')).toContain('特定のリージョンに限定されない');
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('coverage of this test', () => {
  it('lists every source file that holds Japanese text', () => {
    const files = ['shared', 'cli', 'functions'].flatMap((dir) => sourceFiles(join(ROOT, dir)));
    const withJapanese = files
      .filter((file) => JAPANESE.test(readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')))
      .map((file) => relative(ROOT, file));
    expect(withJapanese.filter((file) => !(file in CATALOGS) && !RENDERED_FROM_FINDINGS.includes(file))).toEqual([]);
  });
});
