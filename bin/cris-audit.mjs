#!/usr/bin/env node
// Entry point of the `cris-audit` CLI. The CLI is TypeScript; tsx compiles it on the fly so the
// same sources serve the Lambdas (bundled by esbuild) and laptops (no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
