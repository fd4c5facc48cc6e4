/**
 * The published region-deny SCP corpus (`test/fixtures/scp-corpus/`) and the CRIS scenarios each SCP
 * denies, with the acceptance checks of issue 9 evaluated independently of the fix engine: an
 * option's patched documents are applied to the policy set and the evaluator answers each check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import catalogData from '../../../../shared/core/classify/profile-catalog-data.json';
import { evaluateRequest } from '../../../../shared/core/scp/evaluate.js';
import type { PolicyInput, PolicySet, RequestContext } from '../../../../shared/core/scp/types.js';
import type { Finding, Fix, FixOption, ScpDocument, ScpPatch } from '../../../../shared/core/types.js';
import { finding } from './findings.js';

const CORPUS = join(__dirname, '../../../fixtures/scp-corpus');

/** One published SCP (or multi-level set) with what the test must know about it. */
export interface CorpusItem {
  file: string;
  publisher: string;
  source: string;
  filled: string;
  /** Root first; each level lists the policies attached there. */
  levels: { id: string; name: string; description?: string; policy: unknown }[][];
  /** Approved Regions callers work from. */
  sourceRegions: string[];
  /** Profile scopes the organization keeps out on purpose (the guardrail working). */
  deliberate?: string[];
  /** Requests the original allows through an exemption; every patch must keep allowing them. */
  exemptions?: { principalArn: string; action: string; region: string }[];
  controlTower?: 'landing-zone' | 'ou-control' | 'none';
  parametersInForce?: Record<string, string[]>;
}

/** Every corpus file, parsed. */
export function loadCorpus(): CorpusItem[] {
  return readdirSync(CORPUS)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as Omit<CorpusItem, 'file'>) }));
}

/** The corpus item's levels as the fix engine receives them. */
export function scpLevels(item: CorpusItem): ScpDocument[][] {
  return item.levels.map((level) =>
    level.map((p) => ({ id: p.id, name: p.name, description: p.description ?? null, content: `${JSON.stringify(p.policy, null, 2)}\n` })),
  );
}

