/**
 * An SCP chain (the levels root → target) prepared once for evaluation, and the key that tells
 * two targets with the same SCPs apart from the rest: preflight's cost grows with distinct chains,
 * not with accounts.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */
import { createHash } from 'node:crypto';
import { findMatchingStatements, toParsedPolicy, type ParsedPolicy } from '../scp/index.js';
import type { Evaluation, PolicySet, RequestContext, StatementRef } from '../scp/types.js';
import type { ScpDocument } from '../types.js';
import type { DeniedBy } from './types.js';

/** One policy of a chain, parsed once and shared by every chain that holds the same text. */
interface ChainPolicy {
  /** Evaluator ID of the policy in this chain (document ID, made unique when repeated). */
  id: string;
  level: number;
  shared: SharedPolicy;
}

/** A distinct policy text, parsed once, with the statements that matched each request seen. */
interface SharedPolicy {
  parsed: ParsedPolicy | null;
  hasAllow: boolean;
  /** Holds an Allow of every action on every resource without condition (`FullAWSAccess`). */
  allowsEverything: boolean;
  matches: Map<string, StatementRef[]>;
}

/** A chain ready for the evaluator. */
export interface PreparedChain {
  key: string;
  levels: ScpDocument[][];
  set: PolicySet;
  /** Evaluator policy ID → where it came from. */
  sources: Map<string, { document: ScpDocument; level: number }>;
  policies: ChainPolicy[];
  /** True when no valid policy holds an Allow: the evaluator then assumes FullAWSAccess at every level. */
  assumeFullAwsAccess: boolean;
}

/**
 * Parsed policies and their matches, shared across chains (30 SCPs in 200 chains are parsed 30
 * times, not 200 × levels). Bounded: it is cleared when it holds too many distinct texts.
 */
export interface PolicyCache {
  policies: Map<string, SharedPolicy>;
}

/** A fresh {@link PolicyCache}. */
export function createPolicyCache(): PolicyCache {
  return { policies: new Map() };
}

const CACHE_LIMIT = 5_000;
let defaultCache = createPolicyCache();

function sharedPolicy(cache: PolicyCache, id: string, content: string, document: unknown): SharedPolicy {
  const key = createHash('sha256').update(content).digest('hex');
  let shared = cache.policies.get(key);
  if (shared === undefined) {
    if (cache.policies.size >= CACHE_LIMIT) cache.policies.clear();
    // Parsed under a neutral ID: the statement refs are re-labelled per chain.
    const parsed = toParsedPolicy({ id, document });
    shared = {
      parsed: parsed.ok ? parsed.value : null,
      hasAllow: parsed.ok && parsed.value.statements.some((statement) => statement.effect === 'Allow'),
      allowsEverything:
        parsed.ok &&
        parsed.value.statements.some(
          (st) => st.effect === 'Allow' && st.notAction === null && st.notResource === null && st.conditions.length === 0 && (st.action ?? []).includes('*') && (st.resource ?? []).includes('*'),
        ),
      matches: new Map(),
    };
    cache.policies.set(key, shared);
  }
  return shared;
}

/** The key of a chain: its levels' policy IDs and contents, hashed. */
export function chainKey(levels: readonly (readonly ScpDocument[])[]): string {
  const hash = createHash('sha256');
  levels.forEach((level, index) => {
    hash.update(`\u0001${index}`);
    for (const doc of level) hash.update(`\u0002${doc.id}\u0003${doc.content}`);
  });
  return hash.digest('hex').slice(0, 24);
}

/**
 * Prepares a chain as the fix engine hands SCPs to the evaluator: one entry per document, its ID
 * made unique when repeated, the parsed JSON (or the raw text, which the evaluator reports invalid).
 */
export function prepareChain(levels: ScpDocument[][], cache: PolicyCache = defaultCache): PreparedChain {
  const seen = new Map<string, number>();
  const sources = new Map<string, { document: ScpDocument; level: number }>();
  const policies: ChainPolicy[] = [];
  const set: PolicySet = {
    levels: levels.map((level, levelIndex) =>
      level.map((document) => {
        const count = (seen.get(document.id) ?? 0) + 1;
        seen.set(document.id, count);
        const id = count === 1 ? document.id : `${document.id}#${count}`;
        sources.set(id, { document, level: levelIndex });
        let parsed: unknown = document.content;
        try {
          parsed = JSON.parse(document.content);
        } catch {
          // Left as text: the evaluator lists it in invalidPolicies and it contributes no statement.
        }
        policies.push({ id, level: levelIndex, shared: sharedPolicy(cache, 'policy', document.content, parsed) });
        return { id, document: parsed };
      }),
    ),
  };
  const assumeFullAwsAccess = set.levels.length > 0 && !policies.some((policy) => policy.shared.hasAllow);
  return { key: chainKey(levels), levels, set, sources, policies, assumeFullAwsAccess };
}

