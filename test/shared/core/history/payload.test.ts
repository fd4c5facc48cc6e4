import { describe, expect, it } from 'vitest';
import { isHistoryPayload, parseHistoryPayload } from '../../../../shared/core/history/payload.js';
import { decodeHistoryResumeToken, encodeHistoryResumeToken } from '../../../../shared/core/history/resume.js';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const context = { now: NOW, defaultAccounts: [] as string[] };

describe('parseHistoryPayload', () => {
  it('accepts a window older than LookupEvents\' 90 days, sorted and deduplicated accounts, and no Region (every Region)', () => {
    const parsed = parseHistoryPayload({ source: 'athena', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', accounts: ['444455556666', '111122223333', '111122223333'] }, context);
    expect(parsed).toMatchObject({ ok: true, value: { from: '2026-01-01T00:00:00.000Z', accounts: ['111122223333', '444455556666'], regions: [], continuation: null } });
  });

  it('takes the accounts from HISTORY_ACCOUNTS when the payload names none', () => {
    const parsed = parseHistoryPayload({ source: 'athena', from: '-P30D' }, { now: NOW, defaultAccounts: ['111122223333'] });
    expect(parsed).toMatchObject({ ok: true, value: { accounts: ['111122223333'], from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' } });
  });

  it.each([
    ['no account anywhere', { from: '-P1D' }, 'accounts', /injected/],
    ['a typo', { from: '-P1D', accounts: ['111122223333'], dryrun: true }, 'dryrun', /unknown field/],
    ['a bad account', { from: '-P1D', accounts: ['1234'] }, 'accounts[0]', /12-digit/],
    ['a bad Region', { from: '-P1D', accounts: ['111122223333'], regions: ['Tokyo'] }, 'regions[0]', /Region code/],
    ['from after to', { from: '2026-11-20T00:00:00Z', to: '2026-11-19T00:00:00Z', accounts: ['111122223333'] }, 'from', /after to/],
    ['another source', { source: 'lake', from: '-P1D', accounts: ['111122223333'] }, 'source', /athena/],
    ['a LookupEvents resume token', { resume: 'crr1.abc.def' }, 'resume', /cra1/],
  ])('refuses %s, naming the field', (_name, payload, field, reason) => {
    const parsed = parseHistoryPayload({ source: 'athena', ...payload }, context);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.field).toBe(field);
    expect(parsed.reason).toMatch(reason);
  });

  it('tells an Athena payload from a LookupEvents one, also by its resume token alone', () => {
    const token = encodeHistoryResumeToken({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', accounts: ['111122223333'], regions: [], queryExecutionId: 'q-1', pageToken: null, skipInPage: 0, rowsRead: 0 });
    expect(isHistoryPayload({ source: 'athena' })).toBe(true);
    expect(isHistoryPayload(JSON.stringify({ resume: token }))).toBe(true);
    expect(isHistoryPayload({ from: '-P1D' })).toBe(false);
    expect(isHistoryPayload({ resume: 'crr1.x.y' })).toBe(false);
    expect(parseHistoryPayload({ resume: token }, context)).toMatchObject({ ok: true, value: { resumed: true, continuation: { queryExecutionId: 'q-1' } } });
    expect(parseHistoryPayload({ resume: token, accounts: ['444455556666'] }, context)).toMatchObject({ ok: false, field: 'accounts' });
  });
});

describe('history resume tokens', () => {
  const state = { from: '2026-11-01T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z', accounts: ['111122223333'], regions: ['ap-northeast-1'], queryExecutionId: 'a1b2-c3', pageToken: 'tok', skipInPage: 3, rowsRead: 1003, totals: { invocations: 2, recordsScanned: 1003, denials: 7, byVerdict: { 'cross-region-scp': 7 } } };

  it('round-trips the query ID, the page token and the position', () => {
    expect(decodeHistoryResumeToken(encodeHistoryResumeToken(state))).toEqual({ ok: true, value: state });
  });

  it('refuses a truncated or edited token', () => {
    const token = encodeHistoryResumeToken(state);
    expect(decodeHistoryResumeToken(token.slice(0, -2))).toMatchObject({ ok: false, reason: expect.stringMatching(/checksum|truncated/) });
    const [prefix, body] = token.split('.');
    expect(decodeHistoryResumeToken(`${prefix}.${body}.0000000000000000`)).toMatchObject({ ok: false, reason: expect.stringMatching(/checksum/) });
  });
});
