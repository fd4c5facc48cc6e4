import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/load-event.js';

const run = (args: string[]) =>
  promisify(execFile)('node', ['bin/cris-audit.mjs', ...args], { cwd: ROOT }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );

describe('cris-audit (the command itself)', () => {
  it('prints the package version with --version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const { code, stdout } = await run(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`cris-auditor ${version}\n`);
  });

  it('prints the usage to stderr, nothing to stdout, and exits 64 when no command is given', async () => {
    const { code, stdout, stderr } = await run([]);
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^usage: cris-audit <command>/);
    expect(stderr).toContain('Exit codes: 0 everything was read; 1 digest only');
  });

  it('refuses --fix with --json as a usage error', async () => {
    const { code, stdout, stderr } = await run(['analyze', '--fix', '--json', 'events/cloudtrail']);
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toContain('--fix prints fixes as text and cannot be combined with --json');
  });

  it('still reads every input when an --scp file is invalid, says why, and exits 2', async () => {
    const { code, stdout, stderr } = await run(['analyze', '--json', '--scp', 'package.json', 'events/cloudtrail/cross-region-scp-apac-converse.json']);
    expect(code).toBe(2);
    expect(stderr).toContain('cris-audit analyze: --scp: package.json: not an SCP');
    expect(stderr).toContain('fixes are not verified');
    expect(JSON.parse(stdout).fix.verification.status).toBe('unverified');
  });
});
