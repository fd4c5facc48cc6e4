import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../../../shared/core/classify/classify.js';
import { explainFinding } from '../../../../shared/core/classify/explain.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import type { Finding } from '../../../../shared/core/types.js';
import { loadEvent, ROOT } from '../../../helpers/load-event.js';

const catalog = loadBundledCatalog();
const samples = readdirSync(join(ROOT, 'events', 'cloudtrail'))
  .filter((name) => !name.startsWith('not-a-denial'))
  .map((name) => [name, classifyRecord(loadEvent(`cloudtrail/${name}`), { catalog }) as Finding] as const);

describe('explainFinding', () => {
  it.each(samples)('gives the classifier reason in English for %s', (_name, finding) => {
    expect(explainFinding(finding, 'en')).toBe(finding.reason);
  });

  it.each(samples)('writes a Japanese sentence with the same facts for %s', (_name, finding) => {
    const text = explainFinding(finding, 'ja');

    expect(text).toMatch(/[ぁ-んァ-ン]/);
    expect(text).not.toMatch(/\b(the|denied|because)\b/);
    if (finding.deniedRegion !== null && finding.deniedRegion !== 'unspecified') expect(text).toContain(finding.deniedRegion);
  });

  it.each([
    ['cross-region-scp-apac-converse', 'ap-northeast-1 から呼び出した推論プロファイル apac.anthropic.claude-3-5-sonnet-20241022-v2:0 の送信先である ap-southeast-1 で、サービスコントロールポリシー (SCP) が bedrock:InvokeModel を拒否しました。このプロファイルの送信先リージョンは 6 か所あり、すべてを許可する必要があります。'],
    ['permissions-boundary', 'モデル amazon.nova-micro-v1:0 の us-east-1 での bedrock:InvokeModel を許可するアクセス許可の境界がありません。'],
    ['model-access-marketplace', 'モデルアクセスに必要な AWS Marketplace のアクセス許可が呼び出し元にないため、Bedrock が呼び出しを拒否しました。'],
  ])('explains %s exactly', (name, expected) => {
    const finding = classifyRecord(loadEvent(`cloudtrail/${name}.json`), { catalog }) as Finding;

    expect(explainFinding(finding, 'ja')).toBe(expected);
  });
});
