/**
 * Every code a connector failure can carry, with what it means and how to fix it. The CLI prints
 * the fix under the message; docs/troubleshooting.md lists them all (`npm run docs`).
 */

/** Codes of a failed PowerSchool call (PowerSchoolError). */
export const POWERSCHOOL_ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'rate_limited',
  'http_error',
  'server_error',
  'timeout',
  'network',
  'invalid_response',
] as const;
export type PowerSchoolErrorCode = (typeof POWERSCHOOL_ERROR_CODES)[number];

/** Codes of refusals of bad input and of problems with settings or the data directory. */
export const SETUP_ERROR_CODES = [
  'invalid_settings',
  'not_connected',
  'connection_failed',
  'permission_denied',
  'unknown_school',
  'invalid_event',
  'event_conflict',
  'event_not_found',
  'event_not_resendable',
  'event_busy',
  'api_key_not_found',
  'user_exists',
  'user_not_found',
  'invalid_user',
  'invalid_filter',
  'no_current_year',
  'settings_unreadable',
  'invalid_secret_key',
  'secret_key_missing',
  'secret_undecryptable',
  'store_newer',
  'store_unreadable',
  'store_busy',
  'store_needs_migration',
  'invalid_database_url',
  'database_unreachable',
  'invalid_district',
  'district_exists',
  'district_not_found',
  'not_on_postgres',
  'data_dir_unusable',
  'disk_full',
] as const;

/** Codes of writebacks the connector decides before (or instead of) posting. */
export const WRITEBACK_FAILURE_CODES = [
  'school_disabled',
  'unknown_school_in_event',
  'no_attendance_mode',
  'reason_not_mapped',
  'student_id_not_found',
  'student_period_not_found',
  'kept_existing_record',
  'waiting_for_checkout',
  'checkout_record_missing',
  'remove_refused',
  'cancelled',
  'no_school_year',
  'not_school_day',
  'stored_event_unreadable',
  'contract_mismatch',
  'interrupted',
  'internal',
] as const;

/** Every connector code. */
export const CONNECTOR_ERROR_CODES = [
  ...SETUP_ERROR_CODES,
  ...WRITEBACK_FAILURE_CODES,
  ...POWERSCHOOL_ERROR_CODES,
] as const;
export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

/** Type guard for ConnectorErrorCode. */
export function isConnectorErrorCode(value: unknown): value is ConnectorErrorCode {
  return typeof value === 'string' && (CONNECTOR_ERROR_CODES as readonly string[]).includes(value);
}

/** Type guard for PowerSchoolErrorCode. */
export function isPowerSchoolErrorCode(value: unknown): value is PowerSchoolErrorCode {
  return (
    typeof value === 'string' && (POWERSCHOOL_ERROR_CODES as readonly string[]).includes(value)
  );
}

/** A code's meaning and fix. */
export interface FailureText {
  meaning: string;
  fix: string;
}

const REPLAY = 'then re-send with pswb writeback replay';

