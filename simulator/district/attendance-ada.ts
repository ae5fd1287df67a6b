/**
 * The columns of ATTENDANCE that PowerSchool fills itself when a record is saved: ATT_FLAGS,
 * ADA_VALUE_CODE, ADA_VALUE_TIME and ADM_VALUE (reference section 5 names the table; the values
 * are inferred, PowerSchool's rules for them are not public): a record counts the student in
 * membership (ADM 1); a code whose presence status is Present counts as attending (ADA by code
 * 1, else 0); a Time record counts the share of the school day attended (ADA by time, 4
 * decimals); no flags.
 */
import type { District } from './district.ts';
import type { AttendanceCodeRow, AttMode } from './schema.ts';

/** The computed columns of a saved record. */
export interface AdaValues {
  att_flags: number;
  ada_value_code: number;
  ada_value_time: number;
  adm_value: number;
}

/** The school day's length in minutes on a date (first bell to last), 0 without bells. */
function schoolDayMinutes(district: District, schoolid: number, date: string): number {
  const day = district.calendarDay(schoolid, date);
  if (!day || !day.bell_schedule_id) return 0;
  const items = district
    .table('bell_schedule_items')
    .lookup('bell_schedule_id', day.bell_schedule_id);
  if (items.length === 0) return 0;
  let start = Infinity;
  let end = -Infinity;
  for (const item of items) {
    if (item.start_time < start) start = item.start_time;
    if (item.end_time > end) end = item.end_time;
  }
  return Math.max(0, (end - start) / 60);
}

/** The computed columns for a record of this code, mode and (Time) minutes. */
export function adaValues(
  district: District,
  record: { schoolid: number; att_date: string; att_mode_code: AttMode; total_minutes?: number },
  code: AttendanceCodeRow,
): AdaValues {
  let adaTime = 0;
  if (record.att_mode_code === 'ATT_ModeTime') {
    const dayMinutes = schoolDayMinutes(district, record.schoolid, record.att_date);
    const missed = record.total_minutes ?? 0;
    adaTime = dayMinutes > 0 ? Math.max(0, Math.round((1 - missed / dayMinutes) * 1e4) / 1e4) : 0;
  }
  return {
    att_flags: 0,
    ada_value_code: code.presence_status_cd === 'Present' ? 1 : 0,
    ada_value_time: adaTime,
    adm_value: 1,
  };
}
