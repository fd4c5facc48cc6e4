/**
 * Patches the SCPs in force with one strategy until every leg of the profile's routing gets
 * through, then evaluates the checks that prove the patch right before anyone sees it.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */
import { evaluateRequest } from '../scp/evaluate.js';
import type { Evaluation, PolicySet, RequestContext, StatementRef } from '../scp/types.js';
import type { ScpDocument, VerificationCheck, VerificationOutcome } from '../types.js';
import type { FixContext, NamedRequest, ProbeFamily, VerificationRequests } from './fix-context.js';
import { patchStatement, type PatchStrategy } from './patch-scp.js';
import { isObject, statementsOf, type JsonObject } from './policy-edit.js';

/** One SCP of the set in force, parsed once. */
export interface LoadedScp {
  level: number;
  /** Unique key within the set (the document ID, made unique when repeated). */
  key: string;
  source: ScpDocument;
  /** Parsed JSON, or null when the content is not JSON. */
  document: JsonObject | null;
}

/** Parses the SCP levels (root → account). Contract: total; unparsable documents have `document: null`. */
export function loadScps(levels: readonly (readonly ScpDocument[])[]): LoadedScp[] {
  const seen = new Map<string, number>();
  const loaded: LoadedScp[] = [];
  levels.forEach((level, levelIndex) => {
    for (const source of Array.isArray(level) ? level : []) {
      const id = typeof source?.id === 'string' ? source.id : 'policy';
      const count = (seen.get(id) ?? 0) + 1;
      seen.set(id, count);
      let document: JsonObject | null = null;
      try {
        const parsed: unknown = JSON.parse(typeof source?.content === 'string' ? source.content : '');
        document = isObject(parsed) ? parsed : null;
      } catch {
        document = null;
      }
      loaded.push({ level: levelIndex, key: count === 1 ? id : `${id}#${count}`, source, document });
    }
  });
  return loaded;
}

function toPolicySet(scps: readonly LoadedScp[], documents: ReadonlyMap<string, JsonObject>): PolicySet {
  const levels: PolicySet['levels'] = [];
  for (const scp of scps) {
    while (levels.length <= scp.level) levels.push([]);
    levels[scp.level]?.push({ id: scp.key, document: documents.get(scp.key) ?? scp.document ?? scp.source.content });
  }
  return { levels };
}

/** Evaluates one request against the set with some documents replaced. */
export function evaluateWith(
  scps: readonly LoadedScp[],
  documents: ReadonlyMap<string, JsonObject>,
  request: RequestContext,
): Evaluation {
  return evaluateRequest(toPolicySet(scps, documents), request);
}

/** A successful patch: the replaced documents and which statement denied first. */
export interface PatchOutcome {
  ok: true;
  documents: Map<string, JsonObject>;
  /** Patched statements in the order they were patched. */
  patched: StatementRef[];
}

/** Why a strategy could not produce a patch. */
export interface PatchFailure {
  ok: false;
  reason: 'not-denied' | 'implicit-deny' | 'unpatchable-statement' | 'still-denied' | 'unparsable-policy';
  statement: StatementRef | null;
}

const MAX_ROUNDS = 16;

/**
 * Applies a strategy to every statement that denies one of the must-allow requests, re-evaluating
 * after each round. Contract: pure, never throws; the original documents are untouched.
 */
export function patchScps(
  scps: readonly LoadedScp[],
  context: FixContext,
  mustAllow: readonly NamedRequest[],
  strategy: PatchStrategy,
): PatchOutcome | PatchFailure {
  const documents = new Map<string, JsonObject>();
  const patched: StatementRef[] = [];
  const originalCount = new Map(scps.map((s) => [s.key, statementsOf(s.document).length]));
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const blocked = mustAllow
      .map((named) => evaluateWith(scps, documents, named.request))
      .find((evaluation) => evaluation.decision === 'deny');
    if (blocked === undefined) {
      return patched.length === 0 ? { ok: false, reason: 'not-denied', statement: null } : { ok: true, documents, patched };
    }
    if (blocked.basis === 'implicit-deny') return { ok: false, reason: 'implicit-deny', statement: null };
    for (const ref of blocked.denies) {
      const scp = scps.find((s) => s.key === ref.policyId);
      const current = documents.get(ref.policyId) ?? scp?.document ?? null;
      if (scp === undefined || current === null) return { ok: false, reason: 'unparsable-policy', statement: ref };
      const already = patched.some((p) => p.policyId === ref.policyId && p.index === ref.index);
      if (already || ref.index >= (originalCount.get(ref.policyId) ?? 0)) {
        return { ok: false, reason: 'still-denied', statement: ref };
      }
      const result = patchStatement(current, ref.index, context, strategy);
      if (!result.ok) return { ok: false, reason: 'unpatchable-statement', statement: ref };
      documents.set(ref.policyId, result.document);
      patched.push(ref);
    }
  }
  return { ok: false, reason: 'still-denied', statement: null };
}

function check(name: string, expected: 'allow' | 'deny', evaluation: Evaluation): VerificationCheck {
  return { name, expected, actual: evaluation.decision, passed: evaluation.decision === expected };
}

/** The check that the SCPs in force did deny the request (otherwise the finding is not theirs). */
export function originalCheck(scps: readonly LoadedScp[], requests: VerificationRequests): VerificationCheck {
  return check('original-denies-request', 'deny', evaluateWith(scps, new Map(), requests.denied.request));
}

/** Context keys added to every request of one verification run (a value for a key the auditor cannot know). */
export type ContextOverlay = Readonly<Record<string, string>>;

function withOverlay(request: RequestContext, overlay: ContextOverlay): RequestContext {
  return Object.keys(overlay).length === 0 ? request : { ...request, context: { ...request.context, ...overlay } };
}

