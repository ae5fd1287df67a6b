/**
 * The resilience proof's events, planned from the district's own data so each has a known
 * outcome: successful ones each write a record with its own key (student + date, and period in
 * Meeting mode), so "one row per event" is checkable; the ones built to fail do so by data (a
 * DCID nobody has, the passing time between periods, a student who has left).
 */
import { STUDENT_ID_NOT_FOUND, STUDENT_PERIOD_NOT_FOUND } from '../../connector/index.ts';
import { DEMO_FACTS, scheduledMeetings, type District, type RowOf } from '../../simulator/index.ts';
import { districtInstant } from '../check-ins.ts';

/** What a planned event must end as. */
export type PlannedOutcome =
  | { outcome: 'successful'; studentId: number; date: string; mode: string; periodId: number }
  | { outcome: 'failed'; kind: PermanentKind; message: string | RegExp; status?: number };

/** An event and its expected outcome. */
export interface PlannedEvent {
  event: Record<string, unknown>;
  expected: PlannedOutcome;
}

/** The data-made permanent errors, used in turn. */
export const PERMANENT_KINDS = ['unknown_dcid', 'passing_time', 'not_enrolled'] as const;
export type PermanentKind = (typeof PERMANENT_KINDS)[number];

type Student = RowOf<'students'>;
interface Slot {
  student: Student;
  date: string;
  seconds: number;
  mode: string;
  periodId: number;
}

const { schools, students, years } = DEMO_FACTS;
const SCHOOL_MODES = [
  { schoolNumber: schools.daily.schoolNumber, mode: 'ATT_ModeDaily' },
  { schoolNumber: schools.time.schoolNumber, mode: 'ATT_ModeTime' },
  { schoolNumber: schools.meeting.schoolNumber, mode: 'ATT_ModeMeeting' },
] as const;

/** The comment each event carries; PowerSchool's row then names the event that wrote it. */
export function proofComment(eventId: string): string {
  return `resilience proof ${eventId}`;
}

/**
 * `count` events, `permanent` of them built to fail, spread through the list by `random`.
 * Throws when the district has fewer distinct record keys than successful events asked.
 */
export function planEvents(
  district: District,
  count: number,
  permanent: number,
  random: () => number,
): PlannedEvent[] {
  const slots = successSlots(district, count - permanent);
  const failing = Array.from({ length: permanent }, (_, index) =>
    failingEvent(district, index, PERMANENT_KINDS[index % PERMANENT_KINDS.length]!),
  );
  const planned: PlannedEvent[] = slots.map((slot, index) => successEvent(slot, index));
  for (const event of failing) {
    planned.splice(Math.floor(random() * (planned.length + 1)), 0, event);
  }
  return planned.map((item, index) => withId(item, `proof-${String(index + 1).padStart(5, '0')}`));
}

function withId(item: PlannedEvent, id: string): PlannedEvent {
  return { ...item, event: { ...item.event, id, comment: proofComment(id) } };
}

function successEvent(slot: Slot, index: number): PlannedEvent {
  const type = index % 2 === 0 ? 'late_checkin' : 'early_checkout';
  return {
    event: {
      type,
      student: {
        dcid: slot.student.dcid,
        name: `${slot.student.first_name} ${slot.student.last_name}`,
        grade: String(slot.student.grade_level),
        schoolNumber: slot.student.schoolid,
      },
      occurredAt: districtInstant(slot.date, slot.seconds),
      reason: type === 'late_checkin' ? 'T' : 'ED',
    },
    expected: {
      outcome: 'successful',
      studentId: slot.student.id,
      date: slot.date,
      mode: slot.mode,
      periodId: slot.periodId,
    },
  };
}

/** In-session days of this school year with a bell schedule, oldest first. */
function schoolDays(district: District, schoolNumber: number): RowOf<'calendar_day'>[] {
  return district
    .table('calendar_day')
    .all()
    .filter(
      (day) =>
        day.schoolid === schoolNumber &&
        day.insession === 1 &&
        day.bell_schedule_id !== 0 &&
        day.date_value >= years.current.firstday &&
        day.date_value <= years.current.lastday,
    )
    .sort((a, b) => a.date_value.localeCompare(b.date_value));
}

function studentsOf(district: District, schoolNumber: number): Student[] {
  return district
    .table('students')
    .all()
    .filter((student) => student.schoolid === schoolNumber);
}

/** Distinct record keys, taken from the three schools in turn. */
function successSlots(district: District, wanted: number): Slot[] {
  const sources = SCHOOL_MODES.map((school) => slotsOf(district, school));
  const slots: Slot[] = [];
  while (slots.length < wanted) {
    let took = false;
    for (const source of sources) {
      const next = source.next();
      if (next.done) continue;
      slots.push(next.value);
      took = true;
      if (slots.length === wanted) break;
    }
    if (!took) {
      throw new Error(
        `The demo district has only ${slots.length} distinct attendance keys this school year; ask for at most that many successful events.`,
      );
    }
  }
  return slots;
}

