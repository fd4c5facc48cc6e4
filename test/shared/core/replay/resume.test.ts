import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptPage,
  decodeResumeToken,
  encodeResumeToken,
  initialCursors,
  restartCursor,
  type ResumeState,
  type StreamCursor,
} from '../../../../shared/core/replay/resume.js';

const WINDOW = { from: '2026-11-27T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' };

function state(overrides: Partial<StreamCursor> = {}): ResumeState {
  const [cursor] = initialCursors({ ...WINDOW, regions: ['ap-northeast-1'], accounts: null });
  return { ...WINDOW, streams: [{ ...cursor!, ...overrides }] };
}

/** LookupEvents in memory: inclusive window, newest first, pages of `pageSize`, offset tokens. */
function history(events: { id: string; time: string }[], pageSize: number) {
  const sorted = [...events].sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || a.id.localeCompare(b.id));
  return (cursor: StreamCursor) => {
    const inWindow = sorted.filter((e) => Date.parse(e.time) >= Date.parse(cursor.from) && Date.parse(e.time) <= Date.parse(cursor.to));
    const offset = cursor.nextToken === null ? 0 : Number(cursor.nextToken);
    const page = inWindow.slice(offset, offset + pageSize);
    return { events: page, nextToken: offset + pageSize < inWindow.length ? String(offset + pageSize) : null };
  };
}

describe('resume token', () => {
  it('round-trips a state through an opaque base64url token', () => {
    const original = state({ nextToken: 'abc==', boundary: '2026-11-27T12:00:00.000Z', boundaryIds: ['e-1', 'e-2'] });

    const token = encodeResumeToken(original);
    const decoded = decodeResumeToken(token);

    expect(token).toMatch(/^crr1\.[A-Za-z0-9_-]+\.[0-9a-f]{16}$/);
    expect(decoded).toEqual({ ok: true, value: original });
  });

  it('carries the totals of earlier invocations', () => {
    const totals = { invocations: 2, recordsScanned: 300, denials: 4, byVerdict: { 'cross-region-scp': 4 } };

    const decoded = decodeResumeToken(encodeResumeToken({ ...state(), totals }));

    expect(decoded.ok && decoded.value.totals).toEqual(totals);
  });

  it('leaves finished streams out of the token', () => {
    const [tokyo, osaka] = initialCursors({ ...WINDOW, regions: ['ap-northeast-1', 'ap-northeast-3'], accounts: null });
    const token = encodeResumeToken({ ...WINDOW, streams: [{ ...tokyo!, done: true }, osaka!] });

    const decoded = decodeResumeToken(token);

    expect(decoded.ok && decoded.value.streams.map((s) => s.region)).toEqual(['ap-northeast-3']);
  });

  const good = encodeResumeToken(state());
  const [prefix, body, sum] = good.split('.') as [string, string, string];
  it.each([
    ['another version', `crr9.${body}.${sum}`, /not a crr1 resume token/],
    ['a truncated body', `${prefix}.${body.slice(0, -4)}.${sum}`, /truncated|corrupted|checksum/],
    ['an edited checksum', `${prefix}.${body}.0000000000000000`, /checksum/],
    ['characters outside base64url', `${prefix}.${body}+/.${sum}`, /base64url/],
    ['a random string', 'hello', /not a crr1 resume token/],
  ])('refuses %s', (_name, token, reason) => {
    const decoded = decodeResumeToken(token);

    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.reason).toMatch(reason);
  });

  it('refuses a well-formed token whose contents are invalid, naming the place', () => {
    const token = encodeResumeToken(state({ region: 'tokyo' }));

    const decoded = decodeResumeToken(token);

    expect(decoded).toEqual({ ok: false, reason: expect.stringMatching(/streams\.0\.region/) });
  });
});

describe('acceptPage', () => {
  it('moves the boundary to the oldest emitted second and remembers every ID at it', () => {
    const [cursor] = initialCursors({ ...WINDOW, regions: ['ap-northeast-1'], accounts: null });
    const page = {
      events: [
        { id: 'a', time: '2026-11-27T10:00:02Z' },
        { id: 'b', time: '2026-11-27T10:00:01Z' },
        { id: 'c', time: '2026-11-27T10:00:01Z' },
      ],
      nextToken: 'next',
    };

    const accepted = acceptPage(cursor!, page);

    expect(accepted.emitted.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(accepted.cursor).toMatchObject({ nextToken: 'next', boundary: '2026-11-27T10:00:01.000Z', boundaryIds: ['b', 'c'], done: false });
  });

  it('stops inside a page by narrowing the window to the boundary and dropping the NextToken', () => {
    const [cursor] = initialCursors({ ...WINDOW, regions: ['ap-northeast-1'], accounts: null });
    const page = { events: [{ id: 'a', time: '2026-11-27T10:00:02Z' }, { id: 'b', time: '2026-11-27T10:00:01Z' }], nextToken: 'next' };

    const accepted = acceptPage(cursor!, page, 1);

    expect(accepted.emitted.map((e) => e.id)).toEqual(['a']);
    expect(accepted.cursor).toMatchObject({ to: '2026-11-27T10:00:02.000Z', nextToken: null, boundaryIds: ['a'], done: false });
  });

  it('marks the stream done on the last page', () => {
    const [cursor] = initialCursors({ ...WINDOW, regions: ['ap-northeast-1'], accounts: null });

    const accepted = acceptPage(cursor!, { events: [], nextToken: null });

    expect(accepted.cursor.done).toBe(true);
  });

  it('reads every event exactly once across any mix of stops, token round-trips and expired NextTokens', () => {
    const event = fc.record({ id: fc.uuid(), second: fc.integer({ min: 0, max: 40 }) });
    fc.assert(
      fc.property(
        fc.uniqueArray(event, { selector: (e) => e.id, maxLength: 120 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.record({ budget: fc.integer({ min: 0, max: 9 }), expire: fc.boolean() }), { minLength: 1, maxLength: 400 }),
        (raw, pageSize, runs) => {
          const events = raw.map((e) => ({ id: e.id, time: new Date(Date.parse('2026-11-27T10:00:00Z') + e.second * 1000).toISOString() }));
          const lookup = history(events, pageSize);
          let cursor = initialCursors({ ...WINDOW, regions: ['ap-northeast-1'], accounts: null })[0]!;
          const seen: string[] = [];
          for (const run of runs) {
            if (cursor.done) break;
            if (run.expire && cursor.nextToken !== null) cursor = restartCursor(cursor);
            const accepted = acceptPage(cursor, lookup(cursor), run.budget);
            seen.push(...accepted.emitted.map((e) => e.id));
            const token = encodeResumeToken({ ...WINDOW, streams: [accepted.cursor] });
            const decoded = decodeResumeToken(token);
            cursor = accepted.cursor.done ? accepted.cursor : decoded.ok ? decoded.value.streams[0]! : cursor;
          }
          while (!cursor.done) {
            const accepted = acceptPage(cursor, lookup(cursor));
            seen.push(...accepted.emitted.map((e) => e.id));
            cursor = accepted.cursor;
          }
          expect(seen.length).toBe(new Set(seen).size);
          expect([...seen].sort()).toEqual(events.map((e) => e.id).sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});