/**
 * A key equal for two chains exactly when every request in `requests` evaluates the same against
 * both, statement for statement: per level, the policies that match any of the requests (with
 * their ID, name and text), and whether `FullAWSAccess` is assumed. Policies matching none of the
 * requests cannot change any of those evaluations, so they are left out; so is a level whose only
 * relevant policy allows everything unconditionally (`FullAWSAccess`): such a level allows every
 * request and denies none, wherever it sits in the chain.
 */
export function relevantChainKey(chain: PreparedChain, requests: readonly RequestContext[]): string {
  const keys = requests.map((request) => JSON.stringify(request));
  const levels: string[][] = chain.set.levels.map(() => []);
  const neutral: boolean[] = chain.set.levels.map(() => false);
  for (const policy of chain.policies) {
    if (!requests.some((request, i) => matchesOf(policy, request, keys[i] as string).length > 0)) continue;
    if (policy.shared.allowsEverything) {
      neutral[policy.level] = true;
      continue;
    }
    const doc = chain.sources.get(policy.id)?.document;
    levels[policy.level]?.push(`${policy.id}\u0003${doc?.name ?? ''}\u0003${doc?.description ?? ''}\u0003${doc?.content ?? ''}`);
  }
  const hash = createHash('sha256');
  hash.update(`${chain.assumeFullAwsAccess}`);
  levels.forEach((relevant, level) => {
    // A level that allows everything and holds nothing else that matters is neutral: leave it out.
    if (neutral[level] === true && relevant.length === 0) return;
    hash.update(`\u0001${neutral[level] === true ? 'all' : 'some'}`);
    for (const entry of relevant) hash.update(`\u0002${entry}`);
  });
  return hash.digest('hex').slice(0, 32);
}

/** Clears the module's shared policy cache (tests, long-running processes between snapshots). */
export function resetPolicyCache(): void {
  defaultCache = createPolicyCache();
}

function matchesOf(policy: ChainPolicy, request: RequestContext, requestKey: string): StatementRef[] {
  const { shared } = policy;
  if (shared.parsed === null) return [];
  let refs = shared.matches.get(requestKey);
  if (refs === undefined) {
    if (shared.matches.size >= CACHE_LIMIT) shared.matches.clear();
    refs = findMatchingStatements(shared.parsed, request);
    shared.matches.set(requestKey, refs);
  }
  return refs;
}

/**
 * Evaluates one request against a prepared chain. The same decision as the SCP evaluator's
 * `evaluateRequest` (the fix engine's entry point) over `chain.set` — a property test holds them
 * equal — but each distinct policy text is parsed once and matched once per distinct request, so
 * chains that share policies share the work. Statement matching is the evaluator's own
 * (`findMatchingStatements`); only the documented combination (any Deny denies; every level needs
 * an Allow; `FullAWSAccess` assumed when no Allow exists) is applied here.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */
export function evaluateLeg(chain: PreparedChain, request: RequestContext, requestKey = JSON.stringify(request)): Evaluation {
  const denies: StatementRef[] = [];
  const allows: StatementRef[] = [];
  const allowedLevels = new Set<number>();
  for (const policy of chain.policies) {
    for (const ref of matchesOf(policy, request, requestKey)) {
      const labelled: StatementRef = { policyId: policy.id, index: ref.index, sid: ref.sid, effect: ref.effect };
      if (ref.effect === 'Deny') denies.push(labelled);
      else {
        allows.push(labelled);
        allowedLevels.add(policy.level);
      }
    }
  }
  const assumed = chain.assumeFullAwsAccess;
  let levelWithoutAllow: number | null = null;
  if (!assumed) {
    for (let level = 0; level < chain.set.levels.length; level += 1) {
      if (!allowedLevels.has(level)) {
        levelWithoutAllow = level;
        break;
      }
    }
  }
  const base = { denies, allows, assumedFullAwsAccess: assumed };
  if (denies.length > 0) return { decision: 'deny', basis: 'explicit-deny', levelWithoutAllow: null, ...base };
  if (levelWithoutAllow !== null) return { decision: 'deny', basis: 'implicit-deny', levelWithoutAllow, ...base };
  return { decision: 'allow', basis: 'allowed', levelWithoutAllow: null, ...base };
}

const POLICY_ID = /\/(p-[0-9a-zA-Z_]+)$/;

/** The policy ID a person looks up: `p-…` of an Organizations ARN, otherwise the document ID. */
export function policyIdOf(documentId: string): string {
  return POLICY_ID.exec(documentId)?.[1] ?? documentId;
}

/** What denied a request: each matching Deny statement, or the level that lacks an Allow. */
export function deniersOf(chain: PreparedChain, evaluation: Evaluation): DeniedBy[] {
  if (evaluation.decision === 'allow') return [];
  if (evaluation.basis === 'implicit-deny') {
    return [{ policyId: null, policyName: null, sid: null, level: evaluation.levelWithoutAllow ?? 0 }];
  }
  return evaluation.denies.map((ref) => {
    const source = chain.sources.get(ref.policyId);
    return {
      policyId: source === undefined ? policyIdOf(ref.policyId) : policyIdOf(source.document.id),
      policyName: source?.document.name ?? null,
      sid: ref.sid,
      level: source?.level ?? 0,
    };
  });
}
