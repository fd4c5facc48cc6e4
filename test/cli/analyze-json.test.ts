import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../cli/analyze.js';
import { captureStream } from '../helpers/capture-stream.js';
import { ROOT } from '../helpers/load-event.js';

describe('cris-audit analyze --json', () => {
  it('writes C1 controls, bidi overrides and U+2028/2029 from a hostile record as \\u escapes, never raw', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cris-analyze-json-'));
    const record = JSON.parse(readFileSync(join(ROOT, 'events', 'cloudtrail', 'cross-region-scp-apac-converse.json'), 'utf8')) as Record<string, unknown>;
    record.userAgent = 'ua\u009B2J\u202Eevil\u2028line\u2029para\u0085';
    const file = join(dir, 'hostile.json');
    writeFileSync(file, JSON.stringify(record));
    const stdout = captureStream();
    const stderr = captureStream();

    // Act
    const code = await runAnalyze(['--json', file], { stdout, stderr });

    // Assess
    expect(code).toBe(0);
    const line = stdout.text().trim();
    expect(line).not.toMatch(/[\u0080-\u009F\u202E\u2028\u2029]/);
    expect(line).toContain('"userAgent":"ua\\u009b2J\\u202eevil\\u2028line\\u2029para\\u0085"');
    expect(JSON.parse(line).userAgent).toBe(record.userAgent);
  });
});
