/**
 * The connector's public surface (`pswb/connector`): what the CLI, the service, the demo and the
 * repro scenarios use. The layers below (docs/connector.md, "Module map") are imported through
 * their own index.ts.
 */
export {
  createConnector,
  type AcceptResult,
  type Connector,
  type ConnectorOptions,
  type ConnectorStats,
  type OutboxDepth,
  type RunOptions,
} from './connector.ts';
export { openWorkspace, requireConnection, resolveDataDir, type Workspace } from './workspace.ts';
export * from './domain/index.ts';
export {
  DEFAULT_RETRY_OPTIONS,
  PowerSchoolError,
  RETRYABLE_STATUSES,
  backoffDelay,
  isRetryable,
  parseRetryAfter,
  reasonPhrase,
  retryDelay,
  sleepFor,
  type AttemptListener,
  type CallOptions,
  type HttpAttempt,
  type PowerSchoolResponse,
  type RetryOptions,
} from './http/index.ts';
export {
  buildUrl,
  createPowerSchoolClient,
  formatPowerSchoolError,
  getDistrictMetadata,
  listDistrictSchools,
  postAttendance,
  runPowerQuery,
  type ClientStats,
  type DistrictMetadata,
  type PowerSchoolClient,
  type PowerSchoolClientOptions,
  type PowerSchoolSchool,
  type RequestOptions,
} from './powerschool/index.ts';
export {
  DISTRICT_ADMIN,
  REDACTED,
  SETTINGS_FILE,
  SettingsStore,
  URL_EXAMPLES,
  checkConnection,
  describeActor,
  emptySettings,
  findPowerSchoolUrlProblem,
  parseActor,
  visibleSchools,
  redactSettings,
  saveConnectionSettings,
  schoolYearLabel,
  validateConnectionInput,
  type Actor,
  type CheckStep,
  type CodeImportOptions,
  type CodeImportResult,
  type ConnectionInput,
  type ConnectionReport,
  type ConnectionSettings,
  type ConnectorSettings,
  type ImportedCode,
  type ReasonYearWarning,
  type SaveConnectionOptions,
  type SaveConnectionResult,
  type SchoolChange,
  type SchoolReasons,
  type SchoolSetup,
  type SchoolView,
} from './setup/index.ts';
export { LOG_DB_FILE, WritebackStore, type AttemptRow, type EventRow } from './store/index.ts';
export {
  TROUBLESHOOTING,
  explainFailure,
  renderTroubleshootingMarkdown,
  troubleshootingEntry,
  type FailureFacts,
  type TroubleshootingEntry,
} from './troubleshooting/index.ts';
export {
  LOG_STATUS_FILTERS,
  renderLogTable,
  renderRecordDetails,
  scopeLogFilter,
  toWritebackRecord,
  type ExplainedError,
  type LogFilter,
  type LogPage,
  type LogStatusFilter,
  type WritebackRecord,
} from './log/index.ts';
export {
  STUDENT_ID_NOT_FOUND,
  STUDENT_PERIOD_NOT_FOUND,
  type EnqueueResult,
  type EventInputs,
  minutesMissed,
  pickPeriodAt,
  type ReplayFilter,
  type ReplaySummary,
  type FinishedEvent,
  type RunProgress,
} from './writeback/index.ts';
