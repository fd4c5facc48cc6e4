import { describe, expect, it } from 'vitest';
import { droppedRowsWarning, MAX_CARRIED_ROWS, packIntermittency, unpackIntermittency } from '../../../../shared/core/history/intermittency-carry.js';
import { mergeIntermittency, type IntermittencyRow } from '../../../../shared/core/history/intermittency.js';
import { decodeResumeToken, encodeResumeToken } from '../../../../shared/core/replay/resume.js';

function row(i: number, failures: number): IntermittencyRow {
  return {
    accountId: String(100000000000 + i), profile: `apac.model-${i}`, sourceRegion: 'ap-northeast-1', calls: 10, successes: 10 - failures, failures, failedShare: failures / 10,
    successesByRegion: { 'ap-northeast-1': 10 - failures }, denialsByRegion: failures === 0 ? {} : { 'ap-south-1': failures }, otherErrors: {}, deniedBy: failures === 0 ? [] : ['p-tokyoonly'],
  };
}

describe('intermittency carried in resume tokens', () => {
  it('round-trips rows through a sealed token unchanged', () => {
    const rows = mergeIntermittency([row(1, 3), row(2, 0)]);
    const token = encodeResumeToken({ from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z', streams: [{ account: null, region: 'ap-northeast-1', from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z', nextToken: 'n', boundary: null, boundaryIds: [], done: false }], intermittency: packIntermittency(rows, null) });
    const decoded = decodeResumeToken(token);
    expect(decoded.ok && unpackIntermittency(decoded.value.intermittency)).toEqual(rows);
  });

  it(`keeps the ${MAX_CARRIED_ROWS} most failing rows, counts the rest and says so; the token stays small`, () => {
    const rows = mergeIntermittency(Array.from({ length: MAX_CARRIED_ROWS + 5 }, (_, i) => row(i, i < MAX_CARRIED_ROWS ? 1 : 0)));
    const carried = packIntermittency(rows, { droppedRows: 2, droppedCalls: 20 });
    expect(carried.rows).toHaveLength(MAX_CARRIED_ROWS);
    expect(carried.rows.every((packed) => packed[5] === 1)).toBe(true);
    expect(carried).toMatchObject({ droppedRows: 7, droppedCalls: 70 });
    expect(droppedRowsWarning(carried)).toMatch(/7 rows with 70 calls were left out/);
    const token = encodeResumeToken({ from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z', streams: [{ account: null, region: 'ap-northeast-1', from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z', nextToken: null, boundary: null, boundaryIds: [], done: false }], intermittency: carried });
    // Far below the payload limits of Lambda invocations (6 MB synchronous; 256 KB asynchronous, as last checked).
    expect(token.length).toBeLessThan(64 * 1024);
  });

  it('refuses a token whose carried rows were edited into something invalid', () => {
    const bad = { rows: [[null, '', null, -1, 0, 0, {}, {}, {}, []]], droppedRows: 0, droppedCalls: 0 } as never;
    const token = encodeResumeToken({ from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z', streams: [{ account: null, region: 'ap-northeast-1', from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z', nextToken: null, boundary: null, boundaryIds: [], done: false }], intermittency: bad });
    const decoded = decodeResumeToken(token);
    expect(decoded).toMatchObject({ ok: false, reason: expect.stringMatching(/^resume token is invalid at intermittency\.rows/) });
  });
});
