import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOrgTrail } from '../../bench/org-trail-generator.js';
import { runAnalyze } from '../../cli/analyze.js';
import { captureStream } from '../helpers/capture-stream.js';
import { ROOT } from '../helpers/load-event.js';

/**
 * Output of `analyze`, byte for byte, against what it printed before the reader was made fast
 * (recorded at commit 014f4d6 in `__golden__/`). A change of findings, reasons or fixes made on
 * purpose elsewhere re-records them with `npx vitest run test/cli/analyze-golden.test.ts -u`;
 * a change made by the reader never should.
 */

const events = (...parts: string[]) => join(ROOT, 'events', ...parts);
const golden = (name: string) => join(__dirname, '__golden__', name);

async function analyze(args: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runAnalyze(args, { stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** NDJSON is recorded as its line count and SHA-256 (the table runs show the same findings in full). */
function shown(stdout: string, args: string[]): string {
  if (!args.includes('--json')) return stdout;
  return `lines ${stdout.split('\n').length - 1}\nsha256 ${createHash('sha256').update(stdout).digest('hex')}\n`;
}

const SAMPLE_RUNS: Array<[string, string[]]> = [
  ['samples-table', [events('cloudtrail'), events('eventbridge'), events('lookup-events'), events('ndjson'), events('s3')]],
  ['samples-json', ['--json', events('cloudtrail'), events('eventbridge'), events('lookup-events'), events('ndjson'), events('s3')]],
  ['samples-fix-scp', ['--fix', '--scp', events('scp', 'region-deny-eu.json'), events('cloudtrail')]],
  ['samples-fix-ja', ['--fix', '--lang', 'ja', events('eventbridge')]],
  ['samples-unique', ['--unique', events('cloudtrail'), events('eventbridge'), events('cloudtrail')]],
];

describe('analyze output stays byte-identical', () => {
  for (const [name, args] of SAMPLE_RUNS) {
    it(`prints the recorded output for ${name}, read on two worker threads too`, async () => {
      // Prepare: the same run on workers, merged in input order (--unique always reads here).
      process.env.CRIS_AUDIT_THREADS = '2';
      const threaded = await analyze(args.map((arg) => arg.replace(ROOT, '.'))).finally(() => delete process.env.CRIS_AUDIT_THREADS);

      const { code, stdout, stderr } = await analyze(args.map((arg) => arg.replace(ROOT, '.')));
      await expect(`exit ${code}\n--- stdout\n${shown(stdout, args)}--- stderr\n${stderr}`).toMatchFileSnapshot(golden(`${name}.txt`));
      expect(threaded).toEqual({ code, stdout, stderr });
    });
  }

  describe('on a generated organization trail', () => {
    let trail = '';
    beforeAll(async () => {
      trail = mkdtempSync(join(tmpdir(), 'cris-golden-trail-'));
      await writeOrgTrail(trail, { seed: 14, records: 6_000, denialShare: 0.05 }, { kind: 'realistic' });
    });

    it('prints the recorded table, read on two worker threads too', async () => {
      process.env.CRIS_AUDIT_THREADS = '2';
      const threaded = await analyze([trail]).finally(() => delete process.env.CRIS_AUDIT_THREADS);
      const { code, stdout, stderr } = await analyze([trail]);
      expect(threaded).toEqual({ code, stdout, stderr });
      await expect(`exit ${code}\n--- stdout\n${stdout}--- stderr\n${stderr.replaceAll(trail, 'TRAIL')}`).toMatchFileSnapshot(golden('org-trail-table.txt'));
    });

    it('prints the recorded NDJSON (digest of the bytes), read on two worker threads too', async () => {
      process.env.CRIS_AUDIT_THREADS = '2';
      const threaded = await analyze(['--json', trail]).finally(() => delete process.env.CRIS_AUDIT_THREADS);
      const { code, stdout, stderr } = await analyze(['--json', trail]);
      expect(threaded).toEqual({ code, stdout, stderr });
      await expect(`exit ${code}\n${shown(stdout, ['--json'])}--- stderr\n${stderr.replaceAll(trail, 'TRAIL')}`).toMatchFileSnapshot(golden('org-trail-json.txt'));
    });
  });
});
