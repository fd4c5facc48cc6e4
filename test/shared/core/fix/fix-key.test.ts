import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyRecord } from '../../../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { FIX_INPUTS, fixCacheKey, isCrossRegionFix, suggestFix } from '../../../../shared/core/fix/index.js';
import type { Finding, ScpDocument } from '../../../../shared/core/types.js';
import { ROOT } from '../../../helpers/load-event.js';
import { PROFILE_FINDINGS, scpFixture } from './findings.js';

const catalog = loadBundledCatalog();

/** Findings of every shipped CloudTrail sample, and of the fix tests' profile cases. */
function findings(): Finding[] {
  const dir = join(ROOT, 'events', 'cloudtrail');
  const fromSamples = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => classifyRecord(JSON.parse(readFileSync(join(dir, name), 'utf8')), { catalog }))
    .filter((finding): finding is Finding => finding !== null);
  return [...fromSamples, ...Object.values(PROFILE_FINDINGS).map((make) => make())];
}

const SCP_CHAINS: Array<ScpDocument[][] | undefined> = [undefined, [[scpFixture('organizations-region-deny.json')]], [[scpFixture('control-tower-GRREGIONDENY.json')]]];

describe('fixCacheKey', () => {
  it('names every finding field a cross-Region fix reads, and keys no other fix', () => {
    let crossRegion = 0;
    for (const finding of findings()) {
      const read = new Set<string>();
      const recorded = new Proxy(finding, {
        get(target, property, receiver) {
          if (typeof property === 'string') read.add(property);
          return Reflect.get(target, property, receiver) as unknown;
        },
      });
      for (const scps of SCP_CHAINS) suggestFix(recorded, { catalog, lang: 'en', scps });
      if (!isCrossRegionFix(finding)) {
        expect(fixCacheKey(finding)).toBeNull();
        continue;
      }
      crossRegion++;
      expect([...read].filter((field) => !(FIX_INPUTS as readonly string[]).includes(field))).toEqual([]);
    }
    expect(crossRegion).toBeGreaterThan(5);
  });

  it('gives two findings the same key only when the engine gives them the same fix', () => {
    for (const finding of findings().filter(isCrossRegionFix)) {
      const otherSession: Finding = {
        ...finding,
        eventId: 'another-event',
        eventTime: '2026-12-01T00:00:00Z',
        userAgent: 'another agent',
        authorizationId: null,
        principalArn: finding.principalArn?.replace(/\/[^/]+$/, '/another-session') ?? null,
        errorMessage: `${finding.errorMessage ?? ''} (copied from another log)`,
      };
      for (const scps of SCP_CHAINS) {
        const fix = suggestFix(finding, { catalog, lang: 'en', scps });
        if (fixCacheKey(otherSession) === fixCacheKey(finding)) expect(suggestFix(otherSession, { catalog, lang: 'en', scps })).toEqual(fix);
      }
      // A session of a known role shares its fix; another role, account or Region does not.
      if (typeof finding.principalRoleArn === 'string' && finding.principalArn?.includes(':assumed-role/')) expect(fixCacheKey(otherSession)).toBe(fixCacheKey(finding));
      expect(fixCacheKey({ ...finding, principalRoleArn: 'arn:aws:iam::111122223333:role/another-role' })).not.toBe(fixCacheKey(finding));
      expect(fixCacheKey({ ...finding, sourceRegion: 'sa-east-1' })).not.toBe(fixCacheKey(finding));
      expect(fixCacheKey({ ...finding, accountId: '999988887777' })).not.toBe(fixCacheKey(finding));
    }
  });

  it('keeps the session when the role behind it is not known, since the fix then names the session', () => {
    const finding = { ...Object.values(PROFILE_FINDINGS)[0]!(), principalRoleArn: null };
    expect(isCrossRegionFix(finding)).toBe(true);
    const other = { ...finding, principalArn: finding.principalArn!.replace(/\/[^/]+$/, '/another-session') };
    expect(fixCacheKey(other)).not.toBe(fixCacheKey(finding));
  });
});
