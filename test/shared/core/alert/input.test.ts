import { describe, expect, it } from 'vitest';
import { readAlertEvent } from '../../../../shared/core/alert/input.js';
import { loadEvent } from '../../../helpers/load-event.js';

describe('readAlertEvent', () => {
  it('keys an EventBridge event by the CloudTrail eventID of its detail', () => {
    const event = loadEvent('eventbridge/cross-region-scp-apac-converse.json');
    const input = readAlertEvent(event);
    expect(input.ok && input.eventId).toBe('9d1b7a52-0000-4000-9000-000000000001');
  });

  it('turns an event without detail into an unknown finding keyed by the envelope id, with the reason', () => {
    const input = readAlertEvent({ id: 'env-1', 'detail-type': 'AWS API Call via CloudTrail', account: '111122223333', region: 'us-east-1', time: '2026-11-27T00:00:00Z' });
    expect(input.ok).toBe(false);
    if (input.ok) return;
    expect(input.eventId).toBe('env-1');
    expect(input.finding).toMatchObject({ verdict: 'unknown', eventId: 'env-1', accountId: '111122223333', sourceRegion: 'us-east-1', eventTime: '2026-11-27T00:00:00Z' });
    expect(input.finding.reason).toBe(`The event could not be read: ${input.reason}.`);
  });

  it.each([
    ['a string', 'garbage'],
    ['null', null],
    ['an array of numbers', [1, 2]],
  ])('gives %s a stable content-hash ID, so a redelivery is still recognised', (_title, event) => {
    const first = readAlertEvent(event);
    const second = readAlertEvent(structuredClone(event));
    expect(first.ok).toBe(false);
    expect(first.eventId).toMatch(/^sha256-[0-9a-f]{40}$/);
    expect(second.eventId).toBe(first.eventId);
  });
});
