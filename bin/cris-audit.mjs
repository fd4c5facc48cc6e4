#!/usr/bin/env node
// Entry point of the `cris-audit` CLI. The CLI is TypeScript; tsx compiles it on the fly so the
// same sources serve the Lambdas (bundled by esbuild) and laptops (no build step). The package is
// CommonJS (osls invoke local needs that), so both of tsx's loaders are registered.
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';
import { createRequire } from 'node:module';

// The SDK warns on Node 20 at every start; the CLI supports Node 20 (see package.json engines).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
registerEsm();
registerCjs();
const { main } = createRequire(import.meta.url)('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
