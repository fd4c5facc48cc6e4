import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOrg } from '../../cli/org.js';
import { runPreflightCommand } from '../../cli/preflight.js';
import type { PreflightRow } from '../../shared/core/preflight/index.js';
import { japanOrganization } from '../fixtures/org/model.js';
import { captureStream } from '../helpers/capture-stream.js';
import { startOrganizationsServer, type OrganizationsServer } from '../helpers/organizations-server.js';

let server: OrganizationsServer;

beforeAll(async () => {
  server = await startOrganizationsServer(japanOrganization(), { pageSize: 3 });
});

afterAll(async () => {
  await server.close();
});

const APAC = 'apac.anthropic.claude-sonnet-4-20250514-v1:0';

describe('cris-audit org snapshot, then preflight --org', () => {
  it('writes the snapshot once and answers offline which accounts an APAC profile breaks', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'org-'));
    const out = join(dir, 'org.json');
    const client = new OrganizationsClient({ region: 'us-east-1', endpoint: server.endpoint, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' } });
    const stderr = captureStream();

    // Act
    const code = await runOrg(['snapshot', '--out', out], { stdout: captureStream(), stderr }, client);
    const requestsAfterSnapshot = server.requests.length;
    const json = captureStream();
    const preflight = await runPreflightCommand(['--json', '--org', out, '--profile', APAC, '--source-region', 'ap-northeast-1'], { stdout: json, stderr: captureStream() });

    // Assess
    expect(code).toBe(0);
    expect(stderr.text()).toContain('1 root, 3 OUs, 12 accounts, 3 SCPs (organization o-a1b2c3d4e5)');
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ format: 'cris-auditor/org-snapshot', version: 1 });
    expect(preflight).toBe(0);
    expect(server.requests.length).toBe(requestsAfterSnapshot);
    const rows = json.text().trim().split('\n').map((line) => JSON.parse(line) as PreflightRow);
    const status = Object.fromEntries(rows.map((r) => [r.target, r.status]));
    expect(status).toEqual({
      '100000000001': 'ready',
      '100000000002': 'ready',
      'ou-ab12-japan123': 'ready',
      'ou-ab12-cris1234': 'ready',
      '220000000001': 'ready',
      '220000000002': 'ready',
      '220000000003': 'ready',
      '220000000004': 'ready',
      'ou-ab12-strict12': 'blocked',
      '210000000001': 'blocked',
      '210000000002': 'blocked',
      '210000000003': 'blocked',
      '210000000004': 'blocked',
      '210000000005': 'blocked',
    });
    const strict = rows.find((r) => r.target === '210000000003');
    expect(strict).toMatchObject({ targetName: 'strict-app-3', deniedBy: [{ policyId: 'p-tokyodeny1', policyName: 'region-deny-tokyo-osaka-virginia', sid: 'GRREGIONDENY', level: 2 }] });
    expect(strict?.fix?.verification).toBe('verified');
  });

  it('refuses a missing --out and an unknown subcommand', async () => {
    const a = captureStream();
    const b = captureStream();

    expect(await runOrg(['snapshot'], { stdout: captureStream(), stderr: a })).toBe(64);
    expect(await runOrg(['export'], { stdout: captureStream(), stderr: b })).toBe(64);
    expect(a.text()).toContain('--out FILE is required');
    expect(b.text()).toContain('unknown subcommand "export"');
  });
});
