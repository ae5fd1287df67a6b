import { describe, expect, it } from 'vitest';
import { District } from '../../simulator/district/district.ts';
import { validateSeed } from '../../simulator/district/seed-validation.ts';
import { scheduledMeetings } from '../../simulator/district/student-schedule.ts';
import { DEMO_FACTS } from '../../simulator/seeds/demo-facts.ts';
import { buildDemoDistrict } from '../../simulator/seeds/demo.ts';

const data = buildDemoDistrict();
const district = new District(buildDemoDistrict());
const F = DEMO_FACTS;

describe('demo district', () => {
  it('is deterministic: two builds are identical', () => {
    expect(buildDemoDistrict()).toEqual(data);
  });

  it('passes seed validation (shape and referential integrity)', () => {
    expect(() => validateSeed(structuredClone(data))).not.toThrow();
  });

  it('has three schools, one per recording method, with this and last year', () => {
    for (const school of Object.values(F.schools)) {
      const row = district.schoolByNumber(school.schoolNumber);
      expect(row).toMatchObject({ dcid: school.dcid, name: school.name });
      expect(district.attendanceModes(school.schoolNumber, F.years.current.yearid)).toEqual([
        school.mode,
      ]);
      expect(district.attendanceModes(school.schoolNumber, F.years.last.yearid)).toEqual([
        school.modeLastYear,
      ]);
      for (const year of Object.values(F.years)) {
        const term = district.yearTermOn(school.schoolNumber, year.firstday);
        expect(term).toMatchObject({
          id: year.yearTermId,
          yearid: year.yearid,
          lastday: year.lastday,
        });
      }
    }
  });

  it.each(Object.entries(F.students))('names student %s by the right ids', (_key, fact) => {
    const student = district.studentById(fact.id);
    expect(student).toMatchObject({
      dcid: fact.dcid,
      student_number: fact.studentNumber,
      first_name: fact.firstName,
      last_name: fact.lastName,
      schoolid: fact.schoolNumber,
    });
    expect(district.studentByDcid(fact.dcid)?.id).toBe(fact.id);
  });

  it('has no student with the unknown DCID or id', () => {
    expect(district.studentByDcid(F.unknownDcid)).toBeUndefined();
    expect(district.studentById(F.unknownStudentId)).toBeUndefined();
  });

  it('gives every code a new id each year, per school', () => {
    for (const [school, codes] of Object.entries(F.codes)) {
      const schoolNumber = Number(school);
      const table = district.table('attendance_code');
      expect(table.get(codes.current.tardy)).toMatchObject({
        schoolid: schoolNumber,
        yearid: 36,
        att_code: 'T',
      });
      expect(table.get(codes.current.earlyDismissal)).toMatchObject({
        schoolid: schoolNumber,
        yearid: 36,
        att_code: 'ED',
      });
      expect(table.get(codes.current.absent)).toMatchObject({
        schoolid: schoolNumber,
        yearid: 36,
        att_code: 'A',
        presence_status_cd: 'Absent',
      });
      expect(table.get(codes.last.tardy)).toMatchObject({
        schoolid: schoolNumber,
        yearid: 35,
        att_code: 'T',
      });
      expect(table.get(codes.last.earlyDismissal)).toMatchObject({
        schoolid: schoolNumber,
        yearid: 35,
        att_code: 'ED',
      });
    }
  });

  it('keeps weekends and a weekday holiday out of session', () => {
    for (const school of Object.values(F.schools)) {
      expect(district.calendarDay(school.schoolNumber, F.dates.inSession)).toMatchObject({
        insession: 1,
      });
      expect(district.calendarDay(school.schoolNumber, F.dates.holiday)).toMatchObject({
        insession: 0,
        bell_schedule_id: 0,
      });
      expect(district.calendarDay(school.schoolNumber, F.dates.holiday)?.note).not.toBe('');
      expect(district.calendarDay(school.schoolNumber, F.dates.weekend)).toMatchObject({
        insession: 0,
      });
      expect(district.yearTermOn(school.schoolNumber, F.dates.summer)).toBeUndefined();
    }
  });

  it('alternates A and B days', () => {
    const letterOn = (date: string): string | undefined => {
      const day = district.calendarDay(103, date);
      return day ? district.table('cycle_day').get(day.cycle_day_id)?.letter : undefined;
    };
    expect(letterOn(F.dates.inSession)).toBe('A');
    expect(letterOn(F.dates.inSessionBDay)).toBe('B');
  });

  it('has the Meeting school bell schedule of DEMO_FACTS, with passing time and a lunch', () => {
    const day = district.calendarDay(103, F.dates.inSession)!;
    expect(day.bell_schedule_id).toBe(F.meetingBell.bellScheduleId);
    const items = district
      .table('bell_schedule_items')
      .lookup('bell_schedule_id', day.bell_schedule_id);
    for (const fact of Object.values(F.meetingBell.periods)) {
      expect(items.find((item) => item.period_id === fact.periodId)).toMatchObject({
        start_time: fact.start,
        end_time: fact.end,
      });
    }
    const covering = (time: number) =>
      items.filter((item) => item.start_time <= time && time < item.end_time);
    expect(covering(F.meetingBell.passingTime)).toEqual([]);
    expect(covering(F.meetingBell.lunchTime).map((i) => i.period_id)).toEqual([
      F.meetingBell.periods.lunch.periodId,
    ]);
  });

  it("schedules the meeting student's period 2 as DEMO_FACTS.meetingRecord says", () => {
    const m = F.meetingRecord;
    const meetings = scheduledMeetings(district, m.studentId, F.dates.inSession);
    const period2 = meetings.find((meeting) => meeting.period.id === m.periodId);
    expect(period2).toMatchObject({
      cc: { id: m.ccid, sectionid: m.sectionId },
      calendarDay: { id: m.calendarDayId },
      item: { start_time: m.start, end_time: m.end },
    });
    expect(
      meetings.some((meeting) => meeting.period.id === F.meetingBell.periods.lunch.periodId),
    ).toBe(false);
  });

  it('gives the free-period student no class at 10:50, because the class was dropped', () => {
    const fact = F.students.freePeriod;
    const meetings = scheduledMeetings(district, fact.id, F.dates.inSession);
    expect(
      meetings.some((m) => m.item.start_time <= fact.freeTime && fact.freeTime < m.item.end_time),
    ).toBe(false);
    const dropped = district.table('cc').get(fact.droppedCcId)!;
    expect(dropped.sectionid).toBeLessThan(0);
    expect(dropped.termid).toBeLessThan(0);
  });

  it('has mid-year entries, exits and re-enrollments', () => {
    const exited = district.studentById(F.students.exited.id)!;
    expect(exited.exitdate).toBe(F.students.exited.exitdate);
    expect(district.isEnrolled(exited, 101, F.students.exited.lastEnrolledDate)).toBe(true);
    expect(district.isEnrolled(exited, 101, F.students.exited.exitdate)).toBe(false);
    const entered = district.studentById(F.students.midYearEntry.id)!;
    expect(district.isEnrolled(entered, 103, F.dates.inSession)).toBe(false);
    expect(district.isEnrolled(entered, 103, F.students.midYearEntry.entrydate)).toBe(true);
    const moved = district.studentById(F.students.movedUp.id)!;
    expect(
      district.isEnrolled(
        moved,
        F.students.movedUp.lastYearSchoolNumber,
        F.dates.lastYearInSession,
      ),
    ).toBe(true);
    expect(district.isEnrolled(moved, 103, F.dates.lastYearInSession)).toBe(false);
    const returned = district.studentById(F.students.returned.id)!;
    expect(district.enrollmentStints(returned)).toHaveLength(3);
    expect(district.isEnrolled(returned, 102, F.students.returned.notEnrolledLastYear)).toBe(false);
  });

  it('summarises itself', () => {
    expect(district.summary()).toMatchObject({
      schools: 3,
      students: data.students.length,
      sections: data.sections.length,
      cc: data.cc.length,
      codes: 36,
      days: data.calendar_day.length,
      attendance: 0,
    });
  });
});
