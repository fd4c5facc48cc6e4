import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import data from '../../../../shared/core/classify/profile-catalog-data.json';
import { loadBundledCatalog, type CatalogData } from '../../../../shared/core/classify/profile-catalog.js';
import {
  approvedRegions,
  buildMatrix,
  catalogRoutes,
  renderPreflightText,
  runPreflight,
  serializePreflightRow,
  type PreflightTarget,
} from '../../../../shared/core/preflight/index.js';
import type { ScpDocument } from '../../../../shared/core/types.js';
import { ROOT } from '../../../helpers/load-event.js';

const catalog = loadBundledCatalog();
const scp = (name: string): ScpDocument => ({ id: `events/scp/${name}`, name, content: readFileSync(join(ROOT, 'events', 'scp', name), 'utf8') });
const supplied = (...levels: ScpDocument[][]): PreflightTarget => ({ id: 'supplied', name: null, kind: 'supplied', path: [], levels });
const SONNET_APAC = 'apac.anthropic.claude-sonnet-4-20250514-v1:0';
const SONNET_JP = 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0';
const SONNET_GLOBAL = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0';

function run(targets: PreflightTarget[], routes: { profile: string; sourceRegion: string }[]) {
  return runPreflight({ targets, routes, catalog, lang: 'en' });
}

describe('runPreflight', () => {
  it('blocks an APAC profile from Tokyo under a Tokyo/Osaka/Virginia region deny, naming every denied destination and the statement', () => {
    // Act
    const { rows } = run([supplied([scp('region-deny-tokyo-osaka-virginia.json')])], [{ profile: SONNET_APAC, sourceRegion: 'ap-northeast-1' }]);

    // Assess
    const [row] = rows;
    expect(row?.status).toBe('blocked');
    expect(row?.destinations).toEqual(catalog.destinations(SONNET_APAC, 'ap-northeast-1')?.regions);
    expect(row?.deniedDestinations).toEqual(['ap-northeast-2', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-4']);
    expect(row?.sourceCallDenied).toBe(false);
    expect(row?.deniedBy).toEqual([{ policyId: 'events/scp/region-deny-tokyo-osaka-virginia.json', policyName: 'region-deny-tokyo-osaka-virginia.json', sid: 'GRREGIONDENY', level: 0 }]);
    expect(row?.fix?.verification).toBe('verified');
    expect(row?.fix?.option).not.toBeNull();
  });

  it('finds a jp. profile from Tokyo ready when only Tokyo and Osaka are approved, with no fix', () => {
    const { rows } = run([supplied([scp('region-deny-tokyo-osaka-virginia.json')])], [{ profile: SONNET_JP, sourceRegion: 'ap-northeast-1' }]);

    expect(rows[0]).toMatchObject({ status: 'ready', deniedDestinations: [], deniedBy: [], fix: null, destinations: ['ap-northeast-1', 'ap-northeast-3'] });
  });

  it('reports a global profile as denied in "unspecified"', () => {
    const { rows } = run([supplied([scp('region-deny-tokyo-osaka-virginia.json')])], [{ profile: SONNET_GLOBAL, sourceRegion: 'ap-northeast-1' }]);

    expect(rows[0]?.destinations).toEqual(['ap-northeast-1', 'unspecified']);
    expect(rows[0]?.deniedDestinations).toEqual(['unspecified']);
    expect(rows[0]?.status).toBe('blocked');
  });

  it('finds the APAC profile ready under the aws-samples CRIS variant, which lets apac. profiles through', () => {
    const { rows } = run([supplied([scp('region-deny-with-bedrock-cris-apac.json')])], [{ profile: SONNET_APAC, sourceRegion: 'ap-northeast-1' }]);

    expect(rows[0]).toMatchObject({ status: 'ready', deniedDestinations: [] });
  });

  it('marks the source call denied when the caller sits in a Region the SCP does not approve', () => {
    const { rows } = run([supplied([scp('region-deny-eu.json')])], [{ profile: SONNET_APAC, sourceRegion: 'ap-northeast-1' }]);

    expect(rows[0]?.sourceCallDenied).toBe(true);
    expect(rows[0]?.status).toBe('blocked');
    expect(rows[0]?.deniedDestinations).toEqual(rows[0]?.destinations);
  });

  it('names the level without an Allow for an implicit deny', () => {
    const allowEc2Only: ScpDocument = { id: 'allow-ec2', name: 'allow-ec2', content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }] }) };
    const { rows } = run([supplied([scp('full-aws-access.json')], [allowEc2Only])], [{ profile: SONNET_JP, sourceRegion: 'ap-northeast-1' }]);

    expect(rows[0]?.deniedBy).toEqual([{ policyId: null, policyName: null, sid: null, level: 1 }]);
    expect(rows[0]?.status).toBe('blocked');
  });

  it('evaluates each distinct SCP chain once, however many targets share it', () => {
    // Prepare
    const chain = [[scp('full-aws-access.json'), scp('region-deny-tokyo-osaka-virginia.json')], [scp('full-aws-access.json')]];
    const many: PreflightTarget[] = Array.from({ length: 50 }, (_, i) => ({ id: String(100000000000 + i), name: `acct-${i}`, kind: 'account', path: ['r-ab12'], levels: chain }));
    const routes = [{ profile: SONNET_APAC, sourceRegion: 'ap-northeast-1' }, { profile: SONNET_JP, sourceRegion: 'ap-northeast-1' }];

    // Act
    const one = run(many.slice(0, 1), routes);
    const fifty = run(many, routes);

    // Assess
    expect(fifty.stats).toMatchObject({ targets: 50, chains: 1, rows: 100, blocked: 50 });
    expect(fifty.stats.evaluations).toBe(one.stats.evaluations);
    expect(fifty.stats.fixes).toBe(1);
    expect(fifty.rows[99]).toMatchObject({ target: '100000000049', targetName: 'acct-49', profile: SONNET_JP, status: 'ready' });
  });

  it('lists routes the catalog does not know instead of inventing destinations', () => {
    const result = run([supplied([scp('full-aws-access.json')])], [{ profile: 'anthropic.claude-v2', sourceRegion: 'us-east-1' }]);

    expect(result.rows).toEqual([]);
    expect(result.unknownRoutes).toEqual([{ profile: 'anthropic.claude-v2', sourceRegion: 'us-east-1' }]);
  });
});

