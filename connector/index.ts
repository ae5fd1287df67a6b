/**
 * The connector's public API: what the CLI, the demo, a web page and the repro scenarios use.
 */
export { createConnector } from './connector.ts';
export type {
  AcceptResult,
  Connector,
  ConnectorOptions,
  ConnectorStats,
  RunOptions,
} from './connector.ts';
export { createPowerSchoolClient, buildUrl } from './powerschool-client.ts';
export type {
  AttemptListener,
  ClientStats,
  HttpAttempt,
  PowerSchoolClient,
  PowerSchoolClientOptions,
  PowerSchoolResponse,
  RequestOptions,
} from './powerschool-client.ts';
export {
  PowerSchoolError,
  POWERSCHOOL_ERROR_CODES,
  formatPowerSchoolError,
  isPowerSchoolErrorCode,
  reasonPhrase,
} from './powerschool-error.ts';
export type { PowerSchoolErrorCode } from './powerschool-error.ts';
export {
  DEFAULT_RETRY_OPTIONS,
  RETRYABLE_STATUSES,
  backoffDelay,
  isRetryable,
  parseRetryAfter,
  retryDelay,
  sleepFor,
} from './retry-policy.ts';
export type { RetryOptions } from './retry-policy.ts';
export {
  getDistrictMetadata,
  listDistrictSchools,
  postAttendance,
  runPowerQuery,
} from './powerschool-api.ts';
export type { DistrictMetadata, PowerSchoolSchool } from './powerschool-api.ts';
export { systemClock } from './clock.ts';
export type { Clock } from './clock.ts';
export { ConnectorError } from './connector-error.ts';
export type { ConnectorErrorCode } from './connector-error.ts';
export { findPowerSchoolUrlProblem, URL_EXAMPLES } from './powerschool-url.ts';
export {
  SettingsStore,
  redactSettings,
  emptySettings,
  REDACTED,
  SETTINGS_FILE,
} from './settings.ts';
export type {
  ConnectorSettings,
  ConnectionSettings,
  SchoolSetup,
  ImportedCode,
  SchoolReasons,
} from './settings.ts';
export { WritebackStore, LOG_DB_FILE } from './writeback-store.ts';
export type { AttemptRow, EventRow } from './writeback-store.ts';
export { DISTRICT_ADMIN, parseActor, describeActor } from './roles.ts';
export type { Actor } from './roles.ts';
export * from './vocabulary.ts';
export { parseWritebackEvent } from './writeback-event.ts';
export type { WritebackEvent, EventStudent } from './writeback-event.ts';
export { toDistrictLocalTime, formatClockTime, isKnownTimeZone } from './district-time.ts';
export type { DistrictLocalTime } from './district-time.ts';
export { minutesMissed, pickPeriodAt } from './attendance-record.ts';
export {
  STUDENT_ID_NOT_FOUND,
  STUDENT_PERIOD_NOT_FOUND,
  WritebackFailure,
} from './writeback-process.ts';
export { TROUBLESHOOTING, explainFailure, troubleshootingEntry } from './troubleshooting.ts';
export type { TroubleshootingEntry, FailureFacts } from './troubleshooting.ts';
export { renderTroubleshootingMarkdown } from './troubleshooting-doc.ts';
export { LOG_STATUS_FILTERS } from './writeback-log.ts';
export type {
  LogFilter,
  LogPage,
  WritebackRecord,
  ExplainedError,
  LogStatusFilter,
} from './writeback-log.ts';
export type { ReplayFilter, ReplaySummary } from './replay.ts';
export type { RunProgress } from './outbox-runner.ts';
export type { SchoolChange, SchoolView } from './school-setup.ts';
export type { CodeImportOptions, CodeImportResult, ReasonYearWarning } from './reasons-import.ts';
export { schoolYearLabel } from './reasons-import.ts';
export { validateConnectionInput, checkConnection } from './connection-check.ts';
export type { ConnectionInput, ConnectionReport, CheckStep } from './connection-check.ts';
export {
  openWorkspace,
  resolveDataDir,
  requireConnection,
  saveConnectionSettings,
} from './workspace.ts';
export type { Workspace, SaveConnectionOptions, SaveConnectionResult } from './workspace.ts';
export { renderLogTable, renderRecordDetails } from './log-table.ts';
