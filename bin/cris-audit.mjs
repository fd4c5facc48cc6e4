#!/usr/bin/env node
// Entry point of the `cris-audit` CLI. The CLI is TypeScript, with no build step: it runs from a
// cached esbuild bundle of cli/main.ts (built on first use, rebuilt whenever a source file changes;
// see bundle-cache.mjs), or, when no bundle can be had, from the sources under tsx. The package is
// CommonJS (osls invoke local needs that), so both of tsx's loaders are registered then.
import { createRequire } from 'node:module';
import { bundleFor } from './bundle-cache.mjs';

// The SDK warns on Node 20 at every start; the CLI supports Node 20 (see package.json engines).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const require = createRequire(import.meta.url);

/** cli/main.ts's exports, from the bundle, or under tsx. */
async function load() {
  const bundle = process.env.CRIS_AUDIT_NO_BUNDLE === '1' ? null : bundleFor('cli', 'cli/main.ts');
  if (bundle !== null) return require(bundle);
  const [{ register: registerEsm }, { register: registerCjs }] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  registerEsm();
  registerCjs();
  return require('../cli/main.ts');
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
