/**
 * The code `analyze`'s worker threads start from: the cached CommonJS bundle of analyze-worker.ts
 * (see bin/bundle-cache.mjs: under tsx every worker would compile and resolve the reader, the
 * classifier and the catalog again, 1.2–2 s before its first record here), or, when no bundle can be
 * had, `analyze-worker.mjs` under tsx: slower, same output.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The worker entry under tsx, used when no bundle can be had. */
export const TSX_WORKER_ENTRY = join(__dirname, 'analyze-worker.mjs');

/** Name of the worker's bundle in the cache (its manifest is `<name>.json`). */
export const WORKER_BUNDLE = 'analyze-worker';

/** Options of {@link workerEntry}. */
export interface WorkerEntryOptions {
  /** The cache directory (default: bin/bundle-cache.mjs's `defaultCacheDir()`). */
  cacheDir?: string;
  /** Called with the reason when the workers fall back to tsx. */
  onFallback?: (reason: string) => void;
}

/** bin/bundle-cache.mjs, loaded by its path at run time (it must not be bundled into the CLI: it finds the package from its own location). */
async function bundleCache(): Promise<typeof import('../bin/bundle-cache.mjs')> {
  return (await import(pathToFileURL(join(__dirname, '..', 'bin', 'bundle-cache.mjs')).href)) as typeof import('../bin/bundle-cache.mjs');
}

/**
 * The file to start an `analyze` worker from: the cached bundle when it is current, a freshly built
 * one otherwise, or {@link TSX_WORKER_ENTRY} when neither can be had. Never throws.
 */
export async function workerEntry(options: WorkerEntryOptions = {}): Promise<string> {
  try {
    const cache = await bundleCache();
    return cache.bundleFor(WORKER_BUNDLE, join('cli', 'analyze-worker.ts'), options) ?? TSX_WORKER_ENTRY;
  } catch (error) {
    options.onFallback?.(error instanceof Error ? error.message : String(error));
    return TSX_WORKER_ENTRY;
  }
}