/** Meaning and fix of every connector code. */
export const CONNECTOR_FAILURES: Record<ConnectorErrorCode, FailureText> = {
  invalid_settings: {
    meaning: 'A Settings, School Building Setup or Reasons value is not valid; nothing was saved.',
    fix: 'Correct the value the message names (it lists the valid values) and save again.',
  },
  not_connected: {
    meaning: 'No PowerSchool connection is saved in this data directory.',
    fix: 'Run pswb connect --url <PowerSchool URL> --client-id <Client ID> with PSWB_CLIENT_SECRET set.',
  },
  connection_failed: {
    meaning: 'The connection check against PowerSchool failed, so the settings were not saved.',
    fix: "Follow the check's How to resolve steps, then run pswb connect again.",
  },
  permission_denied: {
    meaning: "The acting user's role does not allow this change or this school.",
    fix: 'Ask a district admin, or act on a school assigned to you.',
  },
  unknown_school: {
    meaning: "The school number is not one of the district's schools in PowerSchool.",
    fix: "Run pswb schools (it refreshes the district's schools from PowerSchool) and use one of their numbers.",
  },
  invalid_event: {
    meaning: 'An event does not have the shape the connector accepts; no event was accepted.',
    fix: 'Correct the fields the message names (docs/connector.md shows the event shape) and send again.',
  },
  event_conflict: {
    meaning:
      'An event id was given again with other contents; the stored event was kept as it was.',
    fix: 'Give each distinct event its own id: an id may be sent again only with the same contents.',
  },
  event_not_found: {
    meaning: 'No event with this id is in the log, or none you may see.',
    fix: 'Check the id (the one Visitor Management gave the event); building-scoped callers see only their buildings.',
  },
  event_busy: {
    meaning:
      'The event is being written right now, or changed while the correction was prepared, so it was not corrected or cancelled; nothing was changed.',
    fix: 'Try again in a few seconds, once the event has a final status.',
  },
  event_not_resendable: {
    meaning:
      'Only a Failed or Not attempted event can be sent again; this one is waiting, being sent, or Successful.',
    fix: 'Wait for it to finish; a Successful event is already in PowerSchool and is never sent twice.',
  },
  api_key_not_found: {
    meaning: 'No API key has this id.',
    fix: 'Run pswb keys list to see the ids of the keys in this data directory.',
  },
  user_exists: {
    meaning: 'A user with this email exists already; nothing was changed.',
    fix: 'Run pswb users list to see the users; pswb users reset-password <email> gives an existing user a new password.',
  },
  user_not_found: {
    meaning: 'No user of the admin page has this email or id.',
    fix: 'Run pswb users list to see the emails and ids of the users in this data directory.',
  },
  invalid_user: {
    meaning: "A user's email, role, schools or password is not valid; nothing was saved.",
    fix: 'Correct the value the message names (it says what is valid) and try again.',
  },
  invalid_filter: {
    meaning: 'A filter or option value is not valid.',
    fix: 'Use one of the valid values the message lists.',
  },
  no_current_year: {
    meaning: 'PowerSchool has no school year, or no attendance codes, for the school on that date.',
    fix: "Check the school's terms and attendance codes in PowerSchool, then import the codes again.",
  },
  settings_unreadable: {
    meaning:
      'The settings file is not valid JSON, or not a pswb settings document; it was left as it is.',
    fix: 'Restore it from a backup or correct the place the message names; or move it away and run pswb connect again.',
  },
  invalid_secret_key: {
    meaning:
      "The key that seals the settings' secrets is not usable: PSWB_SECRET_KEY or the key file does not hold a 32-byte key, or the key file can be read by group or others; nothing was read or saved with it.",
    fix: 'Give 32 random bytes as base64 or 64 hex characters (openssl rand -base64 32) in PSWB_SECRET_KEY or a key file only its owner can read (chmod 600 FILE); pswb secrets status shows which source is used.',
  },
  secret_key_missing: {
    meaning:
      'A secret in the settings is sealed (encrypted), but the key it needs is not there: no data directory secret.key, or PSWB_SECRET_KEY_FILE names a file that does not exist; nothing was changed.',
    fix: 'Restore secret.key from the backup it was kept with, or set PSWB_SECRET_KEY / PSWB_SECRET_KEY_FILE to the key; if the key is lost, save the secrets again (pswb connect, pswb alerts set).',
  },
  secret_undecryptable: {
    meaning:
      'A sealed secret in the settings does not open: it needs another key than the one given (the message names both key ids), or the stored value was changed or damaged; nothing was changed.',
    fix: "Give pswb the key with the id the message names (PSWB_SECRET_KEY, PSWB_SECRET_KEY_FILE or the data directory's secret.key); pswb secrets status shows the key in use and what each secret needs.",
  },
  store_newer: {
    meaning:
      'The writeback log was written by a newer pswb; this version did not open it for writing and changed nothing.',
    fix: 'Run the pswb version that wrote it, or a newer one.',
  },
  store_unreadable: {
    meaning: 'The writeback log file is not a pswb database, or is damaged; it was not changed.',
    fix: 'Restore connector.db from a backup, or use another data directory (--data-dir).',
  },
  store_busy: {
    meaning:
      "Another process held the writeback log's write lock longer than pswb waits (5 s), so this change was not made; nothing was lost or half-written.",
    fix: 'Try again in a moment. If it keeps happening, look for a long-running pswb command on the same data directory (a large writeback send or replay), or run the service alone.',
  },
  store_needs_migration: {
    meaning:
      "The PostgreSQL database has an older pswb schema, or none yet; pswb does not change a database's schema by itself, so nothing was read or written.",
    fix: 'Run pswb db migrate --database <url> (or with PSWB_DATABASE_URL set), then start pswb again.',
  },
  invalid_database_url: {
    meaning: 'The database URL is not a PostgreSQL connection URL; nothing was connected to.',
    fix: 'Give a URL of the form postgres://user:password@host:5432/database, with --database or PSWB_DATABASE_URL (percent-encode @, :, / or # in the password).',
  },
  database_unreachable: {
    meaning:
      'PostgreSQL could not be reached at the database URL, or refused the connection (server down, wrong host or port, wrong user or password, no such database).',
    fix: 'Check that the server is running and that the URL (--database or PSWB_DATABASE_URL) names its host, port, database, user and password, then try again.',
  },
  invalid_district: {
    meaning:
      'A district id or setting given to pswb is not valid (the message says which and what is valid); nothing was changed.',
    fix: 'Use an id of 1 to 63 lower-case letters, digits and dashes (e.g. lincoln-usd), and a concurrency from 1 to 64.',
  },
  district_exists: {
    meaning: 'The database already holds a district with this id; nothing was changed.',
    fix: 'Choose another id, or change that district with pswb districts set.',
  },
  district_not_found: {
    meaning: 'The database holds no district with this id.',
    fix: 'pswb districts list shows the districts of the database; pswb districts add adds one.',
  },
  not_on_postgres: {
    meaning:
      'The service runs on PostgreSQL (pswb serve --database), and this route or page is not served there yet: on PostgreSQL the API accepts events, shows one and lists the Writeback Logs.',
    fix: 'Use the embedded service (pswb serve --data-dir) for corrections, re-sends, reconciliation and the PowerSchool Setup page until they move to PostgreSQL (docs/deploy.md).',
  },
  data_dir_unusable: {
    meaning: 'The data directory cannot be created, read or written.',
    fix: 'Use a folder you can write: fix its permissions, or choose another with --data-dir or PSWB_DATA_DIR.',
  },
  disk_full: {
    meaning:
      'The disk holding the data directory is full: what was being written was not saved, and what was saved before is intact.',
    fix: 'Free space on that disk (or move the data directory), then run the command again.',
  },
  school_disabled: {
    meaning:
      "The school's Status is disabled on School Building Setup, so the event was not sent to PowerSchool.",
    fix: `Enter the event in PowerSchool by hand, or enable the school (pswb schools set --school <number> --status enabled --mode ...) and ${REPLAY} --status not_attempted.`,
  },
  unknown_school_in_event: {
    meaning:
      "The event's school number is not one of the district's schools in PowerSchool, so no record was written.",
    fix: `Check the school number Visitor Management sends; run pswb schools to refresh the list from PowerSchool, ${REPLAY}.`,
  },
  no_attendance_mode: {
    meaning:
      'The school is enabled but has no Attendance Mode, so the connector cannot tell which record to write.',
    fix: `Set the mode that matches PowerSchool: pswb schools set --school <number> --mode daily|time|meeting, ${REPLAY} --school <number>.`,
  },
  reason_not_mapped: {
    meaning:
      "The event's reason is not one of the school's PowerSchool attendance codes mapped for its event type.",
    fix: `Import and map the codes: pswb codes import --school <number> --late <codes> --early <codes>, ${REPLAY} --school <number>.`,
  },
  student_id_not_found: {
    meaning: "PowerSchool could not locate a valid ID when converting the student's DCID.",
    fix: `Verify that the correct student IDs are being shared between your SIS and Visitor Management, ${REPLAY}.`,
  },
  student_period_not_found: {
    meaning:
      "The time is not a scheduled period for the student in PowerSchool (Meeting mode writes the student's period at that time).",
    fix: `Confirm that the student had an active class/period at that time, ${REPLAY}.`,
  },
  kept_existing_record: {
    meaning:
      "PowerSchool already held a record for the student's day or period that pswb did not write (a teacher's mark), and the school's Existing attendance setting keeps such marks: nothing was written. Not a failure.",
    fix: "Nothing to do if the teacher's mark is right. To let pswb overwrite it, set Existing attendance to overwrite (pswb schools behaviours --school <number> --existing overwrite), then re-send the event.",
  },
  waiting_for_checkout: {
    meaning:
      "A check-in after the student's early check-out of the same day waits for the check-out to be written first, since the school's Return to school setting updates what the check-out wrote.",
    fix: 'Nothing to do: it is tried again in a few seconds. If the check-out failed, fix and re-send it first.',
  },
  checkout_record_missing: {
    meaning:
      "A return to school could not find, in PowerSchool, the record the student's early check-out wrote that day (someone changed or removed it), so there was nothing to update.",
    fix: "Check the student's attendance for the day in PowerSchool and correct it by hand.",
  },
  cancelled: {
    meaning:
      'An admin cancelled the event (entered for the wrong student, or by mistake): what it had written was removed from PowerSchool where PowerSchool allowed it. Not a failure.',
    fix: "Nothing to do. The event's earlier version, and the records removed, are kept in its log entry.",
  },
  remove_refused: {
    meaning:
      'PowerSchool refused to remove an attendance record (DELETE on the attendance table); whether PowerSchool allows it is not public, so pswb tries it and reports the refusal.',
    fix: "Remove the record by hand on the student's attendance page in PowerSchool, or set Return to school to change (pswb schools behaviours --return-to-school change --return-code <code>), then re-send.",
  },
  no_school_year: {
    meaning: 'PowerSchool has no year term covering the date at the school.',
    fix: `Check the school's calendar and terms in PowerSchool for the date, ${REPLAY}.`,
  },
  not_school_day: {
    meaning: 'The date is not an in-session school day with a bell schedule at the school.',
    fix: `Check the school's calendar for the date in PowerSchool, ${REPLAY}.`,
  },
  stored_event_unreadable: {
    meaning:
      'An event in the outbox could not be read back (its stored contents are damaged), so it was set aside as Failed; the other events went on.',
    fix: 'Send the event again from Visitor Management (or pswb writeback send) with a new id.',
  },
  contract_mismatch: {
    meaning:
      "A PowerQuery of the plugin answered records that do not match the connector's data contract.",
    fix: `Install the current Navigate360 Attendance Access plugin bundle (pswb plugin build), enable it, ${REPLAY}.`,
  },
  interrupted: {
    meaning: 'The run was stopped (Ctrl-C or SIGTERM) before the event was written.',
    fix: 'Run pswb writeback send --resume to send what is left in the outbox.',
  },
  internal: {
    meaning: 'An unexpected error inside pswb.',
    fix: 'Run the command again with --debug and report the stack trace to the pswb maintainers.',
  },
  bad_request: {
    meaning: 'PowerSchool refused the request (400): its message says why.',
    fix: "Read PowerSchool's message; docs/troubleshooting.md explains the common ones.",
  },
  unauthorized: {
    meaning:
      "PowerSchool denied the connection (401): it does not accept the plugin's credentials.",
    fix: 'Ensure the plugin is installed and enabled (on 25.2.0.0+ with Full Access for v1 APIs) and the URL, Client ID and Client Secret are right: pswb connect.',
  },
  forbidden: {
    meaning: 'PowerSchool refused the plugin access to a field or query (403).',
    fix: 'Install the current plugin bundle, enable it and approve its data access.',
  },
  not_found: {
    meaning: 'PowerSchool does not know the address called (404).',
    fix: 'Check the PowerSchool URL and that the current plugin bundle (with its PowerQueries) is installed.',
  },
  rate_limited: {
    meaning:
      'PowerSchool asked the connector to slow down (429) and kept doing so after every retry.',
    fix: "Lower the plugin's minimum interval between API requests in PowerSchool, or wait.",
  },
  http_error: {
    meaning: 'PowerSchool answered with an unexpected HTTP error.',
    fix: 'Read the status and body in the message; contact Navigate360 Support if it persists.',
  },
  server_error: {
    meaning: 'PowerSchool failed to handle the request (5xx) on every attempt.',
    fix: 'Wait until PowerSchool answers again, then try again.',
  },
  timeout: {
    meaning: 'PowerSchool did not answer in time on any attempt.',
    fix: 'Wait until PowerSchool answers normally (or raise the timeout), then try again.',
  },
  network: {
    meaning: 'PowerSchool could not be reached (no connection, or the connection was cut).',
    fix: 'Check the PowerSchool URL and the network, then try again.',
  },
  invalid_response: {
    meaning: "PowerSchool's answer did not have the shape the connector expects.",
    fix: 'Check that the URL is the PowerSchool server itself (not a proxy login page) and the plugin is current.',
  },
};
