import { describe, expect, it } from 'vitest';
import { VERDICT_ORDER } from '../../../../shared/core/constants.js';
import { SEVERITIES, severityOf } from '../../../../shared/core/alert/severity.js';

describe('severityOf', () => {
  it.each([
    ['cross-region-scp', 'high'],
    ['scp', 'high'],
    ['resource-control-policy', 'high'],
    ['cross-region-identity', 'medium'],
    ['identity', 'medium'],
    ['model-access', 'low'],
    ['unknown', 'low'],
  ] as const)('rates %s as %s', (verdict, severity) => {
    expect(severityOf({ verdict })).toBe(severity);
  });

  it('rates every verdict with a known severity', () => {
    const known: string[] = Object.values(SEVERITIES);
    expect(VERDICT_ORDER.every((verdict) => known.includes(severityOf({ verdict })))).toBe(true);
  });
});
