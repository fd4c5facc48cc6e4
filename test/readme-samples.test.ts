import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/load-event.js';

// Every sample of CLI output in the README is the output of the command it shows: each block that
// starts with `$ npm start` or `$ npm run --silent cris-audit -- …` is run here (the real CLI, as a
// user runs it) and compared line by line. A line that is only `…` stands for any number of lines the
// README leaves out; the only other normalisation is the demo's elapsed time.

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const run = promisify(execFile);

interface Sample {
  command: string;
  argv: string[];
  expected: string[];
}

/** Words of a shell command line as sh would split them (quotes, backslash-newline); no expansion. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] ?? '';
    if (char === '\\' && text[index + 1] === '\n') {
      index += 1;
      continue;
    }
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, index + 1);
      if (end === -1) throw new Error(`unterminated ${char} in ${text}`);
      word = (word ?? '') + text.slice(index + 1, end);
      index = end;
      continue;
    }
    if (/\s/.test(char)) {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    word = (word ?? '') + char;
  }
  if (word !== null) words.push(word);
  return words;
}

/** The README's CLI samples: the command (with its continuation lines) and the lines shown under it. */
function samples(): Sample[] {
  const found: Sample[] = [];
  for (const [, body] of readme.matchAll(/```\n(\$ [\s\S]*?)```/g)) {
    const lines = (body ?? '').replace(/\n$/, '').split('\n');
    let commandLines = 1;
    while ((lines[commandLines - 1] ?? '').endsWith('\\')) commandLines += 1;
    const command = lines.slice(0, commandLines).join('\n').slice(2);
    const words = shellWords(command);
    const argv =
      words.join(' ') === 'npm start'
        ? ['demo']
        : words.slice(0, 4).join(' ') === 'npm run --silent cris-audit' && words[4] === '--'
          ? words.slice(5)
          : null;
    if (argv === null) throw new Error(`README sample runs a command this test does not know: ${command}`);
    found.push({ command, argv, expected: lines.slice(commandLines) });
  }
  return found;
}

/** Whether `actual` reads as `expected`, where an `…` line of `expected` stands for any run of lines. */
function matches(expected: string[], actual: string[]): boolean {
  const memo = new Map<string, boolean>();
  const at = (e: number, a: number): boolean => {
    const key = `${e}:${a}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (e === expected.length) result = a === actual.length;
    else if (expected[e] === '…') result = at(e + 1, a) || (a < actual.length && at(e, a + 1));
    else result = a < actual.length && expected[e] === actual[a] && at(e + 1, a + 1);
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

/** The first expected line (outside `…` gaps) that the output does not have where the README says, for a readable failure. */
function firstMismatch(expected: string[], actual: string[]): string {
  const missing = expected.filter((line) => line !== '…').find((line) => !actual.includes(line));
  return missing === undefined ? 'every line is there, but not in this order or with extra lines between them' : `not in the output: ${missing}`;
}

const normalise = (text: string): string => text.replace(/\b\d+(\.\d+)? s, no AWS account/g, '3.5 s, no AWS account');

describe('README sample outputs', () => {
  const found = samples();

  it('has the samples this test runs (the demo, analyze, explain, preflight)', () => {
    expect(found.map((sample) => sample.argv[0])).toEqual(expect.arrayContaining(['demo', 'analyze', 'explain', 'preflight']));
  });

  it.each(found.map((sample) => [sample.command.split('\n')[0] ?? '', sample] as const))('%s prints what the README shows', async (_title, sample) => {
    // Act
    const result = await run(process.execPath, [join(ROOT, 'bin', 'cris-audit.mjs'), ...sample.argv], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', LOCALE: 'en' },
      maxBuffer: 64 * 1024 * 1024,
    }).then(
      (output) => ({ code: 0, ...output }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    const actual = normalise(`${result.stdout}${result.stderr}`).replace(/\n$/, '').split('\n');

    // Assess
    expect(result.code).toBe(0);
    expect({ command: sample.command, readable: matches(sample.expected, actual) ? 'as shown' : firstMismatch(sample.expected, actual) }).toEqual({
      command: sample.command,
      readable: 'as shown',
    });
  }, 60_000);
});