function* slotsOf(
  district: District,
  school: (typeof SCHOOL_MODES)[number],
): Generator<Slot, void, undefined> {
  const roster = studentsOf(district, school.schoolNumber);
  let turn = 0;
  for (const day of schoolDays(district, school.schoolNumber)) {
    for (const student of roster) {
      if (!district.isEnrolled(student, school.schoolNumber, day.date_value)) continue;
      turn += 1;
      if (school.mode !== 'ATT_ModeMeeting') {
        // Mid-morning or early afternoon, inside every demo school's day.
        const seconds = (turn % 2 === 0 ? 9 * 3600 : 13 * 3600) + (turn % 30) * 60;
        yield { student, date: day.date_value, seconds, mode: school.mode, periodId: 0 };
        continue;
      }
      for (const meeting of scheduledMeetings(district, student.id, day.date_value)) {
        const seconds = meeting.item.start_time + 5 * 60 + (turn % 20) * 60;
        if (seconds >= meeting.item.end_time) continue;
        yield {
          student,
          date: day.date_value,
          seconds,
          mode: school.mode,
          periodId: meeting.period.id,
        };
      }
    }
  }
}

function failingEvent(district: District, index: number, kind: PermanentKind): PlannedEvent {
  switch (kind) {
    case 'unknown_dcid':
      return unknownDcidEvent(district, index);
    case 'passing_time':
      return passingTimeEvent(district, index);
    case 'not_enrolled':
      return notEnrolledEvent(district, index);
    default:
      throw new Error(
        `Unknown permanent error "${String(kind)}"; valid: ${PERMANENT_KINDS.join(', ')}.`,
      );
  }
}

function pick<T>(items: readonly T[], index: number, what: string): T {
  const item = items[index % Math.max(1, items.length)];
  if (item === undefined) throw new Error(`The demo district has no ${what}.`);
  return item;
}

function unknownDcidEvent(district: District, index: number): PlannedEvent {
  const day = pick(schoolDays(district, schools.daily.schoolNumber), index, 'school day at 101');
  return {
    event: {
      type: 'late_checkin',
      student: {
        dcid: DEMO_FACTS.unknownDcid,
        name: 'Unmatched Student',
        schoolNumber: schools.daily.schoolNumber,
      },
      occurredAt: districtInstant(day.date_value, 9 * 3600),
      reason: 'T',
    },
    expected: { outcome: 'failed', kind: 'unknown_dcid', message: STUDENT_ID_NOT_FOUND },
  };
}

/** A check-in in a gap between two consecutive bells of the day (passing time). */
function passingTimeEvent(district: District, index: number): PlannedEvent {
  const student = district.studentById(students.meeting.id)!;
  const day = pick(schoolDays(district, schools.meeting.schoolNumber), index, 'school day at 103');
  const items = [
    ...district.table('bell_schedule_items').lookup('bell_schedule_id', day.bell_schedule_id),
  ].sort((a, b) => a.start_time - b.start_time);
  const gap = items.findIndex((item, at) => {
    const next = items[at + 1];
    return next !== undefined && item.end_time < next.start_time;
  });
  if (gap < 0)
    throw new Error(`The bell schedule of ${day.date_value} at 103 has no passing time.`);
  const seconds = Math.floor((items[gap]!.end_time + items[gap + 1]!.start_time) / 2);
  return {
    event: {
      type: 'late_checkin',
      student: {
        dcid: student.dcid,
        name: `${student.first_name} ${student.last_name}`,
        schoolNumber: student.schoolid,
      },
      occurredAt: districtInstant(day.date_value, seconds),
      reason: 'T',
    },
    expected: { outcome: 'failed', kind: 'passing_time', message: STUDENT_PERIOD_NOT_FOUND },
  };
}

/** A check-in for the student who left, on a school day after the exit date. */
function notEnrolledEvent(district: District, index: number): PlannedEvent {
  const left = students.exited;
  const days = schoolDays(district, left.schoolNumber).filter(
    (day) => day.date_value >= left.exitdate,
  );
  const day = pick(days, index, 'school day after the exit date');
  const name = `${left.firstName} ${left.lastName}`;
  return {
    event: {
      type: 'late_checkin',
      student: { dcid: left.dcid, name, schoolNumber: left.schoolNumber },
      occurredAt: districtInstant(day.date_value, 9 * 3600),
      reason: 'T',
    },
    expected: {
      outcome: 'failed',
      kind: 'not_enrolled',
      message: new RegExp(`^Record Not Saved\\. : The student ${name} isn't enrolled on \\S+\\.$`),
      status: 400,
    },
  };
}
