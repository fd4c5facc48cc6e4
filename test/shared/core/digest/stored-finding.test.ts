import { describe, expect, it } from 'vitest';
import { parseStoredFinding } from '../../../../shared/core/digest/stored-finding.js';
import { makeFinding, makeFix } from './digest-fixtures.js';

describe('parseStoredFinding', () => {
  it('reads back a stored finding with its recommended fix', () => {
    // Prepare
    const finding = makeFinding({ fix: makeFix('{"a": 1}') });

    // Act
    const parsed = parseStoredFinding(JSON.stringify(finding));

    // Assess
    expect(parsed).toMatchObject({ ...finding, fix: { recommended: finding.fix?.recommended } });
  });

  it.each([
    { name: 'JSON that does not parse', json: '{"verdict":', expected: null },
    { name: 'an array', json: '[]', expected: null },
    { name: 'an unknown verdict', json: '{"verdict":"evil"}', expected: null },
  ])('refuses $name', ({ json, expected }) => {
    expect(parseStoredFinding(json)).toBe(expected);
  });

  it('turns fields of the wrong type into null instead of letting them reach the renderer', () => {
    // Prepare
    const json = JSON.stringify({
      verdict: 'cross-region-scp',
      accountId: 111122223333,
      profile: 'apac.x',
      destinations: ['a', 1],
      reason: { html: '<b>' },
      fix: { recommended: { id: 'exempt-bedrock', title: 'T', snippet: { content: 42 } } },
    });

    // Act
    const parsed = parseStoredFinding(json);

    // Assess
    expect(parsed).toMatchObject({ accountId: null, profile: null, destinations: null, reason: '', eventTime: null });
    expect(parsed?.fix?.recommended).toEqual({ id: 'exempt-bedrock', rank: 0, title: 'T', summary: '', tradeoffs: '', snippet: null });
  });
});
