import { describe, expect, it } from 'vitest';
import { detectControlTower, mergeParameters, parametersInForce } from '../../../../shared/core/fix/control-tower.js';
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
    ['the documented GRREGIONDENY policy', scpFixture('control-tower-GRREGIONDENY.json'), { kind: 'landing-zone-region-deny', signal: 'sid-and-exemption' }],
    [
      'the OU Region deny Sid with Control Tower\'s execution-role exemption',
      plain({ Sid: 'CTMULTISERVICEPV1', Effect: 'Deny', Condition: { ArnNotLike: { 'aws:PrincipalARN': ['arn:*:iam::*:role/AWSControlTowerExecution'] } } }),
      { kind: 'ou-region-deny', signal: 'sid-and-exemption' },
    ],
    ['a GRREGIONDENY-like Sid alone (a customer copy)', plain({ Sid: 'GRREGIONDENY', Effect: 'Deny' }), null],
    ['a CTMULTISERVICEPV1 Sid alone', plain({ Sid: 'CTMULTISERVICEPV1', Effect: 'Deny' }), null],
    [
      'the execution-role exemption alone (a custom SCP in a Control Tower organization)',
      plain({ Sid: 'DenyOutsideEU', Effect: 'Deny', Condition: { ArnNotLike: { 'aws:PrincipalARN': 'arn:aws:iam::*:role/AWSControlTowerExecution' } } }),
      null,
    ],
    ['an aws-guardrails- policy name', plain({ Effect: 'Deny' }, { name: 'aws-guardrails-XyZ123' }), { kind: 'other-control', signal: 'name' }],
    ['a Control Tower description', plain({ Effect: 'Deny' }, { description: 'This policy is managed by AWS Control Tower.' }), { kind: 'other-control', signal: 'description' }],
    ['a custom Region deny', scpFixture('organizations-region-deny.json'), null],
    ['text that is not JSON', { id: 'x', name: null, content: '{oops' }, null],
  ])('classifies %s', (_name, document, expected) => {
    expect(detectControlTower(document)).toEqual(expected);
  });
});

describe('parametersInForce', () => {
  const pv1 = (notAction: string[], principals: string[]): ScpDocument =>
    plain({
      Sid: 'CTMULTISERVICEPV1',
      Effect: 'Deny',
      NotAction: notAction,
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1'] },
        ArnNotLike: { 'aws:PrincipalARN': principals },
      },
    }, { name: 'aws-guardrails-AbCdEf' });

  it('reads AllowedRegions, the ExemptedActions beyond the base list and the non-Control Tower principals from the SCP text', () => {
    // Prepare
    const document = pv1(['iam:*', 'sts:*', 'logs:StartQuery'], ['arn:*:iam::*:role/AWSControlTowerExecution', 'arn:aws:iam::*:role/BreakGlass']);

    // Act
    const result = parametersInForce(document, 0);

    // Assess
    expect(result).toEqual({
      source: 'scp-text',
      parameters: { AllowedRegions: ['eu-central-1', 'eu-west-1'], ExemptedActions: ['logs:StartQuery'], ExemptedPrincipalArns: ['arn:aws:iam::*:role/BreakGlass'] },
    });
  });

  it('prefers the parameters Control Tower reported', () => {
    // Prepare
    const document = { ...pv1([], []), controlTowerParameters: { AllowedRegions: ['us-east-1'], ExemptedActions: ['s3:ListBucket'] } };

    // Act
    const result = parametersInForce(document, 0);

    // Assess
    expect(result).toEqual({ source: 'control-tower', parameters: { AllowedRegions: ['us-east-1'], ExemptedActions: ['s3:ListBucket'], ExemptedPrincipalArns: [] } });
  });

  it('merges additions without dropping a value in force (Control Tower replaces the parameters it is given)', () => {
    // Act
    const merged = mergeParameters(
      { AllowedRegions: ['eu-west-1'], ExemptedActions: ['logs:StartQuery'], ExemptedPrincipalArns: ['arn:aws:iam::*:role/BreakGlass'] },
      { ExemptedActions: ['bedrock:InvokeModel', 'logs:StartQuery'] },
    );

    // Assess
    expect(merged).toEqual({
      AllowedRegions: ['eu-west-1'],
      ExemptedActions: ['logs:StartQuery', 'bedrock:InvokeModel'],
      ExemptedPrincipalArns: ['arn:aws:iam::*:role/BreakGlass'],
    });
  });
});
