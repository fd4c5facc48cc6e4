/**
 * Pre-flight over a generated organization: 5,000 accounts under 200 OUs with 30 SCPs, × 40
 * profiles × 6 source Regions, every row serialised as `--json` does. The cost grows with distinct
 * SCP chains, not accounts: the figures say how many chains, evaluations and fix-engine runs.
 *
 *   node --expose-gc --import tsx bench/preflight.ts
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import data from '../shared/core/classify/profile-catalog-data.json';
import { loadBundledCatalog, type CatalogData } from '../shared/core/classify/profile-catalog.js';
import {
  catalogRoutes,
  parseOrgSnapshot,
  resetPolicyCache,
  serializePreflightRow,
  runPreflight,
  snapshotTargets,
  type OrgSnapshot,
  type SnapshotPolicy,
} from '../shared/core/preflight/index.js';

/** Figures of one run. */
export interface PreflightBench {
  accounts: number;
  ous: number;
  scps: number;
  profiles: number;
  sourceRegions: number;
  targets: number;
  distinctChains: number;
  routes: number;
  rows: number;
  blocked: number;
  evaluations: number;
  fixEngineRuns: number;
  seconds: number;
  evaluationsPerSecond: number;
  rowsPerSecond: number;
  peakRssMb: number;
  ndjsonMb: number;
}

const SOURCES = ['ap-northeast-1', 'ap-northeast-3', 'ap-southeast-2', 'us-east-1', 'eu-central-1', 'eu-west-1'];

/** A small deterministic PRNG (mulberry32), so every run measures the same organization. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sample = (name: string): string => readFileSync(join(__dirname, '..', 'events', 'scp', name), 'utf8');

/** Guardrail SCPs of the kind organizations attach next to the region deny (none is about Bedrock, two touch EC2). */
const GUARDRAIL_ACTIONS: string[][] = [
  ['organizations:LeaveOrganization'], ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'], ['config:DeleteConfigRule', 'config:StopConfigurationRecorder'],
  ['guardduty:DeleteDetector', 'guardduty:DisassociateFromMasterAccount'], ['iam:CreateUser', 'iam:CreateAccessKey'], ['s3:PutAccountPublicAccessBlock'],
  ['ec2:DisableEbsEncryptionByDefault'], ['kms:ScheduleKeyDeletion'], ['route53domains:*'], ['account:CloseAccount'], ['securityhub:DisableSecurityHub'],
  ['access-analyzer:DeleteAnalyzer'], ['ram:CreateResourceShare'], ['ec2:CreateVpcPeeringConnection'], ['ec2:AcceptVpcPeeringConnection'],
  ['directconnect:*'], ['glacier:DeleteVault'], ['macie2:DisableMacie'], ['shield:DeleteSubscription'], ['backup:DeleteBackupVault'],
  ['iam:DeleteRolePermissionsBoundary'], ['lambda:AddPermission'], ['sso:DeleteInstance'],
];

