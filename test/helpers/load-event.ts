import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Repository root, for tests that read files the product ships. */
export const ROOT = join(__dirname, '..', '..');

/**
 * Loads a sample from `events/` as a fresh object: each test gets its own clone, so a test that
 * mutates a sample cannot change another test's input.
 */
export function loadEvent<T = Record<string, unknown>>(relativePath: string): T {
  return JSON.parse(readFileSync(join(ROOT, 'events', relativePath), 'utf8')) as T;
}
