import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/load-event.js';

/**
 * Keeps the layering of docs/style: functions → runtime, adapters, core; adapters → core;
 * core → nothing outside itself (no SDK, no HTTP, no environment, no logger).
 */

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
}

function layerOf(path: string): string {
  const rel = relative(ROOT, path);
  if (rel.startsWith(join('shared', 'core'))) return 'core';
  if (rel.startsWith(join('shared', 'adapters'))) return 'adapters';
  if (rel.startsWith(join('shared', 'runtime'))) return 'runtime';
  if (rel.startsWith('functions')) return 'functions';
  return 'other';
}

const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  adapters: ['core', 'adapters'],
  runtime: ['core', 'runtime', 'adapters'],
  functions: ['core', 'adapters', 'runtime'],
};

/** The only files allowed beside the capability folders of shared/core (docs/style: truly shared basics). */
const LOOSE_CORE_BASICS = [
  'constants.ts',
  'errors.ts',
  'event-pattern-matcher.ts',
  'json-stream.ts',
  'ports.ts',
  'regions.ts',
  'text-safety.ts',
  'types.ts',
];

describe('dependency direction', () => {
  const files = ['functions', 'shared'].flatMap((dir) => sourceFiles(join(ROOT, dir)));

  it('keeps capabilities in their folders: only shared basics stay loose in shared/core', () => {
    const loose = readdirSync(join(ROOT, 'shared', 'core')).filter((name) => !statSync(join(ROOT, 'shared', 'core', name)).isDirectory());
    expect(loose.sort()).toEqual(LOOSE_CORE_BASICS);
  });

  it('finds the sources it guards', () => {
    expect(files.filter((file) => layerOf(file) === 'core').length).toBeGreaterThan(10);
  });

  it.each(files.map((file) => [relative(ROOT, file), file]))('%s imports only what its layer may', (_name, file) => {
    const layer = layerOf(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) {
        const target = layerOf(join(file, '..', specifier));
        expect(ALLOWED[layer] ?? [], `${specifier} from ${layer}`).toContain(target);
      } else if (layer === 'core') {
        expect(specifier, `core must stay pure: ${specifier}`).toMatch(/^(node:(crypto|zlib|string_decoder|buffer)|zod\/mini)$/);
      }
    }
    if (layer === 'core') {
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      expect(text, 'core must not read the environment').not.toMatch(/process\.env/);
      expect(text, 'core must not call fetch').not.toMatch(/\bfetch\(/);
    }
  });
});
