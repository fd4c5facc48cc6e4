import { describe, expect, it } from 'vitest';
import { FIELD_BUDGETS, budgetFinding, cutToBudget } from '../../../../shared/core/alert/budget.js';
import { crossRegionFinding } from '../render/findings.js';

describe('cutToBudget', () => {
  it.each([
    ['keeps a value within budget as it is', 'abc', 10, 'abc'],
    ['cuts to the budget and names how many characters were cut', 'x'.repeat(100), 30, `${'x'.repeat(10)}…(90 characters cut)`],
    ['counts code points and never splits a surrogate pair', '😀'.repeat(40), 25, `${'😀'.repeat(5)}…(35 characters cut)`],
  ])('%s', (_name, value, max, expected) => {
    const cut = cutToBudget(value, max);
    expect(cut).toBe(expected);
    expect(Array.from(cut).length).toBeLessThanOrEqual(max);
  });
});

describe('budgetFinding', () => {
  it('cuts every oversized caller field to its budget and leaves the input unchanged', () => {
    // Prepare
    const long = 'L'.repeat(100_000);
    const finding = { ...crossRegionFinding(), userAgent: long, errorMessage: long, principalArn: long, modelId: long, sourceIpAddress: long, profile: { id: long, scope: 'apac' } };

    // Act
    const budgeted = budgetFinding(finding);

    // Assess
    expect(budgeted.userAgent).toHaveLength(FIELD_BUDGETS.userAgent);
    expect(budgeted.errorMessage).toHaveLength(FIELD_BUDGETS.errorMessage);
    expect(budgeted.principalArn).toHaveLength(FIELD_BUDGETS.principalArn);
    expect(budgeted.sourceIpAddress).toHaveLength(FIELD_BUDGETS.sourceIpAddress);
    expect(budgeted.profile?.id).toHaveLength(2048);
    expect(budgeted.userAgent).toMatch(/L…\(\d+ characters cut\)$/);
    expect(finding.userAgent).toHaveLength(100_000);
    expect(JSON.stringify(budgeted).length).toBeLessThan(30_000);
  });

  it('never cuts a real identifier: a 2,048-character ARN, the longest IAM accepts, stays whole', () => {
    const arn = `arn:aws:iam::111122223333:role/${'p'.repeat(2048 - 31)}`;
    expect(arn).toHaveLength(2048);
    expect(budgetFinding({ ...crossRegionFinding(), principalArn: arn }).principalArn).toBe(arn);
  });

  it('returns an equal finding when everything is within budget (idempotent)', () => {
    const finding = crossRegionFinding();
    expect(budgetFinding(finding)).toEqual(finding);
    const once = budgetFinding({ ...finding, userAgent: 'u'.repeat(5000) });
    expect(budgetFinding(once)).toEqual(once);
  });
});
