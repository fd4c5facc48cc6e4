import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCfnYaml } from './cfn-yaml.js';
import { actionsOf, identityStatements, resourcesOf } from './iam-statements.js';
import { ROOT } from './package-stack.js';

const infra = (file: string) => join(ROOT, 'infra', file);
const eventPattern = JSON.parse(readFileSync(infra('event-pattern.json'), 'utf8')) as unknown;

describe('infra/forwarder.yml (service-managed StackSet in every member account and Region)', () => {
  const template = readCfnYaml(infra('forwarder.yml'));
  const rule = template.Resources['ForwarderRule'];
  const role = template.Resources['ForwarderRole'];

  it('creates the capture rule on the default bus, receiving read-only management events', () => {
    expect(rule?.Type).toBe('AWS::Events::Rule');
    expect(rule?.Properties).toMatchObject({
      EventBusName: 'default',
      State: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    });
  });

  it('uses exactly the pattern of infra/event-pattern.json, the one source of truth', () => {
    expect(rule?.Properties?.['EventPattern']).toEqual(eventPattern);
  });

  it('targets the central bus given as a parameter, through its own role, with retries', () => {
    expect(template.Parameters?.['CentralEventBusArn']).toMatchObject({ Type: 'String' });
    expect(rule?.Properties?.['Targets']).toEqual([
      {
        Id: 'central-bus',
        Arn: { Ref: 'CentralEventBusArn' },
        RoleArn: { 'Fn::GetAtt': ['ForwarderRole', 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    ]);
  });

  it('accepts only event-bus ARNs as the target', () => {
    const allowed = new RegExp(String(template.Parameters?.['CentralEventBusArn']?.['AllowedPattern']));
    const results = [
      'arn:aws:events:ap-northeast-1:123456789012:event-bus/cris-auditor-prod-central',
      'arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/cris-auditor-prod-central',
      'arn:aws:sqs:ap-northeast-1:123456789012:queue',
      'cris-auditor-prod-central',
    ].map((arn) => allowed.test(arn));
    expect(results).toEqual([true, true, false, false]);
  });

  it('lets only EventBridge of this account assume the role', () => {
    expect(role?.Properties?.['AssumeRolePolicyDocument']).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
  });

  it('lets the role put events on exactly the central bus, and do nothing else', () => {
    expect(identityStatements(template).map(({ statement }) => statement)).toEqual([
      { Sid: 'PutEventsOnCentralBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'CentralEventBusArn' } },
    ]);
  });
});

describe('infra/replay-reader-role.yml', () => {
  const template = readCfnYaml(infra('replay-reader-role.yml'));
  const role = template.Resources['ReplayReaderRole'];

  it('allows only cloudtrail:LookupEvents (Resource "*": the action has no resource-level permissions)', () => {
    expect(identityStatements(template).map(({ statement }) => [actionsOf(statement), resourcesOf(statement)])).toEqual([
      [['cloudtrail:LookupEvents'], ['*']],
    ]);
  });

  it('trusts only the replay function roles of the audit account, inside the organization', () => {
    const statement = (role?.Properties?.['AssumeRolePolicyDocument'] as { Statement: unknown[] }).Statement;
    expect(statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditAccountId}:root' } },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditAccountId}:role/${TrustedRoleNamePattern}' } },
          StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } },
        },
      },
    ]);
  });

  it('is named as the stack parameter replayRoleName expects by default', () => {
    expect(template.Parameters?.['RoleName']?.['Default']).toBe('cris-auditor-replay-reader');
    expect(template.Parameters?.['TrustedRoleNamePattern']?.['Default']).toBe('cris-auditor-*-replay');
  });
});

describe('infra/org-read-role.yml', () => {
  const template = readCfnYaml(infra('org-read-role.yml'));

  it('allows exactly the Organizations reads of the fix engine and of the tree reading, each on organization ARNs but ListRoots', () => {
    const statements = identityStatements(template).map(({ statement }) => statement);
    expect(statements.flatMap(actionsOf).sort()).toEqual([
      'organizations:DescribePolicy',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:ListParents',
      'organizations:ListPoliciesForTarget',
      'organizations:ListRoots',
    ]);
    // ListRoots names no resource type in the service authorization reference: '*' is its only form.
    expect(statements.filter((statement) => resourcesOf(statement).includes('*')).flatMap(actionsOf)).toEqual(['organizations:ListRoots']);
  });

  it('trusts only the alert, replay, guard and refresh function roles of the audit account, inside the organization', () => {
    const role = template.Resources['OrgReadRole'];
    expect((role?.Properties?.['AssumeRolePolicyDocument'] as { Statement: unknown[] }).Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditAccountId}:root' } },
        Action: 'sts:AssumeRole',
        Condition: {
          ArnLike: {
            'aws:PrincipalArn': [
              { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditAccountId}:role/${TrustedRoleNamePattern}' },
              { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditAccountId}:role/${TrustedReplayRoleNamePattern}' },
              { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditAccountId}:role/${TrustedGuardRoleNamePattern}' },
              { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AuditAccountId}:role/${TrustedRefreshRoleNamePattern}' },
            ],
          },
          StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } },
        },
      },
    ]);
    expect(template.Parameters?.['TrustedRoleNamePattern']?.['Default']).toBe('cris-auditor-*-alert');
    expect(template.Parameters?.['TrustedReplayRoleNamePattern']?.['Default']).toBe('cris-auditor-*-replay');
    expect(template.Parameters?.['TrustedGuardRoleNamePattern']?.['Default']).toBe('cris-auditor-*-guard');
    expect(template.Parameters?.['TrustedRefreshRoleNamePattern']?.['Default']).toBe('cris-auditor-*-refresh');
  });

  it('scopes the reads to the organization named by the parameters', () => {
    const resources = identityStatements(template).flatMap(({ statement }) => resourcesOf(statement));
    expect(resources).toContainEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:organizations::${ManagementAccountId}:policy/${OrganizationId}/service_control_policy/*',
    });
    expect(resources).toContainEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:organizations::aws:policy/service_control_policy/*' });
  });
});
