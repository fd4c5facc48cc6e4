import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { suggestFix } from '../../../../shared/core/fix/suggest-fix.js';
import type { CloudTrailRecord } from '../../../../shared/core/types.js';
import { loadEvent } from '../../../helpers/load-event.js';

const catalog = loadBundledCatalog();
const ROLE = 'arn:aws:sts::111122223333:assumed-role/app/session';

function denial(errorMessage: string, patch: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return {
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'Converse',
    awsRegion: 'ap-northeast-1',
    errorCode: 'AccessDenied',
    errorMessage,
    recipientAccountId: '111122223333',
    requestParameters: null,
    ...patch,
  };
}

function classify(record: CloudTrailRecord) {
  const finding = classifyRecord(record, { catalog });
  if (finding === null) throw new Error('expected a finding');
  return finding;
}

function nextStep(record: CloudTrailRecord): string {
  const finding = classify(record);
  return suggestFix(finding, { lang: 'en', catalog }).options.map((option) => option.summary).join(' ');
}

describe('reasons fit the action that was denied', () => {
  it.each([
    {
      name: 'bedrock:ListFoundationModels',
      message: `User: ${ROLE} is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action`,
      says: 'No identity-based policy allows bedrock:ListFoundationModels. This is a read-only Bedrock call',
    },
    {
      name: 'iam:PassRole of a Bedrock service role',
      message: `User: ${ROLE} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111122223333:role/bedrock-batch-inference-role because no identity-based policy allows the iam:PassRole action`,
      says: 'No identity-based policy allows iam:PassRole on role bedrock-batch-inference-role. Creating a Bedrock agent',
    },
    {
      name: 'bedrock:Retrieve by an agent role',
      message:
        'User: arn:aws:sts::111122223333:assumed-role/AmazonBedrockExecutionRoleForAgents_demo/BedrockAgentRetrieveSession-KB1 is not authorized to perform: bedrock:Retrieve on resource: arn:aws:bedrock:us-west-2:111122223333:knowledge-base/KB1 because no identity-based policy allows the bedrock:Retrieve action',
      says: 'No identity-based policy allows bedrock:Retrieve on knowledge base KB1.',
    },
    {
      name: 'bedrock:CreateAgent with an explicit deny',
      message: `User: ${ROLE} is not authorized to perform: bedrock:CreateAgent on resource: arn:aws:bedrock:us-east-1:111122223333:agent/* with an explicit deny in a service control policy`,
      says: 'An explicit deny in a service control policy blocked bedrock:CreateAgent on agent *.',
    },
  ])('writes a sentence about $name, never about an unnamed model', ({ message, says }) => {
    const finding = classify(denial(message));

    expect(finding.reason).toContain(says);
    expect(finding.reason).not.toMatch(/unnamed model|for model|destination/);
  });

  it('names the service role as the one to change when Bedrock assumed it', () => {
    const finding = classify(
      denial(
        'User: arn:aws:sts::111122223333:assumed-role/AmazonBedrockExecutionRoleForAgents_demo/BedrockAgentRetrieveSession-KB1 is not authorized to perform: bedrock:Retrieve on resource: arn:aws:bedrock:us-west-2:111122223333:knowledge-base/KB1 because no identity-based policy allows the bedrock:Retrieve action',
      ),
    );

    expect(finding.reason).toContain('service role Bedrock assumes');
  });

  it('gives iam:PassRole a next step about passing the role, with iam:PassedToService', () => {
    const step = nextStep(
      denial(`User: ${ROLE} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111122223333:role/agent-role because no identity-based policy allows the iam:PassRole action`),
    );

    expect(step).toContain('Allow iam:PassRole on arn:aws:iam::111122223333:role/agent-role');
    expect(step).toContain('iam:PassedToService = bedrock.amazonaws.com');
  });

  it('leaves the inference sentence unchanged for a model call', () => {
    const finding = classify(
      denial(
        `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-northeast-1::foundation-model/amazon.nova-pro-v1:0 because no identity-based policy allows the bedrock:InvokeModel action`,
        { requestParameters: { modelId: 'amazon.nova-pro-v1:0' } },
      ),
    );

    expect(finding.reason).toBe('No identity-based policy allows bedrock:InvokeModel in ap-northeast-1 for model amazon.nova-pro-v1:0.');
  });
});

describe('Bedrock service-role denials', () => {
  it.each([
    ['Access denied when calling Bedrock. Check your request permissions and retry the request.', 'service role Bedrock uses'],
    [
      'Access denied while trying to create/update an agent using InferenceProfile us.anthropic.claude-3-5-sonnet-20241022-v2:0. Ensure Agent role has valid permissions to use the inference profile.',
      'bedrock:GetInferenceProfile',
    ],
  ])('classifies %j as bedrock-service-role with a next step', (message, reasonPart) => {
    const record = denial(message, { eventName: 'InvokeAgent' });

    const finding = classify(record);

    expect(finding.verdict).toBe('bedrock-service-role');
    expect(finding.reason).toContain(reasonPart);
    expect(suggestFix(finding, { lang: 'en', catalog }).recommended?.title).toBe('Fix the permissions of the Bedrock service role');
  });
});

describe('no contradictions between reason and next step', () => {
  it('does not call an SCP denial without a resource both "a region deny likely" and "not a cross-Region route"', () => {
    const record = loadEvent<CloudTrailRecord>('cloudtrail/scp-no-resource-clause.json');

    const finding = classify(record);
    const step = nextStep(record);

    expect(finding.verdict).toBe('scp');
    expect(finding.reason).not.toContain('likely');
    expect(step).not.toContain('not a cross-Region route');
    expect(step).toContain('the Region where it was denied is unknown');
  });

  it('keeps a cross-Region SCP denial with a numeric modelId cross-Region in its next step', () => {
    const record = loadEvent<CloudTrailRecord>('cloudtrail/cross-region-scp-apac-converse.json');
    record.requestParameters = { modelId: 12345 };

    const finding = classify(record);
    const step = nextStep(record);

    expect(finding.verdict).toBe('cross-region-scp');
    expect(finding.reason).toContain('a Region other than the source Region ap-northeast-1');
    expect(finding.reason).not.toContain('unnamed model');
    expect(step).not.toContain('not a cross-Region route');
    expect(step).toContain('in a Region other than the source Region');
  });
});
