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

/** Cross-Region verdicts without a profile to work with get the same-Region step. */
const SAME_STEP: Readonly<Record<string, string>> = { 'cross-region-scp': 'scp', 'cross-region-identity': 'identity' };

/** Builds the next-step option for a verdict that has no policy to patch. */
export function nextStepOption(input: { lang: Language; rank: number; finding: Finding }): FixOption {
  const { finding } = input;
  const verdict = SAME_STEP[finding.verdict] ?? finding.verdict;
  const marketplace = finding.verdict === 'model-access' && /marketplace/i.test(finding.errorMessage ?? '');
  const policy = finding.policyArn !== null ? ` (${finding.policyArn})` : '';
  return buildOption({
    id: 'next-step',
    rank: input.rank,
    lang: input.lang,
    title: key('nextStep.title', verdict, 'nextStep.title.unknown'),
    summary: marketplace ? 'nextStep.summary.model-access.marketplace' : key('nextStep.summary', verdict, 'nextStep.summary.unknown'),
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
