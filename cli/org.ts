/**
 * `cris-audit org snapshot --out FILE`: read the organization tree and its SCPs once, with your
 * credentials (management or delegated-administrator account), into the snapshot file that
 * `cris-audit preflight --org FILE` reads offline.
 */
import { writeFile, rename } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ORG_READ_MAX_ATTEMPTS, readOrgSnapshot, type OrgReadProgress } from '../shared/adapters/organizations-tree.js';
import { safe } from './terminal.js';

export const ORG_USAGE = `usage: cris-audit org snapshot --out FILE [--region R]

Reads the whole organization once — ListRoots, ListOrganizationalUnitsForParent,
ListAccountsForParent, ListPoliciesForTarget (SERVICE_CONTROL_POLICY) and DescribePolicy — with
your AWS credentials (the management account or a delegated administrator for Organizations), and
writes the snapshot (format in docs/preflight.md) for \`cris-audit preflight --org FILE\`.
Throttled calls are retried; progress goes to stderr.

  --out FILE   where to write the snapshot (written whole, or not at all)
  --region R   Region of the Organizations endpoint (default us-east-1; us-gov-west-1 in GovCloud)
  -h, --help   this text

Exit code 0 when the snapshot was written, 2 when a call failed (the call is named), 64 on a usage error.`;

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function progressLine(p: OrgReadProgress): string {
  const width = 24;
  const share = p.targetsKnown === 0 ? 0 : p.targetsRead / p.targetsKnown;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.organizationalUnits} OUs · ${p.accounts} accounts · SCP attachments ${p.targetsRead}/${p.targetsKnown} · ${p.policies} policies · ${p.calls} calls`;
}

/** Runs `org`; returns the process exit code. */
export async function runOrg(argv: string[], io: Io = process, client?: OrganizationsClient): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    (sub === undefined ? io.stderr : io.stdout).write(`${ORG_USAGE}\n`);
    return sub === undefined ? 64 : 0;
  }
  if (sub !== 'snapshot') {
    io.stderr.write(`cris-audit org: unknown subcommand "${safe(sub)}"\n\n${ORG_USAGE}\n`);
    return 64;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: false, options: { out: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  } catch (error) {
    io.stderr.write(`cris-audit org snapshot: ${safe((error as Error).message)}\n\n${ORG_USAGE}\n`);
    return 64;
  }
  if (parsed.values.help) {
    io.stdout.write(`${ORG_USAGE}\n`);
    return 0;
  }
  const out = parsed.values.out;
  if (out === undefined || out === '') {
    io.stderr.write(`cris-audit org snapshot: --out FILE is required\n\n${ORG_USAGE}\n`);
    return 64;
  }
  const organizations = client ?? new OrganizationsClient({ region: parsed.values.region ?? 'us-east-1', maxAttempts: ORG_READ_MAX_ATTEMPTS, retryMode: 'adaptive' });
  const tty = io.stderr.isTTY === true;
  let lastLine = 0;
  const onProgress = (p: OrgReadProgress): void => {
    // A TTY gets one redrawn line; a log gets a line every 200 calls.
    if (tty) io.stderr.write(`\r${progressLine(p)}`);
    else if (p.calls - lastLine >= 200) {
      lastLine = p.calls;
      io.stderr.write(`${progressLine(p)}\n`);
    }
  };
  try {
    const snapshot = await readOrgSnapshot({ client: organizations, onProgress });
    const temporary = `${out}.partial-${process.pid}`;
    await writeFile(temporary, `${JSON.stringify(snapshot, null, 2)}\n`);
    await rename(temporary, out);
    if (tty) io.stderr.write('\n');
    io.stderr.write(
      `wrote ${safe(out)}: ${snapshot.roots.length} root, ${snapshot.organizationalUnits.length} OUs, ${snapshot.accounts.length} accounts, ${snapshot.policies.length} SCPs (organization ${safe(snapshot.organizationId ?? 'unknown')})\n`,
    );
    return 0;
  } catch (error) {
    if (tty) io.stderr.write('\n');
    io.stderr.write(`cris-audit org snapshot: ${safe(error instanceof Error ? error.message : String(error))}\n`);
    return 2;
  } finally {
    if (client === undefined) organizations.destroy();
  }
}
