import { describe, expect, it } from 'vitest';
import { MESSAGES, message } from '../../../../shared/core/fix/messages.js';

const placeholders = (text: string): string[] => [...text.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1] ?? '').sort();

describe('fix messages', () => {
  const keys = Object.keys(MESSAGES.en) as (keyof typeof MESSAGES.en)[];

  it.each(keys)('has a Japanese text for %s with the same placeholders', (key) => {
    const ja = MESSAGES.ja[key];
    expect(ja.trim().length).toBeGreaterThan(0);
    expect(ja).not.toBe(MESSAGES.en[key]);
    expect(ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(placeholders(ja)).toEqual(placeholders(MESSAGES.en[key]));
  });

  it('has no Japanese key that English lacks', () => {
    expect(Object.keys(MESSAGES.ja).sort()).toEqual([...keys].sort());
  });

  it('fills placeholders verbatim, even with replacement patterns in the value', () => {
    expect(message('en', 'widenRegions.summary', { regions: '$& us-east-2' })).toBe(
      'Add $& us-east-2 to the aws:RequestedRegion list of the Region deny.',
    );
  });
});
