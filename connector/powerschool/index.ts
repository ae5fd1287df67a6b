/** powerschool/: PowerSchool's API: the token, typed calls, their answers and the cached lookups. */
export {
  buildUrl,
  createPowerSchoolClient,
  type ClientStats,
  type PowerSchoolClient,
  type PowerSchoolClientOptions,
  type RequestOptions,
} from './client.ts';
export { requestToken, type AccessToken } from './token.ts';
export {
  ATTENDANCE_ENDPOINTS,
  attendanceOnDay,
  type AttendanceOnDay,
  BATCH_DAILY_TIME_LIMIT,
  BATCH_DAILY_TIME_PATH,
  getDistrictMetadata,
  listDistrictSchools,
  postAttendance,
  removeAttendance,
  postAttendanceBatch,
  runPowerQuery,
  runPowerQueryAllPages,
  type AttendanceEndpoint,
  type AttendanceFields,
  type BatchRecordResult,
  type DistrictMetadata,
  type PageOptions,
  type PowerSchoolSchool,
} from './api.ts';
export { asArray, invalidAnswer, looseInt, optionalLooseInt, parseAnswer } from './answers.ts';
export { readResult, readResults, type RecordResult } from './refusal.ts';
export { GUZZLE_BODY_SUMMARY_LENGTH, formatPowerSchoolError } from './error-format.ts';
export { AttendanceCodeRow, PeriodRow, SchoolDayRow, StudentRow, parseRows } from './query-rows.ts';
export {
  DEFAULT_CACHE_TTLS,
  Lookups,
  type CacheTtls,
  type JournalFor,
  type StudentDate,
} from './lookups.ts';
export { TtlCache } from './ttl-cache.ts';
