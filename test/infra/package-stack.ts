import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '..', '..');

export const HANDLERS = ['alert', 'digest', 'replay', 'chat', 'guard', 'refresh'] as const;

const SKIPPED = new Set(['node_modules', '.git', '.serverless', '.esbuild', 'coverage', 'dist', '.bench']);

export interface PackagedStack {
  /** Working copy the stack was packaged from (deleted by `dispose`). */
  dir: string;
  /** Path of the template of an extra stage packaged alongside. */
  templatePathOf(stage: string): string;
  /** The stage's `cloudformation-template-update-stack.json`, parsed (a copy is at `templatePath`). */
  template: { Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, any> }> } & Record<string, any>;
  templatePath: string;
  /** Size in bytes of each function's deployment package. */
  zipBytes: Record<string, number>;
  /** Handlers missing from functions/ that were replaced by a stub in the copy (empty once they exist). */
  stubbedHandlers: string[];
  dispose(): void;
}

/**
 * An environment with no usable AWS credentials, so a step that tried to reach AWS would fail
 * instead of silently working.
 */
export function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_')) env[key] = value;
  }
  return {
    ...env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'dummy',
    AWS_SECRET_ACCESS_KEY: 'dummy',
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
}

/** A copy of the repository (sources only; node_modules linked) that osls can work in undisturbed. */
export function copyRepository(): { dir: string; stubbedHandlers: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'cris-auditor-package-'));
  cpSync(ROOT, dir, { recursive: true, filter: (source) => !SKIPPED.has(source.slice(ROOT.length + 1).split('/')[0] ?? '') });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const stubbedHandlers = HANDLERS.filter((name) => !existsSync(join(ROOT, 'functions', `${name}.ts`)));
  for (const name of stubbedHandlers) {
    writeFileSync(join(dir, 'functions', `${name}.ts`), 'export const handler = async () => undefined;\n');
  }
  return { dir, stubbedHandlers };
}

/** Runs the local osls CLI in `dir`. */
export async function osls(dir: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), ...args], {
    cwd: dir,
    env: offlineEnv(),
    maxBuffer: 32 * 1024 * 1024,
    timeout: 120_000,
  });
}

/**
 * `osls package --stage <stage>` in a fresh copy of the repository; `extraStages` are packaged too,
 * each into `.serverless-<stage>/` of the same copy (their templates: `templatePathOf`).
 */
export async function packageStack(stage: string, extraStages: { stage: string; args?: string[] }[] = []): Promise<PackagedStack> {
  const { dir, stubbedHandlers } = copyRepository();
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  const packageInto = async (name: string, args: string[]) => {
    try {
      await osls(dir, ['package', '--stage', name, ...args]);
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      dispose();
      throw new Error(`osls package --stage ${name} failed:\n${stdout ?? ''}\n${stderr ?? ''}`, { cause: error });
    }
  };
  await packageInto(stage, []);
  // A later `osls package` cleans .serverless/: keep what this stage produced first.
  const templateText = readFileSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8');
  const templatePath = join(dir, `template-${stage}.json`);
  writeFileSync(templatePath, templateText);
  const zipBytes = Object.fromEntries(
    HANDLERS.map((name) => [name, statSync(join(dir, '.serverless', `${name}.zip`)).size]),
  );
  for (const extra of extraStages) {
    await packageInto(extra.stage, ['--package', `.serverless-${extra.stage}`, ...(extra.args ?? [])]);
  }
  return {
    dir,
    template: JSON.parse(templateText),
    templatePath,
    templatePathOf: (extra) => join(dir, `.serverless-${extra}`, 'cloudformation-template-update-stack.json'),
    zipBytes,
    stubbedHandlers,
    dispose,
  };
}