export const ACCOUNT = '111122223333';
export const CALLER_ROLE = `arn:aws:iam::${ACCOUNT}:role/app-chatbot-role`;
const CALLER_SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/app-chatbot-role/i-0abc12345def67890`;

interface CatalogShape {
  commercialRegions: string[];
  lists: string[][];
  profiles: Record<string, Record<string, number | 'commercial'>>;
}
const catalog = catalogData as CatalogShape;

function scopeOf(id: string): string {
  return id.startsWith('us-gov.') ? 'us-gov' : (id.split('.')[0] ?? '');
}

/** Destinations of a profile from a source Region in the bundled catalog (global: every commercial Region). */
export function destinationsOf(profileId: string, source: string): string[] | null {
  const route = catalog.profiles[profileId]?.[source];
  if (route === undefined) return null;
  return route === 'commercial' ? [...new Set([...catalog.commercialRegions, source])].sort() : [...(catalog.lists[route] ?? [])];
}

/** One profile per scope callable from `source`: the first Anthropic one when there is one. */
export function profilesFrom(source: string): string[] {
  const byScope = new Map<string, string>();
  const ids = Object.keys(catalog.profiles).sort((a, b) => Number(!a.includes('anthropic')) - Number(!b.includes('anthropic')) || a.localeCompare(b));
  for (const id of ids) {
    if (catalog.profiles[id]?.[source] === undefined) continue;
    const scope = scopeOf(id);
    if (!byScope.has(scope)) byScope.set(scope, id);
  }
  return [...byScope.values()].sort();
}

function modelOf(profileId: string): string {
  return profileId.startsWith('us-gov.') ? profileId.slice('us-gov.'.length) : profileId.slice(profileId.indexOf('.') + 1);
}

function fmArn(region: string, model: string): string {
  return `arn:aws:bedrock:${region === 'unspecified' ? '' : region}::foundation-model/${model}`;
}

function profileArn(source: string, profileId: string): string {
  return `arn:aws:bedrock:${source}:${ACCOUNT}:inference-profile/${profileId}`;
}

function context(region: string, principal: string, profile: string | null): Record<string, string> {
  const c: Record<string, string> = {
    'aws:RequestedRegion': region,
    'aws:PrincipalArn': principal,
    'aws:PrincipalAccount': ACCOUNT,
    'aws:PrincipalType': 'AssumedRole',
  };
  if (profile !== null) c['bedrock:InferenceProfileArn'] = profile;
  return c;
}

/** Evaluates a request against raw levels (FullAWSAccess assumed when no Allow exists, as the engine does). */
export function decide(levels: PolicyInput[][], request: RequestContext): 'allow' | 'deny' {
  const set: PolicySet = { levels };
  return evaluateRequest(set, request).decision;
}

function rawLevels(item: CorpusItem): PolicyInput[][] {
  return scpLevels(item).map((level) => level.map((doc) => ({ id: doc.id, document: doc.content })));
}

/** One SCP × CRIS scenario the SCP denies. */
export interface Scenario {
  name: string;
  item: CorpusItem;
  source: string;
  profileId: string;
  scope: string;
  model: string;
  /** Regions (or `unspecified`) the profile's legs request. */
  legs: string[];
  deniedRegion: string;
  deliberate: boolean;
  finding: Finding;
}

function legsOf(profileId: string, source: string): string[] {
  if (scopeOf(profileId) === 'global') return [source, 'unspecified'];
  return destinationsOf(profileId, source) ?? [];
}

/** Every scenario of an item: each approved source × one profile per scope, kept when the SCPs deny a leg. */
export function scenariosOf(item: CorpusItem): Scenario[] {
  const levels = rawLevels(item);
  const out: Scenario[] = [];
  for (const source of item.sourceRegions) {
    for (const profileId of profilesFrom(source)) {
      const model = modelOf(profileId);
      const scope = scopeOf(profileId);
      const legs = legsOf(profileId, source);
      const denied = legs.find(
        (region) =>
          decide(levels, { action: 'bedrock:InvokeModel', resource: fmArn(region, model), context: context(region, CALLER_ROLE, profileArn(source, profileId)) }) ===
          'deny',
      );
      if (denied === undefined) continue;
      out.push({
        name: `${item.file.replace(/\.json$/, '')} · ${profileId} from ${source}`,
        item,
        source,
        profileId,
        scope,
        model,
        legs,
        deniedRegion: denied,
        deliberate: (item.deliberate ?? []).includes(scope),
        finding: finding({
          eventName: 'Converse',
          sourceRegion: source,
          principalArn: CALLER_SESSION,
          action: 'bedrock:InvokeModel',
          modelId: profileId,
          profile: { id: profileId, scope },
          foundationModel: model,
          deniedResource: fmArn(denied, model),
          deniedRegion: denied,
          destinations: destinationsOf(profileId, source),
          destinationsSource: 'catalog',
        }),
      });
    }
  }
  return out;
}

/** The acceptance checks (a)–(g) by letter. */
export type CheckLetter = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g';

/** Which checks an option's stated guarantee claims (a fallback by option id when none is stated). */
export function claimedChecks(option: FixOption): CheckLetter[] {
  const code = (option as { guarantee?: { code?: string } }).guarantee?.code;
  switch (code ?? option.id) {
    case 'this-profile-only':
    case 'allow-profile-only':
    case 'control-tower-parameters':
    case 'control-tower-custom-scp':
    case 'compliant-alternative':
    case 'use-allowed-profile':
      return ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    case 'any-profile':
    case 'exempt-bedrock':
      return ['a', 'b', 'c', 'e', 'f'];
    case 'regions-opened':
    case 'widen-regions':
      return ['a', 'e', 'f'];
    default:
      return [];
  }
}

/** Whether an option is labelled verified (the legacy field, or the outcome). */
export function labelledVerified(option: FixOption): boolean {
  const outcome = (option as { outcome?: string }).outcome;
  if (outcome !== undefined) return outcome === 'verified' || outcome === 'verified-assuming';
  return option.verification === 'verified';
}

/** The documents an option patched: its own, else (legacy) the fix's when it is the recommended one. */
export function patchesOf(fix: Fix, option: FixOption): ScpPatch[] | null {
  const own = (option as { patches?: ScpPatch[] }).patches;
  if (own !== undefined) return own;
  if (fix.recommended?.id === option.id) return fix.scpPatches ?? (fix.scp === null ? null : [fix.scp]);
  return null;
}

/** The levels with an option's patches applied: edits replace their policy, new policies join its level. */
export function applyPatches(item: CorpusItem, patches: readonly ScpPatch[]): PolicyInput[][] {
  const levels = rawLevels(item);
  for (const patch of patches) {
    const target = (patch as { policyId?: string }).policyId ?? patch.policyName ?? '';
    const levelIndex = levels.findIndex((level) => level.some((p) => p.id === target || scpLevels(item).flat().find((d) => d.id === p.id)?.name === target));
    const level = levels[levelIndex];
    if (level === undefined) continue;
    if (patch.mode === 'new-policy') level.push({ id: `${target}+new`, document: patch.patchedPolicy });
    else {
      const at = level.findIndex((p) => p.id === target || scpLevels(item).flat().find((d) => d.id === p.id)?.name === target);
      level[at] = { id: target, document: patch.patchedPolicy };
    }
  }
  return levels;
}

const OTHER_SCOPES = ['us', 'eu', 'apac', 'jp', 'au', 'ca', 'global'];
const SAMPLE_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-1', 'ap-south-1', 'ca-central-1', 'sa-east-1'];

/** Why an option fails one of the checks it claims, or an empty list. */
export function failedChecks(scenario: Scenario, fix: Fix, option: FixOption): string[] {
  const claims = claimedChecks(option);
  const patches = patchesOf(fix, option);
  const failures: string[] = [];
  if (patches === null) return ['option labelled verified but carries no patched documents'];
  const original = rawLevels(scenario.item);
  const patched = applyPatches(scenario.item, patches);
  const { source } = scenario;
  // An option that recommends another profile (the guardrail's own) is checked with that profile.
  const alternative = (option as { alternative?: { profileId?: string } }).alternative?.profileId ?? null;
  const profileId = alternative ?? scenario.profileId;
  const model = alternative === null ? scenario.model : modelOf(alternative);
  const legs = alternative === null ? scenario.legs : legsOf(alternative, source);
  const viaProfile = (region: string, profile = profileArn(source, profileId), m = model): RequestContext => ({
    action: 'bedrock:InvokeModel',
    resource: fmArn(region, m),
    context: context(region, CALLER_ROLE, profile),
  });
  if (claims.includes('a')) {
    for (const region of legs) {
      if (decide(patched, viaProfile(region)) !== 'allow') failures.push(`(a) the profile is still denied in ${region}`);
    }
    const sourceCall = { action: 'bedrock:InvokeModel', resource: profileArn(source, profileId), context: context(source, CALLER_ROLE, profileArn(source, profileId)) };
    if (decide(patched, sourceCall) !== 'allow') failures.push('(a) the profile call in the source Region is denied');
  }
  const regions = [...new Set([...legs, ...SAMPLE_REGIONS])];
  if (claims.includes('b')) {
    for (const region of regions) {
      const direct = { action: 'bedrock:InvokeModel', resource: fmArn(region, model), context: context(region, CALLER_ROLE, null) };
      if (decide(original, direct) === 'deny' && decide(patched, direct) !== 'deny') failures.push(`(b) a direct model call in ${region} is now allowed`);
    }
  }
  if (claims.includes('c')) {
    for (const region of regions.filter((r) => r !== 'unspecified')) {
      const ec2 = { action: 'ec2:RunInstances', resource: `arn:aws:ec2:${region}:${ACCOUNT}:instance/*`, context: context(region, CALLER_ROLE, null) };
      if (decide(original, ec2) === 'deny' && decide(patched, ec2) !== 'deny') failures.push(`(c) ec2:RunInstances in ${region} is now allowed`);
    }
  }
  if (claims.includes('d')) {
    for (const scope of OTHER_SCOPES.filter((s) => s !== scenario.scope)) {
      const other = `${scope}.${model}`;
      for (const region of scope === 'global' ? ['unspecified'] : legs) {
        const request = viaProfile(region, profileArn(source, other));
        if (decide(original, request) === 'deny' && decide(patched, request) !== 'deny') failures.push(`(d) the ${scope}. profile now passes in ${region}`);
      }
    }
  }
  if (claims.includes('e')) {
    for (const exemption of scenario.item.exemptions ?? []) {
      const request = {
        action: exemption.action,
        resource: '*',
        context: { 'aws:RequestedRegion': exemption.region, 'aws:PrincipalArn': exemption.principalArn, 'aws:PrincipalAccount': ACCOUNT },
      };
      if (decide(original, request) === 'allow' && decide(patched, request) !== 'allow') {
        failures.push(`(e) the exemption of ${exemption.principalArn} for ${exemption.action} in ${exemption.region} is lost`);
      }
    }
    const inForce = scenario.item.parametersInForce;
    if (inForce !== undefined && option.id === 'control-tower-parameters') {
      const text = option.snippet?.content ?? '';
      const json = /--parameters '(.+)'/.exec(text)?.[1] ?? '[]';
      const given = new Map((JSON.parse(json) as { key: string; value: string[] }[]).map((p) => [p.key, p.value]));
      for (const [key, values] of Object.entries(inForce)) {
        const missing = values.filter((v) => !(given.get(key) ?? []).includes(v));
        if (missing.length > 0) failures.push(`(e) Control Tower parameter ${key} drops ${missing.join(', ')}`);
      }
    }
  }
  if (claims.includes('f')) {
    for (const patch of patches) {
      const minified = patch.minifiedSize ?? patch.size;
      if (minified > 5120) failures.push(`(f) ${patch.policyName ?? '-'} is ${minified} characters minified`);
    }
    scenario.item.levels.forEach((level, i) => {
      const added = patches.filter((p) => p.mode === 'new-policy' && level.some((q) => q.id === (p as { policyId?: string }).policyId)).length;
      if (level.length + added > 5) failures.push(`(f) level ${i} would hold ${level.length + added} SCPs (quota 5)`);
    });
  }
  const deniedCall = { action: 'bedrock:InvokeModel', resource: fmArn(scenario.deniedRegion, scenario.model), context: context(scenario.deniedRegion, CALLER_ROLE, profileArn(source, scenario.profileId)) };
  if (scenario.deliberate && decide(patched, deniedCall) === 'allow') {
    failures.push('(g) a deliberate restriction was undone');
  }
  return failures;
}
