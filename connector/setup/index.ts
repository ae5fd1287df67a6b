/** setup/: the Settings tab, School Building Setup, reasons (attendance codes) and who may change them. */
export {
  REDACTED,
  SETTINGS_FILE,
  SettingsStore,
  emptySettings,
  parseSettingsDocument,
  redactSettings,
  redactUrlPassword,
  type AlertSettings,
  type ConnectionSettings,
  type ConnectorSettings,
  type ImportedCode,
  type SchoolBehaviours,
  type SchoolReasons,
  type SchoolSetup,
} from './settings.ts';
export { SecretJsonFile } from './secret-json-file.ts';
export { SECRET_FIELDS, SealedSettingsFile, type SecretField } from './sealed-settings-file.ts';
export {
  districtDocuments,
  openDistrictSettings,
  openSavedDistrictSettings,
  type DistrictSettingsWriter,
  sealDistrictSettings,
} from './district-settings.ts';
export {
  SECRET_KEY_FILE,
  SecretKeyring,
  describeKeySource,
  type SecretKeySource,
} from './secret-key.ts';
export {
  documentsSecretsStatus,
  rotateSecrets,
  secretsStatus,
  type DocumentsSecretsStatus,
  type RotationResult,
  type SecretState,
  type SecretsStatus,
} from './secrets.ts';
export { URL_EXAMPLES, findPowerSchoolUrlProblem, isLoopbackHost } from './powerschool-url.ts';
export {
  DISTRICT_ADMIN,
  assertCanEditSchool,
  assertCanSeeSchool,
  assertDistrictAdmin,
  canSeeSchool,
  describeActor,
  parseActor,
  visibleSchools,
  type Actor,
} from './roles.ts';
export {
  mergeSchools,
  refreshSchools,
  schoolAuditView,
  setPreventSchoolOverrides,
  updateSchools,
  viewSchools,
  type SchoolChange,
  type SchoolView,
} from './schools.ts';
export { findReasonCode, mappedCodes } from './reason-codes.ts';
export {
  COMMENT_PLACEHOLDERS,
  MAX_COMMENT_TEMPLATE,
  checkCommentTemplate,
  renderComment,
  setCommentTemplate,
  type CommentFacts,
} from './comment-template.ts';
export {
  ALERT_INTERVAL,
  MAX_ALERT_RECIPIENTS,
  MIN_WEBHOOK_SECRET,
  alertsView,
  applyAlertChange,
  auditedAlerts,
  checkAlertSettings,
  setAlertSettings,
  smtpHostOf,
  type AlertChange,
  type AlertsView,
} from './alerts.ts';
export {
  checkReasonYears,
  currentYearid,
  districtToday,
  importAttendanceCodes,
  mapReasonCodes,
  reasonsAuditView,
  schoolYearLabel,
  type CodeImportOptions,
  type CodeImportResult,
  type ReasonYearWarning,
  type ReasonsContext,
} from './reasons-import.ts';
export {
  checkConnection,
  validateConnectionInput,
  type CheckStep,
  type ConnectionInput,
  type ConnectionReport,
} from './connection-check.ts';
export {
  saveConnectionSettings,
  type SaveConnectionOptions,
  type SaveConnectionResult,
} from './save-connection.ts';
export {
  applyBehavioursChange,
  behavioursAuditView,
  codeByAttCode,
  effectiveBehaviours,
  setSchoolBehaviours,
  type BehavioursChange,
  type EffectiveBehaviours,
} from './school-behaviours.ts';
