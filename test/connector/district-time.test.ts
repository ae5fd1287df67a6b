import { describe, expect, it } from 'vitest';
import {
  formatClockTime,
  minutesMissed,
  pickPeriodAt,
  toDistrictLocalTime,
} from '../../connector/index.ts';

describe('toDistrictLocalTime', () => {
  it.each([
    // name, instant, zone, local date, wall-clock seconds
    [
      'an EDT morning',
      '2026-10-14T12:40:00Z',
      'America/New_York',
      '2026-10-14',
      8 * 3600 + 40 * 60,
    ],
    [
      'an offset given in another zone',
      '2026-10-14T07:40:00-05:00',
      'America/New_York',
      '2026-10-14',
      8 * 3600 + 40 * 60,
    ],
    [
      'a UTC instant that is still yesterday locally',
      '2026-10-15T02:30:00Z',
      'America/New_York',
      '2026-10-14',
      22 * 3600 + 30 * 60,
    ],
    [
      'the morning of the spring-forward day (EST, -05:00)',
      '2026-03-08T06:30:00Z',
      'America/New_York',
      '2026-03-08',
      3600 + 30 * 60,
    ],
    [
      'just after spring-forward: 02:00 EST becomes 03:00 EDT',
      '2026-03-08T07:00:00Z',
      'America/New_York',
      '2026-03-08',
      3 * 3600,
    ],
    [
      'the school morning after spring-forward (EDT, -04:00)',
      '2026-03-09T12:40:00Z',
      'America/New_York',
      '2026-03-09',
      8 * 3600 + 40 * 60,
    ],
    [
      'the first 01:30 on the fall-back day (EDT)',
      '2026-11-01T05:30:00Z',
      'America/New_York',
      '2026-11-01',
      3600 + 30 * 60,
    ],
    [
      'the second 01:30 on the fall-back day (EST)',
      '2026-11-01T06:30:00Z',
      'America/New_York',
      '2026-11-01',
      3600 + 30 * 60,
    ],
    [
      'the school morning after fall-back (EST, -05:00)',
      '2026-11-02T13:40:00Z',
      'America/New_York',
      '2026-11-02',
      8 * 3600 + 40 * 60,
    ],
    [
      'a zone without DST',
      '2026-10-14T15:40:00Z',
      'America/Phoenix',
      '2026-10-14',
      8 * 3600 + 40 * 60,
    ],
    [
      'seconds within the minute and milliseconds',
      '2026-10-14T13:15:30.900Z',
      'America/New_York',
      '2026-10-14',
      9 * 3600 + 15 * 60 + 30,
    ],
    [
      'the last second before local midnight',
      '2026-10-15T03:59:59Z',
      'America/New_York',
      '2026-10-14',
      23 * 3600 + 59 * 60 + 59,
    ],
    [
      'a half-hour offset zone (+05:30)',
      '2026-10-14T03:10:45Z',
      'Asia/Kolkata',
      '2026-10-14',
      8 * 3600 + 40 * 60 + 45,
    ],
  ])('converts %s', (_name, instant, zone, date, seconds) => {
    const local = toDistrictLocalTime(new Date(instant), zone);
    expect(local.date).toBe(date);
    expect(local.secondsSinceMidnight).toBe(seconds);
  });

  it('gives every second of one minute its own wall-clock second, in any order', () => {
    const base = Date.parse('2026-10-14T12:40:00Z');
    const seconds = [59, 0, 30, 1].map(
      (s) =>
        toDistrictLocalTime(new Date(base + s * 1000), 'America/New_York').secondsSinceMidnight,
    );
    expect(seconds).toEqual([59, 0, 30, 1].map((s) => 8 * 3600 + 40 * 60 + s));
    expect(toDistrictLocalTime(new Date(base), 'America/Phoenix').secondsSinceMidnight).toBe(
      5 * 3600 + 40 * 60,
    );
  });

  it('renders wall-clock seconds as HH:MM', () => {
    expect(formatClockTime(8 * 3600 + 40 * 60 + 59)).toBe('08:40');
  });
});

describe('minutesMissed (Time mode)', () => {
  const start = 28_500; // 07:55
  const end = 55_200; // 15:20
  it.each([
    ['a late check-in: first bell to check-in', 'late_checkin', 31_200, 45],
    ['an early check-out: check-out to last bell', 'early_checkout', 50_700, 75],
    ['a check-in before the first bell: clamped to 0', 'late_checkin', 27_000, 0],
    ['a check-out after the last bell: clamped to 0', 'early_checkout', 56_000, 0],
    ['a check-in after the last bell: clamped to the day length', 'late_checkin', 60_000, 445],
    ['rounding to the nearest minute', 'late_checkin', 28_500 + 89, 1],
  ] as const)('%s', (_name, type, seconds, minutes) => {
    expect(minutesMissed(type, seconds, start, end)).toBe(minutes);
  });
});

describe('pickPeriodAt (Meeting mode)', () => {
  const periods = [
    { studentid: 1, ccid: 1, periodid: 10, start_time: 28_500, end_time: 31_500 },
    { studentid: 1, ccid: 2, periodid: 20, start_time: 31_800, end_time: 35_100 },
  ];
  it.each([
    ['the first second of a period belongs to it', 31_800, 20],
    ['the last second before the end belongs to it', 31_499, 10],
    ['the end second belongs to the next slot, not the period', 31_500, undefined],
    ['passing time between periods has no period', 31_600, undefined],
  ])('%s', (_name, seconds, periodid) => {
    expect(pickPeriodAt(periods, seconds)?.periodid).toBe(periodid);
  });
});
