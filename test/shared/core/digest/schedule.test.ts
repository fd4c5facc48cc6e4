import { describe, expect, it } from 'vitest';
import {
  computeDigestWindow,
  dateInTimeZone,
  digestInvocationTime,
  explicitDigestWindow,
  formatInTimeZone,
  isValidTimeZone,
} from '../../../../shared/core/digest/schedule.js';

function windowAt(now: string, timeZone: string) {
  const result = computeDigestWindow({ now: new Date(now), timeZone });
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe('computeDigestWindow', () => {
  it('covers the 24 h before 09:00 Asia/Tokyo, truncated to the hour, and the 24 h before that', () => {
    // Prepare: 09:00:07 JST is 00:00:07 UTC
    const now = '2026-11-28T00:00:07.123Z';

    // Act
    const window = windowAt(now, 'Asia/Tokyo');

    // Assess
    expect(window.from).toBe('2026-11-27T00:00:00.000Z');
    expect(window.to).toBe('2026-11-28T00:00:00.000Z');
    expect(window.previousFrom).toBe('2026-11-26T00:00:00.000Z');
    expect(window.hours).toHaveLength(24);
    expect(window.hours[0]).toBe('2026-11-27T00');
    expect(window.hours[23]).toBe('2026-11-27T23');
    expect(window.previousHours).toHaveLength(24);
    expect(window.previousHours[0]).toBe('2026-11-26T00');
    expect(window.previousHours[23]).toBe('2026-11-26T23');
    expect(window.timeZone).toBe('Asia/Tokyo');
  });

  it('makes consecutive daily runs cover every hour exactly once', () => {
    // Prepare
    const first = windowAt('2026-11-27T00:00:03Z', 'Asia/Tokyo');
    const second = windowAt('2026-11-28T00:01:40Z', 'Asia/Tokyo');

    // Act
    const hours = [...first.hours, ...second.hours];

    // Assess
    expect(second.from).toBe(first.to);
    expect(new Set(hours).size).toBe(48);
    expect(second.previousHours).toEqual(first.hours);
  });

  it('ends at the last full UTC hour in a zone with a half-hour offset', () => {
    // Prepare: 09:00 IST is 03:30 UTC
    const window = windowAt('2026-11-28T03:30:00Z', 'Asia/Kolkata');

    // Assess
    expect(window.to).toBe('2026-11-28T03:00:00.000Z');
    expect(window.hours).toHaveLength(24);
  });

  it('keeps 24 real hours across a daylight-saving change', () => {
    // Prepare: clocks go back in New York on 2026-11-01
    const window = windowAt('2026-11-01T14:00:00Z', 'America/New_York');

    // Assess
    expect(Date.parse(window.to) - Date.parse(window.from)).toBe(24 * 3_600_000);
    expect(formatInTimeZone(window.from, 'America/New_York')).toBe('2026-10-31 10:00');
    expect(formatInTimeZone(window.to, 'America/New_York')).toBe('2026-11-01 09:00');
  });

  it.each([
    { name: 'an unknown zone', now: '2026-11-28T00:00:00Z', timeZone: 'Mars/Olympus', reason: /Mars\/Olympus/ },
    { name: 'an empty zone', now: '2026-11-28T00:00:00Z', timeZone: '', reason: /time zone/ },
    { name: 'an invalid date', now: 'yesterday', timeZone: 'UTC', reason: /not a valid date/ },
  ])('refuses $name with a reason', ({ now, timeZone, reason }) => {
    // Act
    const result = computeDigestWindow({ now: new Date(now), timeZone });

    // Assess
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('explicitDigestWindow', () => {
  it('compares an explicit window with the same length before it', () => {
    // Act
    const result = explicitDigestWindow({ from: new Date('2026-11-27T06:30:00Z'), to: new Date('2026-11-27T12:00:00Z'), timeZone: 'UTC' });

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.previousFrom).toBe('2026-11-27T01:00:00.000Z');
    expect(result.value.hours).toEqual(['2026-11-27T06', '2026-11-27T07', '2026-11-27T08', '2026-11-27T09', '2026-11-27T10', '2026-11-27T11']);
  });

  it('refuses a window that ends before it starts', () => {
    // Act
    const result = explicitDigestWindow({ from: new Date('2026-11-27T12:00:00Z'), to: new Date('2026-11-27T06:00:00Z'), timeZone: 'UTC' });

    // Assess
    expect(result).toEqual({ ok: false, reason: '--to must be later than --from' });
  });
});

describe('time zone formatting', () => {
  it.each([
    { iso: '2026-11-28T00:00:00Z', timeZone: 'Asia/Tokyo', expected: '2026-11-28 09:00' },
    { iso: '2026-11-28T00:00:00Z', timeZone: 'UTC', expected: '2026-11-28 00:00' },
    { iso: '2026-11-28T00:00:00Z', timeZone: 'America/Los_Angeles', expected: '2026-11-27 16:00' },
    { iso: 'not a time', timeZone: 'UTC', expected: 'not a time' },
  ])('shows $iso in $timeZone as $expected', ({ iso, timeZone, expected }) => {
    expect(formatInTimeZone(iso, timeZone)).toBe(expected);
  });

  it('gives the local calendar date', () => {
    expect(dateInTimeZone('2026-11-27T23:59:59Z', 'Asia/Tokyo')).toBe('2026-11-28');
  });

  it.each([
    ['Asia/Tokyo', true],
    ['UTC', true],
    ['Europe/Paris', true],
    ['Tokyo', false],
    ['  ', false],
  ])('knows whether %s is a time zone', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});

describe('digestInvocationTime', () => {
  const now = new Date('2026-11-28T00:07:00Z');

  it.each([
    { name: 'the Scheduler scheduled time', event: { scheduledTime: '2026-11-28T00:00:00Z', time: '2026-11-29T00:00:00Z' }, time: '2026-11-28T00:00:00.000Z', source: 'scheduler' },
    { name: 'the EventBridge rule time', event: { 'detail-type': 'Scheduled Event', time: '2026-11-27T00:00:00Z' }, time: '2026-11-27T00:00:00.000Z', source: 'eventbridge' },
    { name: 'the clock for a bare Scheduler input', event: { source: 'cris-auditor.schedule', 'detail-type': 'Daily Digest' }, time: '2026-11-28T00:07:00.000Z', source: 'clock' },
    { name: 'the clock for an empty payload', event: null, time: '2026-11-28T00:07:00.000Z', source: 'clock' },
  ])('uses $name', ({ event, time, source }) => {
    // Act
    const result = digestInvocationTime(event, now);

    // Assess
    expect(result.ok && { time: result.value.time.toISOString(), source: result.value.source }).toEqual({ time, source });
  });

  it('refuses a scheduled time that is not a time', () => {
    expect(digestInvocationTime({ scheduledTime: '<aws.scheduler.scheduled-time>' }, now)).toEqual({ ok: false, reason: 'event field "scheduledTime" is not an ISO 8601 time' });
  });
});
