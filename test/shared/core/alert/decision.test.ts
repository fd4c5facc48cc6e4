import { describe, expect, it } from 'vitest';
import { decideAlert, suppressionWindowStart } from '../../../../shared/core/alert/decision.js';

const NOW = new Date('2026-11-27T12:00:00.000Z');

describe('decideAlert', () => {
  it.each([
    ['sends the first alert of a fingerprint', null, { action: 'send', repeats: 0, previousAlertAt: null }],
    [
      'sends when the last alert is exactly one window old, reporting the repeats',
      { lastAlertAt: '2026-11-27T11:00:00.000Z', repeatsSinceAlert: 41 },
      { action: 'send', repeats: 41, previousAlertAt: '2026-11-27T11:00:00.000Z' },
    ],
    [
      'suppresses within the window and says when the next alert may go',
      { lastAlertAt: '2026-11-27T11:30:00.000Z', repeatsSinceAlert: 3 },
      { action: 'suppress', nextAlertAt: '2026-11-27T12:30:00.000Z' },
    ],
    [
      'suppresses one millisecond before the window ends',
      { lastAlertAt: '2026-11-27T11:00:00.001Z', repeatsSinceAlert: 0 },
      { action: 'suppress', nextAlertAt: '2026-11-27T12:00:00.001Z' },
    ],
  ])('%s', (_title, state, expected) => {
    expect(decideAlert(state, NOW, 60)).toEqual(expected);
  });
});

describe('suppressionWindowStart', () => {
  it('is now minus the window, as ISO 8601', () => {
    expect(suppressionWindowStart(NOW, 15)).toBe('2026-11-27T11:45:00.000Z');
  });
});
