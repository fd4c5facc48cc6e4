/**
 * Vitest setup: keeps the handlers' Powertools log lines (JSON written straight to process.stdout,
 * which vitest's `silent` option does not catch) and Powertools' "No application metrics" warning out
 * of the run's output, and prints them after a test that failed, where they help. Tests that assert
 * on logs spy on `process.stdout.write` themselves and still receive every line: a spy replaces this
 * filter while it is installed. `CRIS_TEST_LOGS=1` shows everything as it is written.
 */
import { afterEach, beforeEach } from 'vitest';

const POWERTOOLS_LINE = /^\{"level":"[A-Z]+","message":/;
const METRICS_WARNING = /^No application metrics to publish\./;

if (process.env.CRIS_TEST_LOGS !== '1') {
  const held: string[] = [];
  const quiet = (write: (...args: never[]) => boolean) =>
    function filtered(this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : null;
      if (text !== null && (POWERTOOLS_LINE.test(text) || METRICS_WARNING.test(text))) {
        held.push(text);
        const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
        callback?.();
        return true;
      }
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    };
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = quiet(process.stdout.write) as typeof process.stdout.write;
  process.stderr.write = quiet(process.stderr.write) as typeof process.stderr.write;

  beforeEach(() => {
    held.length = 0;
  });
  afterEach((context) => {
    if (context.task.result?.state === 'fail' && held.length > 0) stdoutWrite(`--- logs of the failed test "${context.task.name}" ---\n${held.join('')}`);
    held.length = 0;
  });
}
