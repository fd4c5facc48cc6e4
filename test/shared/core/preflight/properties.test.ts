import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import data from '../../../../shared/core/classify/profile-catalog-data.json';
import { loadBundledCatalog, type CatalogData } from '../../../../shared/core/classify/profile-catalog.js';
import { buildFixContext, suggestFix } from '../../../../shared/core/fix/index.js';
import { catalogRoutes, routeFinding, runPreflight, toPreflightFix, type PreflightTarget } from '../../../../shared/core/preflight/index.js';
import { evaluateRequest } from '../../../../shared/core/scp/index.js';
import type { ScpDocument } from '../../../../shared/core/types.js';
import { loadScpCorpus } from './corpus.js';

const catalog = loadBundledCatalog();
const FULL_ACCESS: ScpDocument = { id: 'p-FullAWSAccess', name: 'FullAWSAccess', content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) };
/** AWS's "prevent member accounts from leaving the organization" example: matches no Bedrock request. */
const DENY_LEAVE_ORG: ScpDocument = {
  id: 'deny-leave-organization',
  name: 'deny-leave-organization',
  content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: ['organizations:LeaveOrganization'], Resource: '*' }] }),
};
const corpus = loadScpCorpus();
const SOURCES = ['ap-northeast-1', 'ap-northeast-3', 'ap-southeast-2', 'eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-2'];
const routes = catalogRoutes(data as CatalogData, SOURCES);

/** A random chain of 1–4 levels, each holding 1–3 corpus SCPs (repeats allowed, as in real orgs). */
const chainArb = fc.array(fc.array(fc.constantFrom(...corpus), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 });
const routeArb = fc.constantFrom(...routes);

/** The evaluator's own decision for a destination, with the request the fix engine verifies. */
function evaluatorDenies(levels: ScpDocument[][], profile: string, sourceRegion: string, destination: string): boolean {
  const finding = routeFinding(profile, sourceRegion, catalog.destinations(profile, sourceRegion) ?? { regions: [], source: 'catalog' }, null);
  const context = buildFixContext(finding, catalog);
  const model = destination === 'unspecified' ? `arn:aws:bedrock:::foundation-model/${context.foundationModel}` : `arn:aws:bedrock:${destination}::foundation-model/${context.foundationModel}`;
  const set = { levels: levels.map((level) => level.map((doc, i) => ({ id: `${doc.id}@${i}`, document: doc.content }))) };
  const evaluation = evaluateRequest(set, {
    action: 'bedrock:InvokeModel',
    resource: model,
    context: { 'aws:RequestedRegion': destination, 'bedrock:InferenceProfileArn': context.profileArn ?? undefined },
  });
  return evaluation.decision === 'deny';
}

describe('preflight properties', () => {
  it('draws from a corpus of real SCPs', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it('deniedDestinations equals the evaluator’s decision per destination for random SCP chains', () => {
    fc.assert(
      fc.property(chainArb, routeArb, (levels, route) => {
        const target: PreflightTarget = { id: 'supplied', name: null, kind: 'supplied', path: [], levels };
        const [row] = runPreflight({ targets: [target], routes: [route], catalog, lang: 'en', withFix: false }).rows;
        expect(row).toBeDefined();
        const expected = (row?.destinations ?? []).filter((d) => evaluatorDenies(levels, route.profile, route.sourceRegion, d));
        expect(row?.deniedDestinations).toEqual(expected);
        expect(row?.status).toBe(expected.length > 0 || row?.sourceCallDenied ? 'blocked' : 'ready');
      }),
      { numRuns: 300 },
    );
  });

  it('a fix shared between chains is the fix the engine gives each chain on its own', () => {
    // A chain and its copy with a policy no request of the route matches share one fix run; an
    // unrelated chain gets its own.
    fc.assert(
      fc.property(chainArb, chainArb, fc.nat(3), routeArb, (first, other, at, route) => {
        const level = at % first.length;
        const padded = first.map((docs, i) => (i === level ? [...docs, DENY_LEAVE_ORG] : docs));
        // An extra level holding only FullAWSAccess allows everything and denies nothing.
        const deeper = [...first.slice(0, level + 1), [FULL_ACCESS], ...first.slice(level + 1)];
        const chains = [first, padded, other, deeper];
        const targets: PreflightTarget[] = chains.map((levels, i) => ({ id: `t${i}`, name: null, kind: 'supplied', path: [], levels }));
        const { rows } = runPreflight({ targets, routes: [route], catalog, lang: 'en' });
        for (const [i, row] of rows.entries()) {
          if (row.fix === null) continue;
          const denied = row.deniedDestinations[0] ?? row.sourceRegion;
          const finding = routeFinding(route.profile, route.sourceRegion, catalog.destinations(route.profile, route.sourceRegion) ?? { regions: [], source: 'catalog' }, denied);
          const alone = toPreflightFix(suggestFix(finding, { catalog, lang: 'en', scps: chains[i] as ScpDocument[][] }));
          expect(row.fix).toEqual(alone);
        }
        if (rows[0]?.fix != null) expect(rows[1]?.fix).toBe(rows[0]?.fix);
        if (rows[0]?.fix != null && first.flat().some((doc) => doc.name === 'full-aws-access.json')) expect(rows[3]?.fix).toEqual(rows[0]?.fix);
      }),
      { numRuns: 25 },
    );
  });
});
