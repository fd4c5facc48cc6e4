import { describe, expect, it } from 'vitest';
import { createIntermittencyAccumulator, describeIntermittency, mergeIntermittency } from '../../../../shared/core/history/intermittency.js';
import type { Finding } from '../../../../shared/core/types.js';

const PROFILE = 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0';

function call(errorCode?: string, inferenceRegion?: string): Record<string, unknown> {
  return {
    eventSource: 'bedrock.amazonaws.com', eventName: 'Converse', awsRegion: 'ap-northeast-1', recipientAccountId: '111122223333',
    requestParameters: { modelId: PROFILE }, ...(errorCode === undefined ? {} : { errorCode }),
    ...(inferenceRegion === undefined ? {} : { additionalEventData: { inferenceRegion } }),
  };
}

const denial = { accountId: '111122223333', deniedRegion: 'ap-northeast-3', policyArn: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-tokyoonly', policyType: 'service control policy', modelId: PROFILE } as unknown as Finding;

describe('intermittency', () => {
  it('counts a success without a routed Region as not recorded, and ignores other services', () => {
    const acc = createIntermittencyAccumulator();
    acc.add(call(undefined, 'ap-northeast-1'), null);
    acc.add(call(), null);
    acc.add({ eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied' }, null);
    expect(acc.rows()).toEqual([expect.objectContaining({ calls: 2, successes: 2, failures: 0, failedShare: 0, successesByRegion: { 'ap-northeast-1': 1, 'not-recorded': 1 } })]);
  });

  it('says in one sentence how often calls fail and where, in English and Japanese', () => {
    const acc = createIntermittencyAccumulator();
    for (let i = 0; i < 1204; i += 1) {
      if (i < 445) acc.add(call('AccessDenied'), denial);
      else acc.add(call(undefined, 'ap-northeast-1'), null);
    }
    const [row] = acc.rows();
    expect(row?.failedShare).toBe(0.3696);
    expect(describeIntermittency(row!, 'en')).toBe(`${PROFILE} from ap-northeast-1: 37% of 1,204 calls failed; every failure was routed to ap-northeast-3, denied by p-tokyoonly.`);
    expect(describeIntermittency(row!, 'ja')).toBe(`${PROFILE}（送信元リージョン ap-northeast-1）: 1,204 回の呼び出しのうち 37% が失敗。失敗はすべて ap-northeast-3 へのルーティングで拒否されました（拒否したポリシー: p-tokyoonly）。`);
  });

  it('lists denials and other errors apart when both happened', () => {
    const acc = createIntermittencyAccumulator();
    acc.add(call('AccessDenied'), denial);
    acc.add(call('ThrottlingException'), null);
    acc.add(call(undefined, 'ap-northeast-1'), null);
    expect(describeIntermittency(acc.rows()[0]!, 'en')).toBe(`${PROFILE} from ap-northeast-1: 67% of 3 calls failed: 1 denied in ap-northeast-3 by p-tokyoonly; 1 ThrottlingException.`);
  });

  it('merges rows of several runs by summing their counts', () => {
    const a = createIntermittencyAccumulator();
    a.add(call('AccessDenied'), denial);
    const b = createIntermittencyAccumulator();
    b.add(call(undefined, 'ap-northeast-1'), null);
    expect(mergeIntermittency(a.rows(), b.rows())).toEqual([expect.objectContaining({ calls: 2, failures: 1, failedShare: 0.5, denialsByRegion: { 'ap-northeast-3': 1 }, successesByRegion: { 'ap-northeast-1': 1 } })]);
  });
});