const FAMILY_CHECK: Record<ProbeFamily, string> = {
  direct: 'patched-keeps-direct-invocations',
  service: 'patched-keeps-other-services',
  'other-profile': 'patched-keeps-other-profiles',
  exemption: 'patched-keeps-exemptions',
};

/**
 * Every check of a patched set, the original one first: the denied request and every leg allowed,
 * the direct call and a non-Bedrock action in the denied Region still denied, and each probe family
 * the guarantee covers left as the SCPs in force decide it (one summary check per family, plus one
 * check per probe that changed).
 */
export function verificationChecks(
  scps: readonly LoadedScp[],
  documents: ReadonlyMap<string, JsonObject>,
  requests: VerificationRequests,
  families: readonly ProbeFamily[] = ['direct', 'service', 'other-profile', 'exemption'],
  overlay: ContextOverlay = {},
): VerificationCheck[] {
  const evaluate = (named: NamedRequest): Evaluation => evaluateWith(scps, documents, withOverlay(named.request, overlay));
  const original = (named: NamedRequest): Evaluation => evaluateWith(scps, new Map(), withOverlay(named.request, overlay));
  const checks: VerificationCheck[] = [
    check('original-denies-request', 'deny', original(requests.denied)),
    check(requests.denied.name, 'allow', evaluate(requests.denied)),
    ...requests.routes.map((named) => check(named.name, 'allow', evaluate(named))),
  ];
  if (families.includes('direct')) checks.push(check(requests.direct.name, 'deny', evaluate(requests.direct)));
  if (families.includes('service')) checks.push(check(requests.nonBedrock.name, 'deny', evaluate(requests.nonBedrock)));
  for (const family of families) {
    const probes = requests.probes.filter((p) => p.family === family);
    if (probes.length === 0) continue;
    const changed = probes
      .map((probe) => ({ probe, expected: original(probe).decision, actual: evaluate(probe).decision }))
      .filter((r) => r.expected !== r.actual);
    checks.push({ name: FAMILY_CHECK[family], expected: 'deny', actual: changed.length === 0 ? 'deny' : 'allow', passed: changed.length === 0 });
    for (const r of changed) checks.push({ name: `${FAMILY_CHECK[family]}:${r.probe.name}`, expected: r.expected, actual: r.actual, passed: false });
  }
  return checks;
}

const KNOWN_KEYS = new Set(['aws:requestedregion', 'bedrock:inferenceprofilearn', 'aws:principalarn', 'aws:principalaccount', 'aws:principaltype']);

/**
 * Condition keys the SCPs read that the auditor cannot know from the record (principal tags,
 * `aws:CalledVia`, `aws:SourceVpce`, …), each with the values the policies compare it against.
 */
export function unknownKeys(documents: readonly (JsonObject | null)[], known: ReadonlySet<string> = KNOWN_KEYS): Map<string, string[]> {
  const keys = new Map<string, { name: string; values: Set<string> }>();
  for (const document of documents) {
    for (const statement of statementsOf(document)) {
      const condition = isObject(statement.Condition) ? statement.Condition : {};
      for (const [operator, block] of Object.entries(condition)) {
        if (!isObject(block)) continue;
        const isNull = /^null$/i.test(operator.replace(/^For(Any|All)Values:/i, ''));
        for (const [key, raw] of Object.entries(block)) {
          const lower = key.toLowerCase();
          if (known.has(lower)) continue;
          const entry = keys.get(lower) ?? { name: key, values: new Set<string>() };
          if (!isNull) {
            for (const v of Array.isArray(raw) ? raw : [raw]) {
              if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') entry.values.add(String(v).replace(/\*/g, 'x').replace(/\?/g, 'x'));
            }
          }
          keys.set(lower, entry);
        }
      }
    }
  }
  return new Map([...keys.values()].map((k) => [k.name, [...k.values].sort()]));
}

/** What a verification established, with the assumptions it rests on. */
export interface OutcomeReport {
  outcome: VerificationOutcome;
  checks: VerificationCheck[];
  /** For `verified-assuming`: `{ key, value }` pairs under which the patch does not hold. */
  failingValues: { key: string; value: string }[];
}

/**
 * Decides the outcome of a patch: evaluated with every unknown key absent, then with each unknown
 * key set to each value the policies compare it against (one key at a time). A value under which
 * the SCPs in force would not have denied the call contradicts the record and is skipped.
 * `verified` when every run passes, `verified-assuming` when only the absent run and some values
 * pass (the others become assumptions), `not-verified` when the absent run fails.
 */
export function verificationOutcome(
  scps: readonly LoadedScp[],
  documents: ReadonlyMap<string, JsonObject>,
  requests: VerificationRequests,
  families: readonly ProbeFamily[],
  known: ReadonlySet<string> = KNOWN_KEYS,
): OutcomeReport {
  const checks = verificationChecks(scps, documents, requests, families);
  if (!checks.every((c) => c.passed)) return { outcome: 'not-verified', checks, failingValues: [] };
  const all = [...scps.map((s) => s.document), ...documents.values()];
  const failingValues: { key: string; value: string }[] = [];
  for (const [key, values] of unknownKeys(all, known)) {
    for (const value of values.length > 0 ? values : ['true']) {
      const overlay = { [key]: value };
      if (evaluateWith(scps, new Map(), withOverlay(requests.denied.request, overlay)).decision !== 'deny') continue;
      const variant = verificationChecks(scps, documents, requests, families, overlay);
      if (!variant.every((c) => c.passed)) failingValues.push({ key, value });
    }
  }
  return { outcome: failingValues.length === 0 ? 'verified' : 'verified-assuming', checks, failingValues };
}
