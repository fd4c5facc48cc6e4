import { describe, expect, it } from 'vitest';
import { detectControlTower } from '../../../../shared/core/fix/control-tower.js';
import type { ScpDocument } from '../../../../shared/core/types.js';
import { scpFixture } from './findings.js';

const plain = (statement: Record<string, unknown>, overrides: Partial<ScpDocument> = {}): ScpDocument => ({
  id: 'p-1',
  name: 'custom',
  content: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }),
  ...overrides,
});

describe('detectControlTower', () => {
  it.each([
    ['the documented GRREGIONDENY policy', scpFixture('control-tower-GRREGIONDENY.json'), { kind: 'landing-zone-region-deny', signal: 'sid' }],
    ['the OU Region deny Sid', plain({ Sid: 'CTMULTISERVICEPV1', Effect: 'Deny' }), { kind: 'ou-region-deny', signal: 'sid' }],
    ['an aws-guardrails- policy name', plain({ Effect: 'Deny' }, { name: 'aws-guardrails-XyZ123' }), { kind: 'other-control', signal: 'name' }],
    ['a Control Tower description', plain({ Effect: 'Deny' }, { description: 'This policy is managed by AWS Control Tower.' }), { kind: 'other-control', signal: 'description' }],
    ['a custom Region deny', scpFixture('organizations-region-deny.json'), null],
    ['text that is not JSON', { id: 'x', name: null, content: '{oops' }, null],
  ])('classifies %s', (_name, document, expected) => {
    expect(detectControlTower(document)).toEqual(expected);
  });
});