/** Generates the organization snapshot of the bench. */
export function generateOrganization(accounts = 5_000, ous = 200, seed = 11): OrgSnapshot {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const arn = (id: string) => `arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/${id}`;
  const policies: SnapshotPolicy[] = [
    { id: 'p-FullAWSAccess', arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', name: 'FullAWSAccess', description: 'Allows access to every operation', awsManaged: true, content: sample('full-aws-access.json') },
    { id: 'p-regiondeny01', arn: arn('p-regiondeny01'), name: 'region-deny-tokyo-osaka-virginia', description: '', awsManaged: false, content: sample('region-deny-tokyo-osaka-virginia.json') },
    { id: 'p-regiondeny02', arn: arn('p-regiondeny02'), name: 'region-deny-eu', description: '', awsManaged: false, content: sample('region-deny-eu.json') },
    { id: 'p-regiondeny03', arn: arn('p-regiondeny03'), name: 'region-deny-with-bedrock-cris-apac', description: '', awsManaged: false, content: sample('region-deny-with-bedrock-cris-apac.json') },
    { id: 'p-bedrockmod01', arn: arn('p-bedrockmod01'), name: 'Deny-Bedrock-model-invocation-except-approved-models', description: '', awsManaged: false, content: sample('Deny-Bedrock-model-invocation-except-approved-models.json') },
    { id: 'p-regiondeny04', arn: arn('p-regiondeny04'), name: 'Deny-access-to-AWS-based-on-the-requested-AWS-region', description: '', awsManaged: false, content: sample('Deny-access-to-AWS-based-on-the-requested-AWS-region.json') },
    { id: 'p-regiondeny05', arn: arn('p-regiondeny05'), name: 'Deny-access-…-with-Bedrock-CRIS', description: '', awsManaged: false, content: sample('Deny-access-to-AWS-based-on-the-requested-AWS-region-with-Bedrock-CRIS.json') },
  ];
  GUARDRAIL_ACTIONS.forEach((actions, i) => {
    const id = `p-guard${String(i).padStart(6, '0')}`;
    policies.push({ id, arn: arn(id), name: `guardrail-${i}`, description: '', awsManaged: false, content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: `Guard${i}`, Effect: 'Deny', Action: actions, Resource: '*' }] }, null, 2) });
  });
  const regionDenies = ['p-regiondeny01', 'p-regiondeny02', 'p-regiondeny03', 'p-regiondeny04', 'p-regiondeny05'];
  const guardrails = policies.filter((p) => p.id.startsWith('p-guard')).map((p) => p.id);
  const snapshot: OrgSnapshot = {
    format: 'cris-auditor/org-snapshot',
    version: 1,
    takenAt: '2026-12-01T00:00:00.000Z',
    organizationId: 'o-a1b2c3d4e5',
    managementAccountId: '999988887777',
    roots: [{ id: 'r-ab12', name: 'Root', parentId: null, policyIds: ['p-FullAWSAccess', 'p-guard000000'] }],
    organizationalUnits: [],
    accounts: [],
    policies,
  };
  // 10 top-level OUs, each with a region deny (or none), the rest nested one or two levels below.
  const top = Math.min(10, ous);
  for (let i = 0; i < ous; i += 1) {
    const id = `ou-ab12-${String(i).padStart(8, '0')}`;
    // Three levels: 10 under the root, 50 under those, the rest under the second level.
    const parentIndex = i < top ? -1 : i < 60 ? Math.floor(next() * top) : top + Math.floor(next() * 50);
    const parentId = parentIndex < 0 ? 'r-ab12' : `ou-ab12-${String(parentIndex).padStart(8, '0')}`;
    const policyIds = ['p-FullAWSAccess'];
    if (i < top && i % 5 !== 4) policyIds.push(pick(regionDenies));
    if (i >= top && next() < 0.08) policyIds.push('p-bedrockmod01');
    const extra = Math.floor(next() * 3);
    for (let k = 0; k < extra; k += 1) policyIds.push(pick(guardrails));
    snapshot.organizationalUnits.push({ id, name: `ou-${i}`, parentId, policyIds: [...new Set(policyIds)] });
  }
  for (let i = 0; i < accounts; i += 1) {
    const id = String(200000000000 + i);
    const policyIds = ['p-FullAWSAccess'];
    if (next() < 0.05) policyIds.push(pick(guardrails));
    snapshot.accounts.push({ id, name: `account-${i}`, parentId: pick(snapshot.organizationalUnits).id, policyIds, status: 'ACTIVE' });
  }
  return snapshot;
}

/** The 40 profiles with the most routes from the bench's source Regions. */
function benchProfiles(catalogData: CatalogData, count = 40): string[] {
  return Object.keys(catalogData.profiles)
    .map((id) => ({ id, routes: SOURCES.filter((s) => catalogData.profiles[id]?.[s] !== undefined).length }))
    .sort((a, b) => b.routes - a.routes || a.id.localeCompare(b.id))
    .slice(0, count)
    .map((p) => p.id);
}

/** Runs the bench once. */
export function benchPreflight(): PreflightBench {
  const generated = generateOrganization();
  const parsed = parseOrgSnapshot(JSON.parse(JSON.stringify(generated)));
  if (!parsed.ok) throw new Error(parsed.reason);
  const catalogData = data as CatalogData;
  const profiles = benchProfiles(catalogData);
  const routes = catalogRoutes(catalogData, SOURCES, profiles);
  const catalog = loadBundledCatalog();
  (globalThis as { gc?: () => void }).gc?.();
  resetPolicyCache();
  let peak = process.memoryUsage().rss;
  let bytes = 0;
  let blocked = 0;
  const started = performance.now();
  const targets = snapshotTargets(parsed.value);
  const result = runPreflight({
    targets,
    routes,
    catalog,
    lang: 'en',
    onRow: (row) => {
      // What --json writes: one line per row.
      bytes += serializePreflightRow(row).length + 1;
      if (row.status === 'blocked') blocked += 1;
      if ((bytes & 0xffff) < 600) peak = Math.max(peak, process.memoryUsage().rss);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    accounts: generated.accounts.length,
    ous: generated.organizationalUnits.length,
    scps: generated.policies.length,
    profiles: profiles.length,
    sourceRegions: SOURCES.length,
    targets: targets.length,
    distinctChains: result.stats.chains,
    routes: result.stats.routes,
    rows: result.stats.rows,
    blocked,
    evaluations: result.stats.evaluations,
    fixEngineRuns: result.stats.fixes,
    seconds,
    evaluationsPerSecond: Math.round(result.stats.evaluations / seconds),
    rowsPerSecond: Math.round(result.stats.rows / seconds),
    peakRssMb: Math.round(peak / 1024 / 1024),
    ndjsonMb: Math.round(bytes / 1024 / 1024),
  };
}

if (process.argv[1]?.endsWith('preflight.ts')) {
  process.stdout.write(`${JSON.stringify(benchPreflight(), null, 2)}\n`);
}
