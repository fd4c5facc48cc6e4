import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { suggestFix } from '../../../../shared/core/fix/suggest-fix.js';
import { failedChecks, labelledVerified, loadCorpus, scenariosOf, scpLevels } from './scp-corpus.js';

const catalog = loadBundledCatalog();
const corpus = loadCorpus();
const scenarios = corpus.flatMap(scenariosOf);

describe('the published region-deny SCP corpus', () => {
  it('holds at least 20 SCPs from at least 8 publishers, each with its source and how it was filled', () => {
    // Assess
    const publishers = new Set(corpus.map((item) => item.publisher.split(' (')[0]));
    expect(corpus.length).toBeGreaterThanOrEqual(20);
    expect(publishers.size).toBeGreaterThanOrEqual(8);
    for (const item of corpus) {
      expect(item.source, item.file).toMatch(/^https:\/\//);
      expect(item.filled.length, item.file).toBeGreaterThan(20);
      expect(item.sourceRegions.length, item.file).toBeGreaterThan(0);
    }
    expect(corpus.filter((item) => item.levels.length > 1).length).toBeGreaterThanOrEqual(3);
  });

  it('yields geographic and global CRIS scenarios that the SCPs deny', () => {
    // Assess
    expect(scenarios.length).toBeGreaterThanOrEqual(40);
    expect(scenarios.some((s) => s.scope === 'global')).toBe(true);
    expect(scenarios.some((s) => s.scope !== 'global')).toBe(true);
    expect(scenarios.some((s) => s.deliberate)).toBe(true);
  });
});

describe('fixes on the published SCPs (one case per SCP × CRIS scenario)', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
    // Prepare
    const scps = scpLevels(scenario.item);

    // Act
    const fix = suggestFix(scenario.finding, { catalog, lang: 'en', scps });

    // Assess: no option labelled verified fails a check it claims …
    const wrong = fix.options.filter(labelledVerified).flatMap((option) => failedChecks(scenario, fix, option).map((why) => `${option.id}: ${why}`));
    expect(wrong).toEqual([]);
    // … the recommendation is one of them (or nothing is recommended, with a reason) …
    if (fix.recommended !== null && labelledVerified(fix.recommended)) {
      expect(failedChecks(scenario, fix, fix.recommended)).toEqual([]);
    } else if (fix.recommended !== null) {
      // An unverified recommendation changes no policy (an in-Region model).
      expect(fix.recommended.id).toBe('in-region-model');
    } else {
      expect((fix.notes ?? []).length).toBeGreaterThan(0);
    }
    // … and a deliberate restriction is never undone: the reason says it is the guardrail working.
    if (scenario.deliberate) {
      expect(['allow-profile-only', 'exempt-bedrock', 'widen-regions']).not.toContain(fix.recommended?.id);
      expect((fix.notes ?? []).join(' ')).toMatch(/deliberate/i);
    } else {
      expect(fix.recommended, 'a verified way out exists for an ordinary Region deny').not.toBeNull();
    }
  });
});
