// Worker thread of `analyze`: registers tsx (as bin/cris-audit.mjs does) and runs the TypeScript.
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';
import { createRequire } from 'node:module';

registerEsm();
registerCjs();
createRequire(import.meta.url)('./analyze-worker.ts');
