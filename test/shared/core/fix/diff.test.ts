import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines, splitLines, unifiedDiff } from '../../../../shared/core/fix/diff.js';

describe('unifiedDiff', () => {
  it('returns the empty string for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', { fromName: 'a/x', toName: 'b/x' })).toBe('');
  });

  it('writes one hunk with three lines of context around a change', () => {
    // Prepare
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n') + '\n';
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8', '9'].join('\n') + '\n';

    // Act
    const diff = unifiedDiff(before, after, { fromName: 'a/p.json', toName: 'b/p.json' });

    // Assess
    expect(diff).toBe(['--- a/p.json', '+++ b/p.json', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ''].join('\n'));
  });

  it('splits distant changes into separate hunks', () => {
    // Prepare
    const lines = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const changed = lines.map((l, i) => (i === 1 || i === 18 ? `${l}!` : l));

    // Act
    const diff = unifiedDiff(`${lines.join('\n')}\n`, `${changed.join('\n')}\n`, { fromName: 'a', toName: 'b' });

    // Assess
    expect(diff.match(/^@@ .* @@$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -16,5 +16,5 @@']);
  });

  it('diffs a new file against /dev/null', () => {
    expect(unifiedDiff('', '{\n}\n', { fromName: '/dev/null', toName: 'b/new.json' })).toBe(
      '--- /dev/null\n+++ b/new.json\n@@ -0,0 +1,2 @@\n+{\n+}\n',
    );
  });

  it('marks a last line without a final newline', () => {
    expect(unifiedDiff('a\nb', 'a\nc', { fromName: 'a', toName: 'b' })).toBe(
      '--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n',
    );
  });

  it('shows a gained final newline as a change of the last line', () => {
    expect(unifiedDiff('a', 'a\n', { fromName: 'a', toName: 'b' })).toBe(
      '--- a\n+++ b\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n',
    );
  });
});

describe('diffLines', () => {
  it('replays to both texts for arbitrary line lists', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', '{', '}')), fc.array(fc.constantFrom('a', 'b', 'c', '{', '}')), (before, after) => {
        const ops = diffLines(before, after);
        const newSide = ops.flatMap((op) => (op.kind === 'delete' ? [] : [op.kind === 'insert' ? after[op.newIndex] : before[op.oldIndex]]));
        const oldSide = ops.flatMap((op) => (op.kind === 'insert' ? [] : [before[op.oldIndex]]));
        expect(newSide).toEqual(after);
        expect(oldSide).toEqual(before);
      }),
    );
  });

  it('splits text into lines without a phantom last line', () => {
    expect([splitLines(''), splitLines('a\n'), splitLines('a\nb')]).toEqual([[], ['a'], ['a', 'b']]);
  });
});
