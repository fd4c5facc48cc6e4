// Cached single-file bundles of the CLI and of its analyze worker.
//
// The CLI is TypeScript with no build step: under tsx every process (and every worker thread)
// resolves and compiles ~140 modules through tsx's loader thread before doing anything, 0.5 s and
// ~40 MB here. A prebuilt CommonJS bundle starts in ~0.15 s. It is built with esbuild (tsx's own
// compiler, always installed with it) the first time it is needed and cached per user, keyed by the
// SHA-256 of every source file it was built from: a bundle is used only when each of those files
// is byte for byte what it was built from, so an edited checkout never runs stale code. Whenever
// anything fails (no esbuild, no writable cache, a build error) the caller runs the TypeScript
// under tsx, as before: slower, same behaviour.
//
// Plain JavaScript on purpose: bin/cris-audit.mjs checks the cache before tsx is loaded.
// Types: bundle-cache.d.mts.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bumped when the way bundles are built changes, so older cached bundles are not reused. */
const FORMAT = 2;

// The bundle does not live beside its sources: `__dirname` is defined as the entry's directory, so
// only modules in that directory may use it, and none may use `__filename` or `import.meta`.
const DIRNAME = /\b__dirname\b/;
const OWN_FILE = /\b__filename\b|\bimport\.meta\b/;

/**
 * The per-user cache directory: `$CRIS_AUDIT_CACHE_DIR`, else `$XDG_CACHE_HOME/cris-audit`, else
 * `~/.cache/cris-audit`.
 * @param {NodeJS.ProcessEnv} [env]
 */
export function defaultCacheDir(env = process.env) {
  if (env.CRIS_AUDIT_CACHE_DIR !== undefined && env.CRIS_AUDIT_CACHE_DIR !== '') return resolve(env.CRIS_AUDIT_CACHE_DIR);
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'cris-audit');
}

/** @param {Uint8Array | string} bytes */
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** @param {string} name */
const manifestPath = (dir, name) => join(dir, `${name}.json`);

/**
 * The cached bundle `name` when it is current (same format, same Node, every input unchanged), else null.
 * Never throws.
 * @param {string} name
 * @param {string} [dir]
 * @returns {string | null}
 */
export function currentBundle(name, dir = defaultCacheDir()) {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath(dir, name), 'utf8'));
    if (manifest.format !== FORMAT || manifest.node !== process.version || typeof manifest.bundle !== 'string' || typeof manifest.sha256 !== 'string') return null;
    const inputs = Object.entries(manifest.inputs ?? {});
    if (inputs.length === 0) return null;
    for (const [path, hash] of inputs) if (sha256(readFileSync(join(PACKAGE_ROOT, path))) !== hash) return null;
    // The bundle itself is checked too: it is code this process is about to run.
    const bundle = join(dir, manifest.bundle);
    return statSync(bundle).isFile() && sha256(readFileSync(bundle)) === manifest.sha256 ? bundle : null;
  } catch {
    return null;
  }
}

/** Writes through a temporary file and a rename, so a concurrent reader never sees half a file. */
function writeAtomically(path, content) {
  const temporary = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * Builds bundle `name` of `entry` (a path relative to the package root) and caches it; returns its
 * path. Throws when it cannot (the caller falls back to tsx).
 * @param {string} name
 * @param {string} entry
 * @param {string} [dir]
 * @returns {string}
 */
export function buildBundle(name, entry, dir = defaultCacheDir()) {
  const esbuild = createRequire(join(PACKAGE_ROOT, 'package.json'))('esbuild');
  const entryDir = dirname(join(PACKAGE_ROOT, entry));
  const result = esbuild.buildSync({
    entryPoints: [join(PACKAGE_ROOT, entry)],
    absWorkingDir: PACKAGE_ROOT,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    write: false,
    logLevel: 'silent',
    // Resolved at run time from the package's node_modules, as under tsx.
    packages: 'external',
    // The bundle lives in the cache: the entry's directory is where __dirname pointed.
    define: { __dirname: JSON.stringify(entryDir) },
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  /** @type {Record<string, string>} */
  const inputs = {};
  for (const path of Object.keys(result.metafile.inputs)) {
    const absolute = resolve(PACKAGE_ROOT, path);
    const source = readFileSync(absolute);
    const code = source.toString('utf8');
    if (OWN_FILE.test(code) || (dirname(absolute) !== entryDir && DIRNAME.test(code))) {
      throw new Error(`${relative(PACKAGE_ROOT, absolute)} uses its own location (__filename or import.meta anywhere, __dirname outside ${relative(PACKAGE_ROOT, entryDir)}${sep}), which a bundle in the cache cannot honour`);
    }
    inputs[relative(PACKAGE_ROOT, absolute)] = sha256(source);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = `${name}-${sha256(output.contents).slice(0, 16)}.cjs`;
  // `packages: 'external'` leaves require('…') of node_modules: point them at this package's.
  const prologue = `module.paths.unshift(${JSON.stringify(join(PACKAGE_ROOT, 'node_modules'))});\n`;
  const content = prologue + output.text;
  writeAtomically(join(dir, file), content);
  writeAtomically(manifestPath(dir, name), JSON.stringify({ format: FORMAT, node: process.version, bundle: file, sha256: sha256(content), inputs }));
  removeStale(dir, name, file);
  return join(dir, file);
}

/** Bundles of `name` older than this are removed when a new one is built. */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the bundles of `name` (and left-over temporary files) other than `keep` that are older
 * than a day: every rebuild writes a new file, and an edited checkout would otherwise fill the cache.
 * Younger ones stay, as another process may have just chosen one and not yet loaded it.
 */
function removeStale(dir, name, keep) {
  const now = Date.now();
  for (const entry of readdirSync(dir)) {
    if (entry === keep || !entry.startsWith(`${name}-`) || !(entry.endsWith('.cjs') || entry.endsWith('.tmp'))) continue;
    try {
      if (now - statSync(join(dir, entry)).mtimeMs > STALE_AFTER_MS) rmSync(join(dir, entry), { force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}

/**
 * The current bundle `name`, built now when there is none; null when none can be had.
 * @param {string} name
 * @param {string} entry
 * @param {{ cacheDir?: string, onFallback?: (reason: string) => void }} [options]
 * @returns {string | null}
 */
export function bundleFor(name, entry, options = {}) {
  const dir = options.cacheDir ?? defaultCacheDir();
  const current = currentBundle(name, dir);
  if (current !== null) return current;
  try {
    return buildBundle(name, entry, dir);
  } catch (error) {
    options.onFallback?.(error instanceof Error ? error.message : String(error));
    return null;
  }
}
