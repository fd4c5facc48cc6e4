import { describe, expect, it } from 'vitest';
import { codeBlock, escapeMrkdwn, inlineCode, truncateEscaped, truncatePlain } from '../../../../shared/core/render/mrkdwn.js';

describe('escapeMrkdwn', () => {
  it.each([
    ['disarms a channel ping', '<!channel> hi', '&lt;!channel&gt; hi'],
    ['disarms a user mention', 'ask <@U012ABCDEF>', 'ask &lt;＠U012ABCDEF&gt;'],
    ['disarms a link with a label', '<https://evil.example|click>', '&lt;https:∕∕evil.example|click&gt;'],
    ['breaks a bare URL', 'see https://evil.example', 'see https:∕∕evil.example'],
    ['breaks a bare @here', 'cc @here', 'cc ＠here'],
    ['replaces bold, italic, strike and code characters', '*b* _i_ ~s~ `c`', '∗b∗ ＿i＿ ∼s∼ ˋcˋ'],
    ['escapes an ampersand first, once', 'a &amp; b', 'a &amp;amp; b'],
    ['shows a right-to-left override instead of letting it reorder the text', 'invoice\u202Etxt.exe', 'invoice[U+202E]txt.exe'],
    ['replaces invisible control characters', 'bell\u0007 escape\u001b[2J', 'bell\uFFFD escape\uFFFD[2J'],
  ])('%s', (_title, input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });
});

describe('inlineCode', () => {
  it.each([
    ['wraps a value in one code span', 'arn:aws:iam::111122223333:role/app', '`arn:aws:iam::111122223333:role/app`'],
    ['replaces backticks so the span cannot close early', 'a`b```c', '`aˋbˋˋˋc`'],
    ['joins lines so the span stays on one line', 'one\ntwo\r\nthree', '`one two three`'],
    ['shows a bidi override inside the span', 'role/\u202Enimda', '`role/[U+202E]nimda`'],
    ['escapes entities and breaks links inside the span', '<!here> <https://x|y>', '`&lt;!here&gt; &lt;https:∕∕x|y&gt;`'],
    ['shows a dash for a missing value', null, '`-`'],
    ['shows a dash for blank text', '   ', '`-`'],
  ])('%s', (_title, input, expected) => {
    expect(inlineCode(input)).toBe(expected);
  });

  it('truncates a long value inside the span with the marker', () => {
    expect(inlineCode('x'.repeat(50), 40)).toBe(`\`${'x'.repeat(20)}…(30 characters cut)\``);
  });
});

describe('codeBlock', () => {
  it('keeps lines, escapes entities and neutralises a fence inside the content', () => {
    expect(codeBlock('{\n  "a": "<b> & ```"\n}')).toBe('```\n{\n  "a": "&lt;b&gt; &amp; ˋˋˋ"\n}\n```');
  });

  it('fits its limit including the fences and marks the cut', () => {
    const block = codeBlock('y'.repeat(5000), 3000);
    expect(block).toHaveLength(3000);
    expect(block.endsWith(`${'y'.repeat(10)}…(2030 characters cut)\n\`\`\``)).toBe(true);
  });
});

describe('truncateEscaped', () => {
  it('leaves text within the limit unchanged', () => {
    expect(truncateEscaped('short', 10)).toBe('short');
  });

  it('never cuts an entity in half', () => {
    const text = `${'a'.repeat(10)}&amp;${'b'.repeat(20)}`;
    expect(truncateEscaped(text, 32)).toBe(`${'a'.repeat(10)}…(25 characters cut)`);
  });

  it('never cuts a surrogate pair in half', () => {
    const text = `${'a'.repeat(4)}😀${'b'.repeat(30)}`;
    expect(truncateEscaped(text, 25)).toBe('aaaa…(31 characters cut)');
  });
});

describe('truncatePlain', () => {
  it('cuts plain text to the limit with the marker', () => {
    const cut = truncatePlain('h'.repeat(200), 150);
    expect(cut).toBe(`${'h'.repeat(130)}…(70 characters cut)`);
  });
});
