/**
 * Every other verdict: one short, correct next step.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html
 */
import { principalIdentity } from '../../alert/fingerprint.js';
import type { Finding, FixOption, Language } from '../../types.js';
import { isMessageKey, type MessageKey } from '../messages.js';
import { buildOption } from './common.js';

function key(prefix: string, verdict: string, fallback: MessageKey): MessageKey {
  const candidate = `${prefix}.${verdict}`;
  return isMessageKey(candidate) ? candidate : fallback;
}

/**
 * Cross-Region identity denials without a profile get the identity step. (A cross-Region SCP
 * denial keeps its own step: the same-Region one says "not a cross-Region route".)
 */
const SAME_STEP: Readonly<Record<string, string>> = { 'cross-region-identity': 'identity' };

const INFERENCE_ACTION = /^bedrock:(?:InvokeModel|InvokeModelWithResponseStream|InvokeModelWithBidirectionalStream|Converse|ConverseStream|CreateModelInvocationJob|StartAsyncInvoke|GetAsyncInvoke)$/;

/** The summary key fitted to the finding: its action, and what its message could tell. */
function summaryKey(finding: Finding, verdict: string): MessageKey {
  if (finding.verdict === 'model-access' && /marketplace/i.test(finding.errorMessage ?? '')) return 'nextStep.summary.model-access.marketplace';
  if (verdict === 'scp' && finding.deniedResource === null && finding.deniedRegion === null) return 'nextStep.summary.scp.regionUnknown';
  if (verdict === 'bedrock-service-role' && /InferenceProfile/.test(finding.errorMessage ?? '')) return 'nextStep.summary.bedrock-service-role.profile';
  if (verdict === 'identity' && finding.action === 'iam:PassRole') return 'nextStep.summary.identity.passRole';
  if (verdict === 'identity' && finding.action !== null && !INFERENCE_ACTION.test(finding.action)) return 'nextStep.summary.identity.action';
  return key('nextStep.summary', verdict, 'nextStep.summary.unknown');
}

/** Builds the next-step option for a verdict that has no policy to patch. */
export function nextStepOption(input: { lang: Language; rank: number; finding: Finding }): FixOption {
  const { finding } = input;
  const verdict = SAME_STEP[finding.verdict] ?? finding.verdict;
  const policy = finding.policyArn !== null ? ` (${finding.policyArn})` : '';
  return buildOption({
    id: 'next-step',
    rank: input.rank,
    lang: input.lang,
    title: key('nextStep.title', verdict, 'nextStep.title.unknown'),
    summary: summaryKey(finding, verdict),
    tradeoffs: 'nextStep.tradeoffs',
    params: {
      action: finding.action ?? 'bedrock:InvokeModel',
      account: finding.accountId ?? '-',
      principal: principalIdentity(finding.principalArn) ?? '-',
      resource: finding.deniedResource ?? finding.modelId ?? '-',
      model: finding.foundationModel ?? finding.modelId ?? '-',
      event: finding.eventId ?? '-',
      policy,
    },
    snippet: null,
  });
}