describe('catalogRoutes and approvedRegions', () => {
  it('defaults the source Regions to those the region deny approves', () => {
    expect(approvedRegions([[scp('region-deny-tokyo-osaka-virginia.json')]], (data as CatalogData).commercialRegions)).toEqual(['ap-northeast-1', 'ap-northeast-3', 'us-east-1']);
  });

  it('lists every system profile callable from a source Region, and only those', () => {
    const routes = catalogRoutes(data as CatalogData, ['ap-northeast-3']);

    expect(routes.length).toBeGreaterThan(3);
    for (const route of routes) expect(catalog.destinations(route.profile, 'ap-northeast-3')?.source).toBe('catalog');
    expect(routes.map((r) => r.profile)).not.toContain('us.amazon.nova-lite-v1:0');
  });
});

describe('renderPreflightText', () => {
  it('prints a matrix cell per chain with the denied Regions, the legend and the summary line', () => {
    const targets = [supplied([scp('region-deny-tokyo-osaka-virginia.json')])];
    const result = run(targets, [{ profile: SONNET_APAC, sourceRegion: 'ap-northeast-1' }, { profile: SONNET_JP, sourceRegion: 'ap-northeast-1' }]);

    const text = renderPreflightText(buildMatrix(targets, result.rows), result.stats, { lang: 'en' });

    expect(text).toContain('FROM ap-northeast-1');
    expect(text).toMatch(new RegExp(`${SONNET_APAC.replace(/\./g, '\\.')}\\s+✗ ap-northeast-2,ap-south-1,ap-south-2,ap-southeast-1,ap-southeast-2,ap-southeast-4`));
    expect(text).toMatch(new RegExp(`${SONNET_JP.replace(/\./g, '\\.')}\\s+✓`));
    expect(text).toContain('"GRREGIONDENY" (level 0)');
    expect(text.trimEnd().split('\n').pop()).toBe('2 checks: 1 ready, 1 blocked · 1 targets in 1 distinct SCP chains × 2 profiles × 1 source Regions · 12 evaluations, 1 fix-engine runs');
  });

  it('neutralises control characters from a hostile snapshot name', () => {
    const target: PreflightTarget = { id: '111122223333', name: 'evil\u001b[2J\u202Ename', kind: 'account', path: ['r-ab12'], levels: [[scp('full-aws-access.json')]] };
    const result = run([target], [{ profile: SONNET_JP, sourceRegion: 'ap-northeast-1' }]);

    const text = renderPreflightText(buildMatrix([target], result.rows), result.stats, { lang: 'en' });

    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202E');
  });
});

describe('serializePreflightRow', () => {
  it('gives exactly the text JSON.stringify gives, for blocked and ready rows', () => {
    const { rows } = run([supplied([scp('region-deny-tokyo-osaka-virginia.json')])], [{ profile: SONNET_APAC, sourceRegion: 'ap-northeast-1' }, { profile: SONNET_JP, sourceRegion: 'ap-northeast-1' }]);

    for (const row of [...rows, ...rows]) expect(serializePreflightRow(row)).toBe(JSON.stringify(row));
  });
});
