import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/load-event.js';

const run = promisify(execFile);

/** The environment without what an enclosing `npm test` adds (npm_config_*, npm_package_*). */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.toLowerCase().startsWith('npm_')) env[name] = value;
  return { ...env, ...extra };
}

// What a user does with the published package: npm pack, a global install into its own prefix, then
// `cris-audit demo` from a directory that is not the repository. Nothing of the checkout may be needed
// (no devDependency, no local DynamoDB, no ../shared). Slow (a real install from the npm registry's
// cache), so it runs once.
describe('cris-audit demo from a global install of the packed package', () => {
  it('installs from the tarball and runs the demo end to end', async () => {
    // Prepare
    const work = mkdtempSync(join(tmpdir(), 'global-install-'));
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: cleanEnv(), maxBuffer: 32 * 1024 * 1024 });
    const [tarball] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    if (tarball === undefined) throw new Error('npm pack reported nothing');
    const prefix = join(work, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(work, tarball.filename)], { cwd: work, env: cleanEnv(), maxBuffer: 32 * 1024 * 1024 });
    const positives = readdirSync(join(ROOT, 'events', 'eventbridge')).filter((name) => name.endsWith('.json') && !name.startsWith('negative-'));

    // Act
    const demo = await run(join(prefix, 'bin', 'cris-audit'), ['demo'], { cwd: work, env: cleanEnv({ NO_COLOR: '1' }), maxBuffer: 32 * 1024 * 1024 }).then(
      (result) => ({ code: 0, ...result }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    const version = await run(join(prefix, 'bin', 'cris-audit'), ['--version'], { cwd: work, env: cleanEnv() });

    // Assess
    expect(tarball.files.map((file) => file.path).filter((path) => path.startsWith('.cache/') || path.startsWith('node_modules/'))).toEqual([]);
    expect({ code: demo.code, stderr: demo.stderr }).toEqual({ code: 0, stderr: '' });
    expect(demo.stdout).toContain(`cris-audit demo: ${positives.length} sample events through the real alert handler`);
    expect(demo.stdout).toContain(`  Slack messages     ${positives.length}\n`);
    expect(demo.stdout).toContain(`  SNS publishes      ${positives.length}\n`);
    expect(demo.stdout).toContain('  duplicate          1\n');
    expect(demo.stdout).not.toContain('failed');
    expect(version.stdout.trim()).toBe('cris-auditor 0.1.0');
  }, 180_000);
});
