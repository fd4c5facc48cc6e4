import { describe, expect, it } from 'vitest';
import { renderFixText } from '../../../../shared/core/fix/render-text.js';
import { suggestFix } from '../../../../shared/core/fix/suggest-fix.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { PROFILE_FINDINGS, scpFixture } from './findings.js';

const catalog = loadBundledCatalog();

describe('renderFixText', () => {
  it('shows the recommendation, every check, the diff with its size, the options and the notes', () => {
    // Prepare
    const fix = suggestFix(PROFILE_FINDINGS['us profile from us-east-1'](), {
      catalog,
      lang: 'en',
      scps: [[scpFixture('organizations-region-deny.json')]],
    });

    // Act
    const text = renderFixText(fix);

    // Assess
    expect(text.startsWith('Recommended: Allow this inference profile only\n')).toBe(true);
    expect(text).toContain(
      'Verification: verified against the SCPs in force, whatever the keys the auditor cannot know (tags, …) are\n  [pass] original-denies-request: expected deny, got deny\n',
    );
    expect(text).toContain('Guarantees: us.anthropic.claude-sonnet-4-20250514-v1:0 only, in every Region it routes to from us-east-1');
    expect(text).toContain('Patched policy organizations-region-deny.json (denying statement #0)\n```diff\n--- a/organizations-region-deny.json\n');
    expect(text).toMatch(/Size: \d+ characters as formatted, \d+ minified \(SCP limit 5120\)/);
    expect(text).toContain('\n5. Take the account out of the Region governance\n');
    expect(text).toContain('Notes:\n- Denied by statement #0 of organizations-region-deny.json.\n');
  });

  it('renders Japanese labels and leaves the snippets of other options out when asked', () => {
    // Prepare
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'ja' });

    // Act
    const text = renderFixText(fix, { snippets: 'recommended' });

    // Assess
    expect(text.startsWith('推奨: この推論プロファイルだけを許可する\n')).toBe(true);
    expect(text).toContain('検証: 未検証（適用中の SCP が不明）');
    expect(text.match(/```json/g)).toHaveLength(1);
  });

  it('says so when no option is recommended', () => {
    // Prepare
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), {
      catalog,
      lang: 'en',
      scps: [[scpFixture('region-deny-with-bedrock-cris-apac.json')]],
    });

    // Act
    const text = renderFixText(fix);

    // Assess
    expect(text.startsWith('No option passed verification; none is recommended.\n')).toBe(true);
    expect(text).toContain('[FAIL] original-denies-request: expected deny, got allow');
  });
});
