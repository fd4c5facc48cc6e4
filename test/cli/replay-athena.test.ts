import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { REPLAY_OPTIONS, REPLAY_USAGE, resumeCommand, runReplay } from '../../cli/replay.js';
import { japanOrganization } from '../fixtures/org/model.js';
import { snapshotOf } from '../fixtures/org/snapshot.js';
import { ROOT } from '../helpers/load-event.js';
import type { ReplayReport } from '../../shared/core/replay/report.js';
import { startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';
import { captureStream } from '../helpers/capture-stream.js';
import { bedrockDenial, bedrockSuccess, writeTrailFile } from '../helpers/org-trail.js';

const ORG = 'o-a1b2c3d4e5';
const APAC = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';
const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const WINDOW = ['--from', '2026-11-20T00:00:00Z', '--to', '2026-11-20T12:00:00Z'];

let dir: string;
let server: AthenaServer;

async function replay(args: string[], env: Record<string, string | undefined> = { AWS_REGION: 'ap-northeast-1' }) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runReplay(args, { stdout, stderr, env });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-athena-'));
  const call = { account: '111122223333', region: 'ap-northeast-1', modelId: APAC };
  const records = [
    ...Array.from({ length: 3 }, (_, i) => bedrockDenial({ ...call, time: `2026-11-20T10:0${i}:00Z`, deniedRegion: 'ap-south-1', foundationModel: MODEL })),
    ...Array.from({ length: 5 }, (_, i) => bedrockSuccess({ ...call, time: `2026-11-20T10:1${i}:00Z`, routedTo: 'ap-northeast-3' })),
    // A hostile model ID: terminal escapes must never reach the screen raw.
    bedrockDenial({ ...call, modelId: 'apac.evil\u001b[2J\u001b[31m-model', time: '2026-11-20T10:30:00Z', deniedRegion: 'ap-south-1', foundationModel: MODEL }),
  ];
  writeTrailFile({ bucketDir: dir, orgId: ORG }, { account: '111122223333', region: 'ap-northeast-1', deliveredAt: '2026-11-20T10:35:00Z', records });
  server = await startAthenaServer({ bucketDir: dir, orgId: ORG, database: 'cris_auditor_history', table: 'cloudtrail', regions: ['ap-northeast-1'], workGroups: { wg: { bytesScannedCutoffPerQuery: null } } });
  vi.stubEnv('AWS_ENDPOINT_URL_ATHENA', server.endpoint);
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('cris-audit replay --source athena', () => {
  it('prints the blocks, how often each profile fails and where, and the data scanned with its cost', async () => {
    const { code, stdout, stderr } = await replay(['--source', 'athena', ...WINDOW, '--account', '111122223333', '--workgroup', 'wg']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Records scanned: 9   Bedrock denials: 4');
    expect(stdout).toContain(`111122223333  ${APAC} from ap-northeast-1: 38% of 8 calls failed; every failure was routed to ap-south-1, denied by p-examplescp1.`);
    expect(stdout).toMatch(/Athena query: [0-9a-f-]{36} {2}SUCCEEDED/);
    expect(stdout).toMatch(/data scanned \d+ B · billed 10\.0 MB ≈ \$0\.0000\d+ \(at \$5 per TB\)/);
    expect(stdout).not.toContain('\u001b[2J');
  });

  it('prints the same report as the Lambda with --json', async () => {
    const { code, stdout } = await replay(['--source', 'athena', ...WINDOW, '--account', '111122223333', '--json'], { AWS_REGION: 'ap-northeast-1', HISTORY_WORKGROUP: 'wg' });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ReplayReport;
    expect(report).toMatchObject({ source: 'athena', complete: true, recordsScanned: 9, athena: { state: 'SUCCEEDED', accounts: ['111122223333'] } });
    expect(report.intermittency).toHaveLength(2);
  });

  it('stops with a resume command that continues the same query', async () => {
    const env = { AWS_REGION: 'ap-northeast-1', HISTORY_WORKGROUP: 'wg' };
    const first = await replay(['--source', 'athena', ...WINDOW, '--account', '111122223333', '--max-events', '4'], env);
    expect(first.code).toBe(3);
    const token = /cris-audit replay --resume (cra1\.\S+)/.exec(first.stdout)?.[1];
    expect(token).toBeDefined();
    const before = server.queries.length;
    const rest = await replay(['--resume', token ?? '', '--json'], env);
    expect(rest.code).toBe(0);
    expect(JSON.parse(rest.stdout)).toMatchObject({ complete: true, recordsScanned: 5, totals: { recordsScanned: 9, denials: 4 } });
    expect(server.queries.length).toBe(before);
  });

  it.each([
    ['no workgroup', ['--source', 'athena', ...WINDOW, '--account', '111122223333'], /--workgroup/],
    ['no account', ['--source', 'athena', ...WINDOW, '--workgroup', 'wg'], /--account: is required/],
    ['an unknown source', ['--source', 'lake', ...WINDOW], /--source must be lookup-events or athena/],
    ['a table name that is not a Glue name', ['--source', 'athena', ...WINDOW, '--account', '111122223333', '--workgroup', 'wg', '--table', 'Bad-Name'], /--table/],
  ])('refuses %s with exit code 64', async (_name, args, message) => {
    const { code, stderr } = await replay(args);
    expect(code).toBe(64);
    expect(stderr).toMatch(message);
  });

  it('prints a resume command with the workgroup and the run\'s limits, which continues the same query where HISTORY_WORKGROUP is not set', async () => {
    // Prepare: the workgroup only on the command line.
    const first = await replay(['--source', 'athena', ...WINDOW, '--account', '111122223333', '--workgroup', 'wg', '--max-events', '4', '--lang', 'en']);
    expect(first.code).toBe(3);
    const line = /^ {2}(cris-audit replay --resume .*)$/m.exec(first.stdout)?.[1] ?? '';
    expect(line).toMatch(/^cris-audit replay --resume cra1\.\S+ --workgroup wg --max-events 4 --lang en$/);
    const before = server.queries.length;
    // Act: run each printed command as printed, until the window is read.
    let command = line;
    let rest = { code: 3, stdout: '', stderr: '' };
    for (let run = 0; run < 5 && rest.code === 3; run += 1) {
      rest = await replay(command.split(' ').slice(2));
      command = /^ {2}(cris-audit replay --resume .*)$/m.exec(rest.stdout)?.[1] ?? '';
    }
    // Assess: the same query continued (none started), every record read once.
    expect(rest.code).toBe(0);
    expect(rest.stderr).toBe('');
    expect(rest.stdout).toContain('Whole replay so far (3 runs): Records scanned 9   Bedrock denials 4');
    expect(server.queries.length).toBe(before);
  });

  it('reads the active accounts of an --org snapshot when no account is given', async () => {
    // Prepare: the fixture organization plus the account whose trail the test wrote.
    const model = japanOrganization();
    model.parents['111122223333'] = 'r-ab12';
    model.attachments['111122223333'] = ['p-FullAWSAccess'];
    const file = join(dir, 'org.json');
    writeFileSync(file, JSON.stringify(snapshotOf(model)));
    // Act
    const { code, stdout, stderr } = await replay(['--source', 'athena', ...WINDOW, '--org', file, '--workgroup', 'wg', '--json']);
    // Assess: the 12 active accounts named in the query (the suspended one left out), the calls of 111122223333 read.
    expect(code).toBe(0);
    expect(stderr).toContain(`accounts from ${file}, taken 2026-11-27T21:00:00.000Z: 12`);
    const report = JSON.parse(stdout) as ReplayReport;
    expect(report.athena?.accounts).toHaveLength(12);
    expect(report.athena?.accounts).toContain('111122223333');
    expect(report.athena?.accounts).not.toContain('230000000009');
    expect(report.recordsScanned).toBe(9);
    expect(server.queries.at(-1)?.sql).toContain("'210000000001'");
  });

  it.each([
    ['neither --account, HISTORY_ACCOUNTS nor --org', [], /--account: is required: .*pass --account ID \(repeat it\), set HISTORY_ACCOUNTS, or give an organization snapshot with --org FILE/],
    ['an --org file that does not exist', ['--org', '/nonexistent/org.json'], /--account: is required: .*none could be taken from the organization snapshot \(\/nonexistent\/org\.json: no such file\)/],
  ])('refuses %s, naming every way to give accounts', async (_name, extra, message) => {
    const { code, stderr } = await replay(['--source', 'athena', ...WINDOW, '--workgroup', 'wg', ...extra]);
    expect(code).toBe(64);
    expect(stderr).toMatch(message);
  });
});

describe('cris-audit replay flags', () => {
  const flags = Object.keys(REPLAY_OPTIONS).filter((name) => name !== 'help');

  it.each(flags)('documents --%s in the usage text and the README', (name) => {
    expect(REPLAY_USAGE).toMatch(new RegExp(`^\\s+--${name}\\b`, 'm'));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `cris-audit replay'));
    expect(rows.join('\n')).toContain(`--${name}`);
  });

  it('quotes a value the shell would split in the resume command', () => {
    expect(resumeCommand('crr1.abc.def', { roleName: "it's", maxMinutes: 5 })).toBe("cris-audit replay --resume crr1.abc.def --role-name 'it'\\''s' --max-minutes 5");
  });
});
