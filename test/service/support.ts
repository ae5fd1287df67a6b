/**
 * Events for service tests: late check-ins of distinct students and days at the demo district's
 * Daily (101) and Time (102) schools, each writing its own attendance record, so "written exactly
 * once" can be checked record by record in the simulator.
 */
import type { RunningSimulator } from '../../simulator/server.ts';
import { newYorkTime } from '../connector/support/simulator.ts';

/** One event per student and in-session day, up to `count`, ids `${prefix}-${n}`. */
export function studentDayEvents(
  sim: RunningSimulator,
  count: number,
  prefix: string,
  schools: readonly number[] = [101, 102],
) {
  const events: {
    id: string;
    type: 'late_checkin';
    student: { dcid: number; name: string; grade: string; schoolNumber: number };
    occurredAt: string;
    reason: string;
  }[] = [];
  const keys: { studentId: number; date: string }[] = [];
  for (const schoolNumber of schools) {
    const days = sim.district
      .table('calendar_day')
      .all()
      .filter((d) => d.schoolid === schoolNumber && d.insession === 1)
      .map((d) => d.date_value)
      .sort();
    const students = sim.district
      .table('students')
      .all()
      .filter((s) => s.schoolid === schoolNumber);
    for (const student of students) {
      for (const date of days) {
        if (events.length >= count) return { events, keys };
        if (date < student.entrydate || date >= student.exitdate) continue;
        events.push({
          id: `${prefix}-${events.length}`,
          type: 'late_checkin',
          student: {
            dcid: student.dcid,
            name: `${student.first_name} ${student.last_name}`,
            grade: String(student.grade_level),
            schoolNumber,
          },
          occurredAt: newYorkTime(date, 9 * 3600),
          reason: 'T',
        });
        keys.push({ studentId: student.id, date });
      }
    }
  }
  if (events.length < count) throw new Error(`only ${events.length} student-days available`);
  return { events, keys };
}
