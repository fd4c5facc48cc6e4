import { describe, expect, it } from 'vitest';
import { ipInCidr, parsePolicyDocument, statementMatches } from '../../../../shared/core/scp/index.js';
import type { ContextValue } from '../../../../shared/core/scp/index.js';

/** Whether a statement holding only this Condition block applies to a request with this context. */
function holds(condition: Record<string, unknown>, context: Record<string, ContextValue>): boolean {
  const parsed = parsePolicyDocument('test', {
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: condition },
  });
  if (!parsed.ok) throw new Error(parsed.reason);
  const [statement] = parsed.value.statements;
  if (statement === undefined) throw new Error('no statement');
  return statementMatches(statement, { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context });
}

interface Case {
  name: string;
  condition: Record<string, unknown>;
  context: Record<string, ContextValue>;
  expected: boolean;
}

const REGION = 'aws:RequestedRegion';

const stringCases: Case[] = [
  { name: 'StringEquals matches one of several values (OR)', condition: { StringEquals: { [REGION]: ['eu-west-1', 'ap-northeast-1'] } }, context: { [REGION]: 'ap-northeast-1' }, expected: true },
  { name: 'StringEquals is case-sensitive on values', condition: { StringEquals: { [REGION]: 'AP-NORTHEAST-1' } }, context: { [REGION]: 'ap-northeast-1' }, expected: false },
  { name: 'StringEquals treats * as a literal character', condition: { StringEquals: { [REGION]: 'ap-*' } }, context: { [REGION]: 'ap-northeast-1' }, expected: false },
  { name: 'StringEquals is false when the key is absent', condition: { StringEquals: { [REGION]: 'ap-northeast-1' } }, context: {}, expected: false },
  { name: 'context key names are case-insensitive', condition: { StringEquals: { 'AWS:requestedregion': 'ap-northeast-1' } }, context: { 'aws:RequestedRegion': 'ap-northeast-1' }, expected: true },
  { name: 'StringNotEquals is NOR: false when the value is one of the list', condition: { StringNotEquals: { [REGION]: ['eu-west-1', 'ap-northeast-1'] } }, context: { [REGION]: 'ap-northeast-1' }, expected: false },
  { name: 'StringNotEquals is NOR: true when the value is none of the list', condition: { StringNotEquals: { [REGION]: ['eu-west-1', 'ap-northeast-1'] } }, context: { [REGION]: 'ap-southeast-1' }, expected: true },
  { name: 'StringNotEquals is true when the key is absent', condition: { StringNotEquals: { [REGION]: 'ap-northeast-1' } }, context: {}, expected: true },
  { name: 'StringNotEquals treats the global value "unspecified" as just another Region', condition: { StringNotEquals: { [REGION]: ['ap-northeast-1'] } }, context: { [REGION]: 'unspecified' }, expected: true },
  { name: 'StringEqualsIgnoreCase ignores case', condition: { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'ML' } }, context: { 'aws:PrincipalTag/team': 'ml' }, expected: true },
  { name: 'StringEqualsIgnoreCase is false when the key is absent', condition: { StringEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'ML' } }, context: {}, expected: false },
  { name: 'StringNotEqualsIgnoreCase is false for a different-case equal value', condition: { StringNotEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'ML' } }, context: { 'aws:PrincipalTag/team': 'ml' }, expected: false },
  { name: 'StringNotEqualsIgnoreCase is true when the key is absent', condition: { StringNotEqualsIgnoreCase: { 'aws:PrincipalTag/team': 'ML' } }, context: {}, expected: true },
  { name: 'StringLike matches * across any characters', condition: { StringLike: { 's3:prefix': 'home/*' } }, context: { 's3:prefix': 'home/ana/docs' }, expected: true },
  { name: 'StringLike ? matches exactly one character', condition: { StringLike: { 's3:prefix': 'v?' } }, context: { 's3:prefix': 'v12' }, expected: false },
  { name: 'StringLike is case-sensitive', condition: { StringLike: { 's3:prefix': 'Home/*' } }, context: { 's3:prefix': 'home/ana' }, expected: false },
  { name: 'StringLike is false when the key is absent', condition: { StringLike: { 's3:prefix': '*' } }, context: {}, expected: false },
  { name: 'StringNotLike is false when any pattern matches', condition: { StringNotLike: { 's3:prefix': ['tmp/*', 'home/*'] } }, context: { 's3:prefix': 'home/ana' }, expected: false },
  { name: 'StringNotLike is true when the key is absent', condition: { StringNotLike: { 's3:prefix': 'home/*' } }, context: {}, expected: true },
];

