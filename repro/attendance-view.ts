/** One row of PowerSchool's ATTENDANCE table, as a support engineer reads it. */
export interface AttendanceView {
  studentId: number;
  studentName: string;
  date: string;
  mode: string;
  /** PERIOD.ID of a Meeting record; 0 for Daily and Time. */
  periodId: number;
  codeId: number;
  comment: string;
}
