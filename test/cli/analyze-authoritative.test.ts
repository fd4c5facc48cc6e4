import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runAnalyze } from '../../cli/analyze.js';
import type { Finding } from '../../shared/core/types.js';
import { captureStream } from '../helpers/capture-stream.js';
import { startIamToolboxServer, type IamToolboxServer } from '../helpers/iam-toolbox-server.js';
import { apacConverseDenial, AUTHORIZATION_ID, REGION_DENY_URI } from '../helpers/iam-toolbox-records.js';
import { ROOT } from '../helpers/load-event.js';

let toolbox: IamToolboxServer;
let clock = Date.now();
let input: string;

async function analyze(args: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runAnalyze(args, { stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

beforeAll(async () => {
  toolbox = await startIamToolboxServer({ callers: [{ accessKeyId: 'AKIALAPTOPEXAMPLE', secretAccessKey: 'laptop-secret', accountId: '111122223333' }], now: () => clock });
  // The apac sample as AWS now words it, twice (two events, one authorization ID each).
  const record = JSON.parse(readFileSync(join(ROOT, 'events', 'cloudtrail', 'cross-region-scp-apac-converse.json'), 'utf8')) as Record<string, string>;
  const message = (record['errorMessage'] ?? '').replace(/arn:aws:organizations::\S+$/, REGION_DENY_URI);
  const withId = (id: string, eventId: string) => ({
    ...record,
    eventID: eventId,
    errorMessage: `${message}. Go to https://ap-northeast-1.console.aws.amazon.com/iam/home?region=ap-northeast-1#/authorization-details/${id} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: ${id}`,
  });
  input = join(mkdtempSync(join(tmpdir(), 'cris-authoritative-')), 'denials.json');
  writeFileSync(input, JSON.stringify({ Records: [withId(AUTHORIZATION_ID, 'e-1'), withId('gone0000', 'e-2')] }));
});
afterAll(() => toolbox.close());
beforeEach(() => {
  clock = Date.now();
  toolbox.authorizations.clear();
  toolbox.authorizations.set(AUTHORIZATION_ID, apacConverseDenial({ expiresAt: clock + 3600_000 }));
  toolbox.requests.length = 0;
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIALAPTOPEXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'laptop-secret');
  vi.stubEnv('AWS_ENDPOINT_URL_IAM_TOOLBOX', toolbox.url);
});

describe('cris-audit analyze --authoritative', () => {
  it('verifies the fix against the SCPs at request time, with your credentials, and tells why the other was not', async () => {
    const { code, stdout, stderr } = await analyze(['--authoritative', '--json', input]).finally(() => vi.unstubAllEnvs());

    const findings = stdout.trim().split('\n').map((line) => JSON.parse(line) as Finding);
    expect(code).toBe(0);
    expect(findings.map((f) => [f.authorizationId, f.authoritative?.status, f.fix?.verification.status])).toEqual([
      [AUTHORIZATION_ID, 'used', 'verified'],
      ['gone0000', 'not-used', 'unverified'],
    ]);
    expect(findings[0]?.fix?.scp?.statement.sid).toBe('DenyOutsideTokyoOsaka');
    expect(stderr).toContain('cris-audit: IAM Access Troubleshooter not used for gone0000: the authorization ID is unknown or its details have expired');
  });

  it('uses the --scp files when the details cannot be had, and says so in the fix', async () => {
    const scp = join(ROOT, 'test', 'fixtures', 'iam-toolbox', 'region-deny-tokyo-osaka.json');
    const { stdout } = await analyze(['--authoritative', '--json', '--scp', scp, input]).finally(() => vi.unstubAllEnvs());

    const second = JSON.parse(stdout.trim().split('\n')[1] ?? '{}') as Finding;
    expect(second.fix?.verification.status).toBe('verified');
    expect(second.fix?.notes?.at(-1)).toContain('The fix uses the SCP files you supplied instead.');
  });

  it('asks IAM nothing without the flag', async () => {
    const { stdout } = await analyze(['--json', input]).finally(() => vi.unstubAllEnvs());

    expect(toolbox.requests).toEqual([]);
    expect((JSON.parse(stdout.split('\n')[0] ?? '{}') as Finding).authoritative).toBeUndefined();
  });
});
