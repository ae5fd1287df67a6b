import { describe, expect, it } from 'vitest';
import { toDistrictLocalTime } from '../../connector/index.ts';
import { DEMO_FACTS } from '../../simulator/index.ts';
import { checkIn, districtInstant } from '../../repro/index.ts';

const NEW_YORK = 'America/New_York';

describe('districtInstant: a district wall-clock time as an instant with its offset', () => {
  it.each([
    ['a school day in October (EDT)', '2026-10-14', 35_220, NEW_YORK, '2026-10-14T09:47:00-04:00'],
    [
      'a school day in December (EST)',
      '2026-12-01',
      8 * 3600,
      NEW_YORK,
      '2026-12-01T08:00:00-05:00',
    ],
    [
      'before the spring-forward change',
      '2026-03-08',
      3600 + 1800,
      NEW_YORK,
      '2026-03-08T01:30:00-05:00',
    ],
    [
      'after the spring-forward change',
      '2026-03-08',
      3 * 3600 + 1800,
      NEW_YORK,
      '2026-03-08T03:30:00-04:00',
    ],
    [
      'in the spring-forward gap: one hour later',
      '2026-03-08',
      2 * 3600 + 1800,
      NEW_YORK,
      '2026-03-08T03:30:00-04:00',
    ],
    [
      'the repeated hour in November: its first occurrence',
      '2026-11-01',
      3600 + 1800,
      NEW_YORK,
      '2026-11-01T01:30:00-04:00',
    ],
    ['after the fall-back change', '2026-11-01', 3 * 3600, NEW_YORK, '2026-11-01T03:00:00-05:00'],
    [
      'a zone east of Greenwich',
      '2026-07-01',
      8 * 3600,
      'Europe/Berlin',
      '2026-07-01T08:00:00+02:00',
    ],
    [
      'a zone with a half-hour offset',
      '2026-07-01',
      8 * 3600,
      'Asia/Kolkata',
      '2026-07-01T08:00:00+05:30',
    ],
  ])('%s', (_name, date, seconds, zone, expected) => {
    const instant = districtInstant(date, seconds, zone);
    expect(instant).toBe(expected);
    expect(Date.parse(instant)).toBe(Date.parse(expected));
  });

  it('converts back to the same wall clock for every quarter hour of a school day', () => {
    for (let seconds = 6 * 3600; seconds <= 18 * 3600; seconds += 900) {
      const instant = districtInstant('2026-11-02', seconds, NEW_YORK);
      expect(toDistrictLocalTime(new Date(instant), NEW_YORK)).toEqual({
        date: '2026-11-02',
        secondsSinceMidnight: seconds,
        timeZone: NEW_YORK,
      });
    }
  });
});

describe('checkIn: the event Visitor Management sends', () => {
  const ava = DEMO_FACTS.students.daily;

  it("carries the student's DCID, name, grade and school, and the reason for the type", () => {
    expect(checkIn({ id: 'e1', student: ava, date: '2026-10-14', seconds: 31_200 })).toEqual({
      id: 'e1',
      type: 'late_checkin',
      student: { dcid: ava.dcid, name: 'Ava Thompson', grade: '3', schoolNumber: 101 },
      occurredAt: '2026-10-14T08:40:00-04:00',
      reason: 'T',
    });
  });

  it('carries what the SIS sync shared instead: another value as the DCID, or STUDENTS.ID', () => {
    const early = {
      id: 'e2',
      student: ava,
      date: '2026-10-14',
      seconds: 46_800,
      type: 'early_checkout' as const,
    };
    expect(checkIn({ ...early, dcid: ava.studentNumber })).toMatchObject({
      student: { dcid: ava.studentNumber },
      reason: 'ED',
    });
    const byId = checkIn({ ...early, studentId: ava.id }) as { student: Record<string, unknown> };
    expect(byId.student).toMatchObject({ id: ava.id });
    expect(byId.student).not.toHaveProperty('dcid');
  });
});
