import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReplayPayload } from '../../../../shared/core/replay/payload.js';
import { encodeResumeToken, initialCursors } from '../../../../shared/core/replay/resume.js';
import { loadEvent, ROOT } from '../../../helpers/load-event.js';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const CONTEXT = { now: NOW, defaultRegions: ['ap-northeast-1'] };

describe('parseReplayPayload', () => {
  it('accepts a minimal window and fills the defaults', () => {
    const result = parseReplayPayload({ from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00+00:00' }, CONTEXT);

    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({
        from: '2026-11-27T00:00:00.000Z',
        to: '2026-11-28T00:00:00.000Z',
        regions: ['ap-northeast-1'],
        accounts: null,
        store: false,
        notify: false,
        dryRun: false,
        maxEvents: null,
        resumed: false,
      }),
    });
  });

  it.each([
    ['-P1D', '2026-11-27T12:00:00.000Z'],
    ['-PT6H', '2026-11-28T06:00:00.000Z'],
    ['-P1DT12H30M', '2026-11-26T23:30:00.000Z'],
  ])('reads the relative start %s as %s', (from, expected) => {
    const result = parseReplayPayload({ from }, CONTEXT);

    expect(result.ok && [result.value.from, result.value.to]).toEqual([expected, '2026-11-28T12:00:00.000Z']);
  });

  it('makes one stream per account and Region', () => {
    const result = parseReplayPayload(
      { from: '2026-11-27T00:00:00Z', regions: ['ap-northeast-1', 'ap-southeast-2'], accounts: ['111122223333', '444455556666'] },
      CONTEXT,
    );

    expect(result.ok && result.value.cursors.map((c) => `${c.account}|${c.region}`)).toEqual([
      '111122223333|ap-northeast-1',
      '111122223333|ap-southeast-2',
      '444455556666|ap-northeast-1',
      '444455556666|ap-southeast-2',
    ]);
  });

  it('reads a future end as now and a JSON string payload as its object', () => {
    const result = parseReplayPayload(JSON.stringify({ from: '2026-11-28T00:00:00Z', to: '2026-12-31T00:00:00Z' }), CONTEXT);

    expect(result.ok && result.value.to).toBe('2026-11-28T12:00:00.000Z');
  });

  it.each([
    ['a non-object payload', [1, 2], 'payload'],
    ['a string that is not JSON', 'from=yesterday', 'payload'],
    ['a missing start', { to: '2026-11-28T00:00:00Z' }, 'from'],
    ['a start that is not a time', { from: 'yesterday' }, 'from'],
    ['an empty duration', { from: '-P' }, 'from'],
    ['a duration without a time part', { from: '-P1DT' }, 'from'],
    ['a duration in the future', { from: 'P1D' }, 'from'],
    ['a start after the end', { from: '2026-11-28T00:00:00Z', to: '2026-11-27T00:00:00Z' }, 'from'],
    ['a start beyond the 90 days of CloudTrail', { from: '2026-08-01T00:00:00Z' }, 'from'],
    ['an end that is not a time', { from: '2026-11-27T00:00:00Z', to: 1234 }, 'to'],
    ['an unknown Region format', { from: '2026-11-27T00:00:00Z', regions: ['ap-northeast-1', 'Tokyo'] }, 'regions[1]'],
    ['an empty Region list', { from: '2026-11-27T00:00:00Z', regions: [] }, 'regions'],
    ['Regions as a comma string', { from: '2026-11-27T00:00:00Z', regions: 'ap-northeast-1,us-east-1' }, 'regions'],
    ['a malformed account', { from: '2026-11-27T00:00:00Z', accounts: ['1234'] }, 'accounts[0]'],
    ['a flag that is a string', { from: '2026-11-27T00:00:00Z', store: 'yes' }, 'store'],
    ['a misspelt flag', { from: '2026-11-27T00:00:00Z', dryrun: true }, 'dryrun'],
    ['a fractional maxEvents', { from: '2026-11-27T00:00:00Z', maxEvents: 2.5 }, 'maxEvents'],
    ['an unknown language', { from: '2026-11-27T00:00:00Z', lang: 'fr' }, 'lang'],
    ['a bad resume token', { resume: 'crr1.abc.def' }, 'resume'],
  ])('refuses %s, naming %s', (_name, payload, field) => {
    const result = parseReplayPayload(payload, CONTEXT);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.field).toBe(field);
    expect(!result.ok && result.reason.startsWith(`${field}: `)).toBe(true);
  });

  it('explains what a time must look like', () => {
    const result = parseReplayPayload({ from: 'yesterday' }, CONTEXT);

    expect(!result.ok && result.reason).toBe('from: must be an ISO 8601 time such as 2026-11-27T00:00:00Z, or a duration before now such as -P7D or -PT6H');
  });

  it('explains the 90-day limit with the earliest allowed time', () => {
    const result = parseReplayPayload({ from: '2026-08-01T00:00:00Z' }, CONTEXT);

    expect(!result.ok && result.reason).toContain('earliest 2026-08-30T12:00:00.000Z');
  });

  it('refuses a Region default that is not a Region code', () => {
    const result = parseReplayPayload({ from: '2026-11-27T00:00:00Z' }, { now: NOW, defaultRegions: ['tokyo'] });

    expect(!result.ok && result.field).toBe('regions');
  });

  describe('with a resume token', () => {
    const window = { from: '2026-11-27T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' };
    const cursors = initialCursors({ ...window, regions: ['ap-northeast-1', 'us-east-1'], accounts: null });
    const token = encodeResumeToken({ ...window, streams: [{ ...cursors[1]!, nextToken: 'n', boundary: '2026-11-27T10:00:00.000Z', boundaryIds: ['x'] }] });

    it('continues the unfinished streams with the flags of this invocation', () => {
      const result = parseReplayPayload({ resume: token, store: true }, CONTEXT);

      expect(result.ok && result.value).toMatchObject({ ...window, resumed: true, store: true, regions: ['us-east-1'] });
      expect(result.ok && result.value.cursors[0]).toMatchObject({ region: 'us-east-1', nextToken: 'n', boundaryIds: ['x'] });
    });

    it('accepts the original payload sent again with the token', () => {
      const result = parseReplayPayload({ ...window, regions: ['ap-northeast-1', 'us-east-1'], resume: token }, CONTEXT);

      expect(result.ok).toBe(true);
    });

    it.each([
      ['another start', { from: '2026-11-26T00:00:00Z' }, 'from'],
      ['an earlier end', { to: '2026-11-27T12:00:00Z' }, 'to'],
      ['other Regions', { regions: ['eu-west-1'] }, 'regions'],
    ])('refuses %s that contradicts the token', (_name, extra, field) => {
      const result = parseReplayPayload({ resume: token, ...extra }, CONTEXT);

      expect(!result.ok && result.field).toBe(field);
    });
  });
});

describe('payload samples in events/replay', () => {
  const files = readdirSync(join(ROOT, 'events', 'replay')).filter((name) => name.endsWith('.json'));

  it.each(files.filter((name) => !name.startsWith('invalid-')))('accepts %s', (name) => {
    const result = parseReplayPayload(loadEvent(`replay/${name}`), CONTEXT);

    expect(result).toMatchObject({ ok: true });
  });

  it('refuses invalid-from-after-to.json naming from', () => {
    const result = parseReplayPayload(loadEvent('replay/invalid-from-after-to.json'), CONTEXT);

    expect(!result.ok && result.field).toBe('from');
  });
});
