import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectIndent, measurePolicy, minifyPolicy, renderLike } from '../../../../shared/core/fix/policy-text.js';

const published = readFileSync(join(__dirname, '../../../fixtures/fix/organizations-region-deny.json'), 'utf8');

describe('renderLike', () => {
  it('keeps untouched lines byte for byte, stray tabs included, and only changes what the patch changed', () => {
    // Prepare
    const document = JSON.parse(published) as { Statement: { NotAction: string[] }[] };
    const patched = structuredClone(document);
    patched.Statement[0]?.NotAction.splice(5, 0, 'bedrock:InvokeModel');

    // Act
    const text = renderLike(published, document, patched);

    // Assess
    const before = published.split('\n');
    const after = text.split('\n');
    expect(after).toHaveLength(before.length + 1);
    expect(after[1]).toBe(before[1]);
    expect(after[1]).toMatch(/"Version": "2012-10-17",\s+$/);
    expect(after.filter((line) => !before.includes(line))).toEqual(['                "bedrock:InvokeModel",']);
    expect(text.endsWith('}')).toBe(true);
  });

  it('renders canonically with the detected indent when the layout is not JSON.stringify-like', () => {
    // Prepare
    const original = '{"Version": "2012-10-17",\n  "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}\n';

    // Act
    const text = renderLike(original, JSON.parse(original), { Version: '2012-10-17', Statement: [] });

    // Assess
    expect(text).toBe('{\n  "Version": "2012-10-17",\n  "Statement": []\n}\n');
  });

  it('keeps a minified policy minified', () => {
    expect(renderLike('{"a":1}', { a: 1 }, { a: 2 })).toBe('{"a":2}');
  });
});

describe('detectIndent', () => {
  it.each([
    ['four spaces', published, '    '],
    ['two spaces', '{\n  "a": 1\n}', '  '],
    ['a tab', '{\n\t"a": 1\n}', '\t'],
    ['a single line', '{"a":1}', ''],
  ])('detects %s', (_name, text, indent) => {
    expect(detectIndent(text)).toBe(indent);
  });
});

describe('measurePolicy', () => {
  it('counts every character as formatted and once minified', () => {
    // Act
    const report = measurePolicy(published);

    // Assess
    expect(report.size).toBe(published.length);
    expect(report.minifiedSize).toBe(JSON.stringify(JSON.parse(published)).length);
    expect(report.minifiedSize).toBeLessThan(report.size);
    expect(report).toMatchObject({ fits: true, minifiedFits: true, limit: 5120 });
  });

  it('reports a policy over the limit even minified', () => {
    // Prepare
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', NotAction: Array.from({ length: 600 }, (_, i) => `svc${i}:*`), Resource: '*' }] });

    // Act
    const report = measurePolicy(big);

    // Assess
    expect(report).toMatchObject({ fits: false, minifiedFits: false });
  });

  it('leaves text that is not JSON as it is when minifying', () => {
    expect(minifyPolicy('{not json')).toBe('{not json');
  });
});
