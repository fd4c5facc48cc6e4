import { describe, expect, it } from 'vitest';
import { escapeJsonText, toTerminalSafeJson } from '../../../shared/core/text-safety.js';

describe('toTerminalSafeJson', () => {
  it.each([
    ['a C1 control (CSI)', 'a\u009B31mred', 'a\\u009b31mred'],
    ['a right-to-left override', 'apac.model\u202Eevil', 'apac.model\\u202eevil'],
    ['an isolate', 'x\u2066y\u2069', 'x\\u2066y\\u2069'],
    ['the line and paragraph separators', 'one\u2028two\u2029', 'one\\u2028two\\u2029'],
    ['a zero-width space and a byte order mark', 'a\u200Bb\uFEFF', 'a\\u200bb\\ufeff'],
  ])('writes %s as a \\u escape', (_name, value, escaped) => {
    // Act
    const json = toTerminalSafeJson({ modelId: value });

    // Assess
    expect(json).toBe(`{"modelId":"${escaped}"}`);
    expect(JSON.parse(json)).toEqual({ modelId: value });
  });

  it('leaves ordinary non-ASCII text raw and parses back to the same value', () => {
    const value = { reason: 'プロファイル apac.x → ap-southeast-1 ＿ é', nested: [1, null, 'ok'] };
    const json = toTerminalSafeJson(value);
    expect(json).toBe(JSON.stringify(value));
    expect(JSON.parse(json)).toEqual(value);
  });

  it('escapes JSON text that was serialised elsewhere, with indentation kept', () => {
    const json = escapeJsonText(JSON.stringify({ a: '\u0085' }, null, 2));
    expect(json).toBe('{\n  "a": "\\u0085"\n}');
  });
});
