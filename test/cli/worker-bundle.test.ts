import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { buildBundle, currentBundle, defaultCacheDir } from '../../bin/bundle-cache.mjs';
import { TSX_WORKER_ENTRY, workerEntry } from '../../cli/worker-bundle.js';
import type { FromWorker } from '../../cli/analyze-worker.js';
import { ROOT } from '../helpers/load-event.js';

const SAMPLE = join(ROOT, 'events', 'cloudtrail', 'cross-region-scp-apac-converse.json');

/** Every item a worker started from `entry` posts for one file, in order. */
async function itemsFrom(entry: string, path: string): Promise<unknown[]> {
  const worker = new Worker(entry);
  const items: unknown[] = [];
  try {
    await new Promise<void>((done, fail) => {
      worker.on('error', fail);
      worker.on('message', (message: FromWorker) => {
        items.push(...message.items);
        worker.postMessage({ type: 'ack' });
        if (message.last) done();
      });
      worker.postMessage({ type: 'task', seq: 0, inputs: [{ kind: 'read', path, size: statSync(path).size }] });
    });
  } finally {
    await worker.terminate();
  }
  return items;
}

describe('the analyze worker bundle', () => {
  it('is built once, then reused while every source file it was built from is unchanged', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cris-worker-'));
    const first = await workerEntry({ cacheDir });
    expect(first.startsWith(cacheDir)).toBe(true);
    expect(first.endsWith('.cjs')).toBe(true);
    const manifest = JSON.parse(readFileSync(join(cacheDir, 'analyze-worker.json'), 'utf8')) as { inputs: Record<string, string> };
    // The reader, the classifier and the worker itself are among the hashed inputs.
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['cli/analyze-worker.ts', 'shared/adapters/cloudtrail-files.ts', 'shared/core/classify/classify.ts']));
    const builtAt = statSync(first).mtimeMs;
    const second = await workerEntry({ cacheDir });
    expect(second).toBe(first);
    expect(statSync(second).mtimeMs).toBe(builtAt);
  });

  it('is rebuilt when a source file no longer has the content it was built from', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cris-worker-'));
    const first = await workerEntry({ cacheDir });
    const path = join(cacheDir, 'analyze-worker.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { inputs: Record<string, string> };
    manifest.inputs['shared/core/classify/classify.ts'] = '0'.repeat(64);
    writeFileSync(path, JSON.stringify(manifest));
    writeFileSync(first, 'throw new Error("stale bundle")');
    const rebuilt = await workerEntry({ cacheDir });
    expect(readFileSync(rebuilt, 'utf8')).not.toContain('stale bundle');
    expect(JSON.parse(readFileSync(path, 'utf8')).inputs['shared/core/classify/classify.ts']).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(readFileSync(path, 'utf8')).inputs['shared/core/classify/classify.ts']).not.toBe('0'.repeat(64));
  });

  it('is never run when its own bytes changed since it was built: it is rebuilt', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cris-worker-'));
    const first = await workerEntry({ cacheDir });
    writeFileSync(first, 'throw new Error("tampered bundle")');
    expect(currentBundle('analyze-worker', cacheDir)).toBeNull();
    const rebuilt = await workerEntry({ cacheDir });
    expect(readFileSync(rebuilt, 'utf8')).not.toContain('tampered bundle');
    expect(currentBundle('analyze-worker', cacheDir)).toBe(rebuilt);
  });

  it('removes its bundles older than a day when it builds a new one, and keeps younger ones', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cris-worker-'));
    const old = join(cacheDir, 'analyze-worker-0000000000000000.cjs');
    const young = join(cacheDir, 'analyze-worker-1111111111111111.cjs');
    const other = join(cacheDir, 'cli-0000000000000000.cjs');
    for (const path of [old, young, other]) writeFileSync(path, '');
    const twoDaysAgo = (Date.now() - 2 * 24 * 60 * 60 * 1000) / 1000;
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    utimesSync(other, twoDaysAgo, twoDaysAgo);
    const built = buildBundle('analyze-worker', join('cli', 'analyze-worker.ts'), cacheDir);
    expect(readdirSync(cacheDir).sort()).toEqual(['analyze-worker-1111111111111111.cjs', 'analyze-worker.json', basename(built), 'cli-0000000000000000.cjs'].sort());
  });

  it('falls back to the tsx entry, with the reason, when the cache cannot be written', async () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'cris-worker-')), 'not-a-directory');
    writeFileSync(blocker, '');
    const reasons: string[] = [];
    const entry = await workerEntry({ cacheDir: join(blocker, 'cache'), onFallback: (reason) => reasons.push(reason) });
    expect(entry).toBe(TSX_WORKER_ENTRY);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/ENOTDIR|EEXIST|not a directory/);
  });

  it('posts exactly what the tsx worker posts for the same file', async () => {
    const bundle = await workerEntry({ cacheDir: mkdtempSync(join(tmpdir(), 'cris-worker-')) });
    const fromBundle = await itemsFrom(bundle, SAMPLE);
    const fromTsx = await itemsFrom(TSX_WORKER_ENTRY, SAMPLE);
    expect(fromBundle.some((item) => (item as { kind: string }).kind === 'finding')).toBe(true);
    expect(fromBundle).toEqual(fromTsx);
  });

  it('caches per user: CRIS_AUDIT_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(defaultCacheDir({ CRIS_AUDIT_CACHE_DIR: '/tmp/x' })).toBe('/tmp/x');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/home/u/.xdg' })).toBe('/home/u/.xdg/cris-audit');
    expect(defaultCacheDir({})).toMatch(/\.cache\/cris-audit$/);
  });
});

describe('the CLI bundle', () => {
  const run = (args: string[], env: Record<string, string>) => {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'cris-audit.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('is built on first use and then reused, and prints exactly what the sources under tsx print', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cris-cli-'));
    const args = ['analyze', '--json', SAMPLE];
    const first = run(args, { CRIS_AUDIT_CACHE_DIR: cacheDir });
    const bundle = currentBundle('cli', cacheDir);
    expect(bundle).not.toBeNull();
    const builtAt = statSync(bundle!).mtimeMs;
    const second = run(args, { CRIS_AUDIT_CACHE_DIR: cacheDir });
    const underTsx = run(args, { CRIS_AUDIT_CACHE_DIR: cacheDir, CRIS_AUDIT_NO_BUNDLE: '1' });
    expect(first.stdout).toContain('"verdict":"cross-region-scp"');
    expect(second).toEqual(first);
    expect(underTsx).toEqual(first);
    expect(statSync(bundle!).mtimeMs).toBe(builtAt);
  });

  it('is refused when a module outside the entry directory uses its own location', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cris-cli-'));
    expect(() => buildBundle('fixture', join('test', 'fixtures', 'bundle', 'entry', 'main.ts'), cacheDir)).toThrow(
      'test/fixtures/bundle/elsewhere/where.ts uses its own location (__filename or import.meta anywhere, __dirname outside test/fixtures/bundle/entry/), which a bundle in the cache cannot honour',
    );
    expect(currentBundle('fixture', cacheDir)).toBeNull();
  });
});
