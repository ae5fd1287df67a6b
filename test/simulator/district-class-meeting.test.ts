import { describe, expect, it } from 'vitest';
import { District } from '../../simulator/district/district.ts';
import { meetingsOfEnrollment, meetsInPeriod } from '../../simulator/district/student-schedule.ts';
import { DEMO_FACTS } from '../../simulator/seeds/demo-facts.ts';
import { buildDemoDistrict } from '../../simulator/seeds/demo.ts';

const district = new District(buildDemoDistrict());
const F = DEMO_FACTS;

describe('meetsInPeriod (the meeting check of every meeting_interval write)', () => {
  it('answers as meetingsOfEnrollment does for every enrollment, day kind and period of the demo district', () => {
    const dates = [...Object.values(F.dates), '2026-10-16', '2026-10-19', '2026-10-20'];
    const periodIds = [
      ...district
        .table('period')
        .all()
        .map((period) => period.id),
      999_999,
    ];
    const disagreements: string[] = [];
    let checked = 0;
    let meets = 0;
    for (const cc of district.table('cc').all()) {
      for (const date of dates) {
        const scheduled = meetingsOfEnrollment(district, cc, date);
        for (const periodid of periodIds) {
          const expected = scheduled.some((meeting) => meeting.period.id === periodid);
          if (meetsInPeriod(district, cc, date, periodid) !== expected) {
            disagreements.push(
              `cc ${cc.id} on ${date} in period ${periodid}: expected ${expected}`,
            );
          }
          checked += 1;
          if (expected) meets += 1;
        }
      }
    }
    expect(disagreements).toEqual([]);
    // Both answers occur, so the comparison proves something either way.
    expect(meets).toBeGreaterThan(100);
    expect(checked - meets).toBeGreaterThan(100);
  });

  it("finds the demo's meeting record: Sofia's Algebra enrollment meets in period 2 on an A day", () => {
    const record = F.meetingRecord;
    const cc = district.table('cc').get(record.ccid)!;
    expect(meetsInPeriod(district, cc, F.dates.inSession, record.periodId)).toBe(true);
    expect(meetsInPeriod(district, cc, F.dates.holiday, record.periodId)).toBe(false);
  });
});
