/**
 * The code `analyze`'s worker threads start from. Under tsx every worker compiles and resolves the
 * reader, the classifier and the catalog again (1.2–2 s before its first record here, more than
 * reading a small trail takes); a single prebuilt CommonJS bundle starts in ~0.2 s. The CLI has no
 * build step, so the bundle is built with esbuild (tsx's own compiler, always installed with it) the
 * first time it is needed and cached per user, keyed by the SHA-256 of every source file it was built
 * from: a bundle is used only when each of those files is byte for byte what it was built from, so an
 * edited checkout never runs stale code. Whenever anything fails (no esbuild, no writable cache,
 * a build error) the workers start from `analyze-worker.mjs` under tsx, as before: slower, same output.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** The worker entry under tsx, used when no bundle can be had. */
export const TSX_WORKER_ENTRY = join(__dirname, 'analyze-worker.mjs');

const REPO_ROOT = resolve(__dirname, '..');
const WORKER_SOURCE = join(__dirname, 'analyze-worker.ts');
/** Bumped when the way the bundle is built changes, so older cached bundles are not reused. */
const FORMAT = 1;

/** What is cached next to a bundle. */
interface Manifest {
  format: number;
  node: string;
  bundle: string;
  /** Source files the bundle was built from, relative to the repository root, with their SHA-256. */
  inputs: Record<string, string>;
}

/** Options of {@link workerEntry}. */
export interface WorkerEntryOptions {
  /** The cache directory (default `$CRIS_AUDIT_CACHE_DIR`, else `$XDG_CACHE_HOME/cris-audit`, else `~/.cache/cris-audit`). */
  cacheDir?: string;
  /** Called with the reason when the workers fall back to tsx. */
  onFallback?: (reason: string) => void;
}

/** The per-user cache directory of {@link workerEntry}. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CRIS_AUDIT_CACHE_DIR !== undefined && env.CRIS_AUDIT_CACHE_DIR !== '') return resolve(env.CRIS_AUDIT_CACHE_DIR);
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'cris-audit');
}

const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** Whether every input of `manifest` still has the content the bundle was built from. */
async function upToDate(manifest: Manifest): Promise<boolean> {
  if (manifest.format !== FORMAT || manifest.node !== process.version) return false;
  const entries = Object.entries(manifest.inputs);
  if (entries.length === 0) return false;
  const hashes = await Promise.all(entries.map(([path]) => readFile(join(REPO_ROOT, path)).then(sha256, () => null)));
  return entries.every(([, hash], i) => hashes[i] === hash);
}

/** Writes `text` to `path` through a temporary file and a rename, so a reader never sees half of it. */
async function writeAtomically(path: string, text: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, path);
}

async function build(dir: string): Promise<string> {
  const esbuild = createRequire(join(REPO_ROOT, 'package.json'))('esbuild') as typeof import('esbuild');
  const result = await esbuild.build({
    entryPoints: [WORKER_SOURCE],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    write: false,
    logLevel: 'silent',
    // Resolved at run time from the repository's node_modules, as under tsx.
    packages: 'external',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  const inputs: Record<string, string> = {};
  for (const path of Object.keys(result.metafile.inputs)) {
    const absolute = resolve(REPO_ROOT, path);
    inputs[relative(REPO_ROOT, absolute)] = sha256(await readFile(absolute));
  }
  const name = `analyze-worker-${sha256(output.contents).slice(0, 16)}.cjs`;
  // `packages: 'external'` leaves require('…') of node_modules: point them at this repository's.
  const prologue = `module.paths.unshift(${JSON.stringify(join(REPO_ROOT, 'node_modules'))});\n`;
  await writeAtomically(join(dir, name), prologue + output.text);
  const manifest: Manifest = { format: FORMAT, node: process.version, bundle: name, inputs };
  await writeAtomically(join(dir, 'analyze-worker.json'), JSON.stringify(manifest));
  return join(dir, name);
}

/**
 * The file to start an `analyze` worker from: the cached bundle when it is current, a freshly built
 * one otherwise, or {@link TSX_WORKER_ENTRY} when neither can be had. Never throws.
 */
export async function workerEntry(options: WorkerEntryOptions = {}): Promise<string> {
  const dir = options.cacheDir ?? defaultCacheDir();
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'analyze-worker.json'), 'utf8')) as Manifest;
    const bundle = join(dir, manifest.bundle);
    if ((await upToDate(manifest)) && (await stat(bundle)).isFile()) return bundle;
  } catch {
    // No manifest yet, or an unreadable one: build below.
  }
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return await build(dir);
  } catch (error) {
    options.onFallback?.(error instanceof Error ? error.message : String(error));
    return TSX_WORKER_ENTRY;
  }
}
