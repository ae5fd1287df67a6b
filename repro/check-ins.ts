/**
 * Visitor Management's events for the demo district's students: a late check-in or early
 * check-out at a district wall-clock time, carrying the student id the SIS sync shared.
 */
import { formatClockTime, toDistrictLocalTime } from '../connector/index.ts';
import { DEMO_FACTS } from '../simulator/index.ts';

/** A demo student as DEMO_FACTS names one. */
export interface DemoStudent {
  id: number;
  dcid: number;
  studentNumber: number;
  firstName: string;
  lastName: string;
  schoolNumber: number;
  gradeLevel?: number;
}

/** What a check-in needs; the student's own DCID unless the sync shared something else. */
export interface CheckInSpec {
  id: string;
  student: DemoStudent;
  date: string;
  /** District wall-clock seconds since midnight. */
  seconds: number;
  type?: 'late_checkin' | 'early_checkout';
  /** The value the SIS sync put where the DCID belongs (default: the student's DCID). */
  dcid?: number;
  /** Send STUDENTS.ID instead of a DCID (after the guide's Configuration Request). */
  studentId?: number;
  reason?: string;
  comment?: string;
}

/** "Ava Thompson". */
export function fullName(student: DemoStudent): string {
  return `${student.firstName} ${student.lastName}`;
}

/** 35220 -> "09:47". */
export function clockTime(seconds: number): string {
  return formatClockTime(seconds);
}

/** A writeback event as Visitor Management sends it. */
export function checkIn(spec: CheckInSpec): Record<string, unknown> {
  const type = spec.type ?? 'late_checkin';
  const carried =
    spec.studentId !== undefined
      ? { id: spec.studentId }
      : { dcid: spec.dcid ?? spec.student.dcid };
  return {
    id: spec.id,
    type,
    student: {
      ...carried,
      name: fullName(spec.student),
      ...(spec.student.gradeLevel !== undefined ? { grade: String(spec.student.gradeLevel) } : {}),
      schoolNumber: spec.student.schoolNumber,
    },
    occurredAt: districtInstant(spec.date, spec.seconds),
    reason: spec.reason ?? (type === 'late_checkin' ? 'T' : 'ED'),
    ...(spec.comment !== undefined ? { comment: spec.comment } : {}),
  };
}

/**
 * The instant a district wall clock shows `seconds` after midnight on `date`, as ISO-8601 with
 * the zone's offset on that day ("2026-10-14T09:47:00-04:00"). The offset comes from Intl (the
 * time zone database), found by converting back, so daylight-saving days are right. A time in
 * the spring-forward gap does not exist; it comes out one hour later.
 */
export function districtInstant(
  date: string,
  seconds: number,
  timeZone: string = DEMO_FACTS.timezone,
): string {
  const wallAsUtc = Date.parse(`${date}T00:00:00Z`) + seconds * 1000;
  const first = wallAsUtc - offsetMs(wallAsUtc, timeZone);
  const second = wallAsUtc - offsetMs(first, timeZone);
  const shows = (instant: number): boolean => {
    const local = toDistrictLocalTime(new Date(instant), timeZone);
    return local.date === date && local.secondsSinceMidnight === seconds;
  };
  // Near a change the first guess may use the other side's offset; in the spring-forward gap
  // neither shows the wall time, and the later one is the time an hour on.
  const instant = shows(first) ? first : shows(second) ? second : Math.max(first, second);
  const offset = offsetMs(instant, timeZone);
  const local = toDistrictLocalTime(new Date(instant), timeZone);
  return `${local.date}T${formatSeconds(local.secondsSinceMidnight)}${formatOffset(offset)}`;
}

/** How far the zone's wall clock is ahead of UTC at an instant (negative west of Greenwich). */
function offsetMs(instantMs: number, timeZone: string): number {
  const local = toDistrictLocalTime(new Date(instantMs), timeZone);
  const wallAsUtc = Date.parse(`${local.date}T00:00:00Z`) + local.secondsSinceMidnight * 1000;
  // Sub-second parts of the instant are not on the wall clock.
  return wallAsUtc - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

function formatSeconds(seconds: number): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

function formatOffset(offset: number): string {
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  return `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