const ifExistsAndNullCases: Case[] = [
  { name: 'StringEqualsIfExists is true when the key is absent', condition: { StringEqualsIfExists: { 'ec2:InstanceType': 't3.micro' } }, context: {}, expected: true },
  { name: 'StringLikeIfExists still tests a present key', condition: { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } }, context: { 'ec2:InstanceType': 'm5.large' }, expected: false },
  { name: 'StringNotEqualsIfExists is true when the key is absent', condition: { StringNotEqualsIfExists: { [REGION]: 'eu-west-1' } }, context: {}, expected: true },
  { name: 'ArnNotLikeIfExists tests a present key like ArnNotLike', condition: { ArnNotLikeIfExists: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/Admin' } }, context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Admin' }, expected: false },
  { name: 'Null "true" holds when the key is absent', condition: { Null: { 'aws:TokenIssueTime': 'true' } }, context: {}, expected: true },
  { name: 'Null "true" fails when the key is present', condition: { Null: { 'aws:TokenIssueTime': 'true' } }, context: { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' }, expected: false },
  { name: 'Null "false" holds when the key is present', condition: { Null: { 'bedrock:InferenceProfileArn': 'false' } }, context: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.x' }, expected: true },
  { name: 'Null "false" fails when the key is absent', condition: { Null: { 'bedrock:InferenceProfileArn': false } }, context: {}, expected: false },
  { name: 'an empty array in the context counts as an absent key', condition: { Null: { 'aws:TagKeys': 'true' } }, context: { 'aws:TagKeys': [] }, expected: true },
];

const boolNumericDateIpCases: Case[] = [
  { name: 'Bool matches a boolean context value', condition: { Bool: { 'aws:SecureTransport': 'false' } }, context: { 'aws:SecureTransport': false }, expected: true },
  { name: 'Bool accepts a JSON boolean in the policy', condition: { Bool: { 'aws:MultiFactorAuthPresent': true } }, context: { 'aws:MultiFactorAuthPresent': 'true' }, expected: true },
  { name: 'Bool compares true/false ignoring case', condition: { Bool: { 'aws:SecureTransport': 'TRUE' } }, context: { 'aws:SecureTransport': 'true' }, expected: true },
  { name: 'Bool is false when the key is absent', condition: { Bool: { 'aws:ViaAWSService': 'false' } }, context: {}, expected: false },
  { name: 'NumericEquals compares numerically', condition: { NumericEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '10.0' }, expected: true },
  { name: 'NumericLessThanEquals holds at the limit', condition: { NumericLessThanEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '10' }, expected: true },
  { name: 'NumericLessThan fails at the limit', condition: { NumericLessThan: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '10' }, expected: false },
  { name: 'NumericGreaterThan holds above the limit', condition: { NumericGreaterThan: { 's3:max-keys': 10 } }, context: { 's3:max-keys': '11' }, expected: true },
  { name: 'NumericGreaterThanEquals fails below the limit', condition: { NumericGreaterThanEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '9' }, expected: false },
  { name: 'NumericNotEquals is true when the key is absent', condition: { NumericNotEquals: { 's3:max-keys': '10' } }, context: {}, expected: true },
  { name: 'NumericEquals is false for a non-numeric request value', condition: { NumericEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': 'ten' }, expected: false },
  { name: 'DateGreaterThan compares ISO 8601 times', condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } }, context: { 'aws:TokenIssueTime': '2026-11-28T10:00:00Z' }, expected: true },
  { name: 'DateLessThan accepts epoch seconds', condition: { DateLessThan: { 'aws:CurrentTime': '1577836800' } }, context: { 'aws:CurrentTime': '2019-12-31T23:59:59Z' }, expected: true },
  { name: 'DateEquals matches the same instant in two notations', condition: { DateEquals: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, context: { 'aws:CurrentTime': '1577836800' }, expected: true },
  { name: 'DateNotEquals is true when the key is absent', condition: { DateNotEquals: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, context: {}, expected: true },
  { name: 'DateLessThanEquals is false when the key is absent', condition: { DateLessThanEquals: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, context: {}, expected: false },
  { name: 'DateGreaterThanEquals holds at the same instant', condition: { DateGreaterThanEquals: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, context: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, expected: true },
  { name: 'IpAddress matches an address inside the CIDR', condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, context: { 'aws:SourceIp': '203.0.113.77' }, expected: true },
  { name: 'IpAddress matches IPv6 ranges', condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } }, context: { 'aws:SourceIp': '2001:db8:1234:5678::1' }, expected: true },
  { name: 'IpAddress is false when the key is absent (VPC endpoint call)', condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, context: {}, expected: false },
  { name: 'NotIpAddress is false inside the range', condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, context: { 'aws:SourceIp': '203.0.113.5' }, expected: false },
  { name: 'NotIpAddress is true when the key is absent', condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, context: {}, expected: true },
  { name: 'BinaryEquals compares the base-64 text', condition: { BinaryEquals: { key: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } }, context: { key: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' }, expected: true },
];

const PROFILE = 'arn:aws:bedrock:ap-northeast-1:111122223333:inference-profile/apac.anthropic.claude-3-5-sonnet-20241022-v2:0';

const arnCases: Case[] = [
  { name: 'ArnLike matches each ARN component with its own wildcards', condition: { ArnLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/apac.*' } }, context: { 'bedrock:InferenceProfileArn': PROFILE }, expected: true },
  { name: 'ArnLike rejects another geography prefix', condition: { ArnLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/us.*' } }, context: { 'bedrock:InferenceProfileArn': PROFILE }, expected: false },
  { name: 'ArnLike: a * inside one component does not swallow the next (documented someservice example)', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:someservice:*:111122223333:finance/*' } }, context: { 'aws:SourceArn': 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt' }, expected: false },
  { name: 'StringLike on the same documented value does match across colons', condition: { StringLike: { 'aws:SourceArn': 'arn:aws:someservice:*:111122223333:finance/*' } }, context: { 'aws:SourceArn': 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt' }, expected: true },
  { name: 'ArnEquals behaves like ArnLike', condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/AWSControlTowerExecution' } }, context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AWSControlTowerExecution' }, expected: true },
  { name: 'ArnLike is case-sensitive', condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/awscontroltowerexecution' } }, context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AWSControlTowerExecution' }, expected: false },
  { name: 'ArnLike is false when the key is absent', condition: { ArnLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/apac.*' } }, context: {}, expected: false },
  { name: 'ArnNotLike is false when the ARN matches', condition: { ArnNotLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/apac.*' } }, context: { 'bedrock:InferenceProfileArn': PROFILE }, expected: false },
  { name: 'ArnNotLike is true when the key is absent (direct model call)', condition: { ArnNotLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/apac.*' } }, context: {}, expected: true },
  { name: 'ArnNotEquals is true for a different ARN', condition: { ArnNotEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Admin' } }, context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Dev' }, expected: true },
  { name: 'ArnLike with a bare * matches any value', condition: { ArnLike: { 'aws:SourceArn': '*' } }, context: { 'aws:SourceArn': 'not-an-arn' }, expected: true },
];

const setCases: Case[] = [
  { name: 'ForAllValues holds when every request value is in the list', condition: { 'ForAllValues:StringLike': { 'dynamodb:requestedAttributes': ['PostDateTime', 'Message', 'Tags'] } }, context: { 'dynamodb:requestedAttributes': ['PostDateTime', 'Message'] }, expected: true },
  { name: 'ForAllValues fails when one request value is not in the list (documented UserName example)', condition: { 'ForAllValues:StringLike': { 'dynamodb:requestedAttributes': ['PostDateTime', 'Message', 'Tags'] } }, context: { 'dynamodb:requestedAttributes': ['PostDateTime', 'UserName'] }, expected: false },
  { name: 'ForAllValues is true when the key is absent', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } }, context: {}, expected: true },
  { name: 'ForAnyValue holds when one request value matches (documented PutItem example)', condition: { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } }, context: { 'dynamodb:requestedAttributes': ['UserName', 'Message', 'PostDateTime'] }, expected: true },
  { name: 'ForAnyValue fails when no request value matches', condition: { 'ForAnyValue:StringLike': { 'dynamodb:requestedAttributes': ['ID', 'PostDateTime'] } }, context: { 'dynamodb:requestedAttributes': ['UserName'] }, expected: false },
  { name: 'ForAnyValue is false when the key is absent', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env'] } }, context: {}, expected: false },
  { name: 'ForAnyValue with a negated operator holds when some value matches none of the list', condition: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env', 'owner'] } }, context: { 'aws:TagKeys': ['env', 'cost'] }, expected: true },
  { name: 'ForAllValues with a negated operator fails when one value is in the list', condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['aws:*'] } }, context: { 'aws:TagKeys': ['env', 'aws:secret'] }, expected: false },
  { name: 'ForAllValues...IfExists is true when the key is absent', condition: { 'ForAllValues:StringEqualsIfExists': { 'aws:TagKeys': ['env'] } }, context: {}, expected: true },
  { name: 'ForAnyValue...IfExists is true when the key is absent', condition: { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['env'] } }, context: {}, expected: true },
];

const combinationCases: Case[] = [
  { name: 'operators in one block are ANDed', condition: { StringEquals: { [REGION]: 'ap-northeast-1' }, Bool: { 'aws:SecureTransport': 'true' } }, context: { [REGION]: 'ap-northeast-1', 'aws:SecureTransport': 'false' }, expected: false },
  { name: 'keys under one operator are ANDed', condition: { StringEquals: { [REGION]: 'ap-northeast-1', 'aws:PrincipalTag/team': 'ml' } }, context: { [REGION]: 'ap-northeast-1' }, expected: false },
  { name: 'all operators and keys true makes the block true', condition: { StringEquals: { [REGION]: 'ap-northeast-1', 'aws:PrincipalTag/team': 'ml' }, Bool: { 'aws:SecureTransport': 'true' } }, context: { [REGION]: 'ap-northeast-1', 'aws:PrincipalTag/team': 'ml', 'aws:SecureTransport': true }, expected: true },
];

const variableCases: Case[] = [
  { name: 'a policy variable resolves from the request context', condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }, context: { 'aws:ResourceAccount': '111122223333', 'aws:PrincipalAccount': '111122223333' }, expected: true },
  { name: 'a policy variable name is case-insensitive', condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::${AWS:PrincipalAccount}:role/*' } }, context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Dev', 'aws:PrincipalAccount': '111122223333' }, expected: true },
  { name: 'an unresolvable variable matches nothing (positive operator false)', condition: { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }, context: { 'aws:ResourceAccount': '111122223333' }, expected: false },
  { name: 'an unresolvable variable matches nothing (negated operator true)', condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::${Account}:role/[PRIVILEGED_ROLE]' } }, context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/Admin' }, expected: true },
  { name: 'a variable default applies when the key is absent', condition: { StringEquals: { 'aws:PrincipalTag/team': "${aws:PrincipalTag/default-team, 'ml'}" } }, context: { 'aws:PrincipalTag/team': 'ml' }, expected: true },
  { name: '${*} is a literal asterisk, not a wildcard', condition: { StringLike: { 's3:prefix': 'a${*}' } }, context: { 's3:prefix': 'abc' }, expected: false },
  { name: '${*} matches a literal asterisk', condition: { StringLike: { 's3:prefix': 'a${*}' } }, context: { 's3:prefix': 'a*' }, expected: true },
  { name: 'substituted text is literal even in a Like operator', condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } }, context: { 's3:prefix': 'home/ana/docs', 'aws:username': 'ana' }, expected: true },
];

describe('SCP condition operators', () => {
  it.each([
    ...stringCases,
    ...ifExistsAndNullCases,
    ...boolNumericDateIpCases,
    ...arnCases,
    ...setCases,
    ...combinationCases,
    ...variableCases,
  ])('$name', ({ condition, context, expected }) => {
    // Prepare: the case data. Act:
    const actual = holds(condition, context);
    // Assess:
    expect(actual).toBe(expected);
  });
});

describe('ipInCidr', () => {
  it.each([
    { name: 'a bare IPv4 address means /32', address: '203.0.113.5', cidr: '203.0.113.5', expected: true },
    { name: 'a /0 block matches every IPv4 address', address: '198.51.100.1', cidr: '0.0.0.0/0', expected: true },
    { name: 'an IPv4 address never matches an IPv6 block', address: '203.0.113.5', cidr: '::/0', expected: false },
    { name: 'a malformed address matches nothing', address: '999.1.1.1', cidr: '0.0.0.0/0', expected: false },
    { name: 'a prefix beyond 32 bits is invalid', address: '203.0.113.5', cidr: '203.0.113.5/33', expected: false },
  ])('$name', ({ address, cidr, expected }) => {
    expect(ipInCidr(address, cidr)).toBe(expected);
  });
});
