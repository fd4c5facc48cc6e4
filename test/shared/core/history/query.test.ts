// Only the Trino dialect: the package index loads every dialect's grammar (tens of MB to transform).
import { TrinoSQL } from 'dt-sql-parser/dist/parser/trino/index.js';
import { describe, expect, it } from 'vitest';
import { buildHistoryQuery, HISTORY_COLUMNS } from '../../../../shared/core/history/query.js';

const TABLE = { database: 'cris_auditor_history', table: 'cloudtrail' };
const trino = new TrinoSQL();

function sqlOf(window: Parameters<typeof buildHistoryQuery>[1]): string {
  const built = buildHistoryQuery(TABLE, window);
  if (!built.ok) throw new Error(built.reason);
  return built.value.sql;
}

describe('the Trino grammar check itself', () => {
  // dt-sql-parser's Trino grammar is only worth relying on if it refuses what Trino refuses.
  it.each([
    ['a DuckDB cast', 'SELECT x::VARCHAR FROM t'],
    ['DuckDB star EXCLUDE', 'SELECT * EXCLUDE (a) FROM t'],
    ['a truncated statement', "SELECT a FROM t WHERE b = 'x' AND"],
    ['an empty IN list', 'SELECT a FROM t WHERE a IN ()'],
    ['a missing select list', 'SELECT FROM t WHERE a = 1'],
  ])('refuses %s', (_name, sql) => {
    expect(trino.validate(sql).length).toBeGreaterThan(0);
  });

  it('accepts the Athena guide style of CloudTrail query', () => {
    expect(trino.validate(`SELECT useridentity.arn, eventname FROM cloudtrail_logs_pp WHERE "timestamp" BETWEEN '2026/03/18' AND '2026/03/24' AND eventname = 'ConsoleLogin'`)).toEqual([]);
  });
});

describe('buildHistoryQuery', () => {
  it('builds SQL that the Trino grammar accepts', () => {
    const sql = sqlOf({ from: '2026-11-01T00:00:00Z', to: '2026-11-30T23:59:59Z', accounts: ['111122223333', '444455556666'], regions: ['ap-northeast-1'] });
    expect(trino.validate(sql)).toEqual([]);
    // Backtick identifiers are DDL-only in Athena and the grammar lets them through: keep them out ourselves.
    expect(sql).not.toMatch(/[`]|::/);
  });

  it('names the injected account values, the Regions and the day range, and both denials and successes', () => {
    const built = buildHistoryQuery(TABLE, { from: '2026-11-15T00:00:00Z', to: '2026-11-15T12:00:00Z', accounts: ['444455556666', '111122223333', '111122223333'], regions: ['us-east-1', 'ap-northeast-1'] });
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    const where = built.value.sql.slice(built.value.sql.indexOf('WHERE'));
    expect(where).toContain("account IN ('111122223333', '444455556666')");
    expect(where).toContain("region IN ('ap-northeast-1', 'us-east-1')");
    expect(where).toContain(`"timestamp" BETWEEN '2026/11/15' AND '2026/11/15'`);
    expect(where).toContain("eventsource = 'bedrock.amazonaws.com'");
    expect(where).toContain("eventtime >= '2026-11-15T00:00:00Z'");
    expect(where).toContain("eventtime <= '2026-11-15T12:00:00Z'");
    expect(where).not.toMatch(/errorcode/);
    expect(built.value.days).toEqual({ first: '2026/11/15', last: '2026/11/15' });
  });

  it('reads the next day when the window ends less than an hour before midnight (late delivery)', () => {
    const built = buildHistoryQuery(TABLE, { from: '2026-11-15T00:00:00Z', to: '2026-11-15T23:59:59Z', accounts: ['111122223333'], regions: [] });
    expect(built.ok && built.value.days).toEqual({ first: '2026/11/15', last: '2026/11/16' });
    expect(built.ok && built.value.sql).not.toMatch(/region IN/);
  });

  it('selects only the columns the classifier reads', () => {
    const sql = sqlOf({ from: '2026-11-15T00:00:00Z', to: '2026-11-15T12:00:00Z', accounts: ['111122223333'], regions: [] });
    const select = sql.slice(0, sql.indexOf('FROM'));
    expect(select).not.toContain('*');
    expect(select).not.toMatch(/responseelements|resources|tlsdetails/);
    expect(HISTORY_COLUMNS.map(([, alias]) => alias)).toContain('additionaleventdata');
  });

  it.each([
    ['no account', { accounts: [] }, /injected/],
    ['a malformed account', { accounts: ["1111'; DROP"] }, /12-digit/],
    ['a malformed Region', { regions: ["x') OR 1=1 --"] }, /Region code/],
    ['a window that ends before it starts', { from: '2026-11-16T00:00:00Z' }, /after to/],
  ])('refuses %s', (_name, change, reason) => {
    const built = buildHistoryQuery(TABLE, { from: '2026-11-15T00:00:00Z', to: '2026-11-15T12:00:00Z', accounts: ['111122223333'], regions: [], ...change });
    expect(built.ok).toBe(false);
    expect(built.ok ? '' : built.reason).toMatch(reason);
  });

  it('refuses a database or table name that is not a Glue name', () => {
    const built = buildHistoryQuery({ database: 'x"; DROP', table: 'cloudtrail' }, { from: '2026-11-15T00:00:00Z', to: '2026-11-15T12:00:00Z', accounts: ['111122223333'], regions: [] });
    expect(built.ok).toBe(false);
  });
});
