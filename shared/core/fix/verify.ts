/**
 * Patches the SCPs in force with one strategy until every leg of the profile's routing gets
 * through, then evaluates the checks that prove the patch right before anyone sees it.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */
import { evaluateRequest } from '../scp/evaluate.js';
import type { Evaluation, PolicySet, RequestContext, StatementRef } from '../scp/types.js';
import type { ScpDocument, VerificationCheck } from '../types.js';
import type { FixContext, NamedRequest, VerificationRequests } from './fix-context.js';
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

/** Every check of a patched set, the original one first. */
export function verificationChecks(
  scps: readonly LoadedScp[],
  documents: ReadonlyMap<string, JsonObject>,
  requests: VerificationRequests,
): VerificationCheck[] {
  const evaluate = (named: NamedRequest): Evaluation => evaluateWith(scps, documents, named.request);
  return [
    originalCheck(scps, requests),
    check(requests.denied.name, 'allow', evaluate(requests.denied)),
    ...requests.routes.map((named) => check(named.name, 'allow', evaluate(named))),
    check(requests.direct.name, 'deny', evaluate(requests.direct)),
    check(requests.nonBedrock.name, 'deny', evaluate(requests.nonBedrock)),
  ];
}
