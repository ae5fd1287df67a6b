/**
 * Troubleshooting entries for outcomes the connector decides itself, before anything is sent:
 * a disabled school, a missing mode or reason mapping, a date outside the school year, no saved
 * connection. Part of the one catalogue in troubleshooting.ts.
 */
import { CONNECTOR_FAILURES, type ConnectorErrorCode } from '../domain/index.ts';
import type { FailureFacts, TroubleshootingEntry } from './entry.ts';

const byCode =
  (code: string) =>
  (failure: FailureFacts): boolean =>
    failure.code === code;

/** An entry whose meaning and fix are the code's own (failure-codes.ts), said once. */
function entryOf(
  code: ConnectorErrorCode,
  facts: Pick<TroubleshootingEntry, 'title' | 'source' | 'example' | 'causes'>,
): TroubleshootingEntry {
  const { meaning, fix } = CONNECTOR_FAILURES[code];
  return {
    id: code,
    kind: 'connector',
    ...facts,
    meaning,
    resolution: [fix],
    matches: byCode(code),
  };
}

/** The connector's own entries, in catalogue order. */
export const CONNECTOR_ENTRIES: readonly TroubleshootingEntry[] = [
  {
    id: 'school_disabled',
    title: 'Writeback is disabled for the school',
    kind: 'connector',
    source: 'guide',
    example: 'Writeback is disabled for school 101, so the event was not sent to PowerSchool.',
    meaning:
      "The school's Status is disabled on School Building Setup: the connector does not transfer its late check-ins and early check-outs, and the event was not attempted.",
    causes: ['The school opted out of PowerSchool writebacks.'],
    resolution: [
      "Enter the event in the school's PowerSchool by hand, or enable the school (pswb schools set --school <number> --status enabled --mode ...) and re-send: pswb writeback replay --status not_attempted.",
    ],
    matches: byCode('school_disabled'),
  },
  {
    id: 'no_attendance_mode',
    title: 'No Attendance Mode is set for the school',
    kind: 'connector',
    source: 'guide',
    example: 'No Attendance Mode is set for school 101: choose Daily, Time or Meeting.',
    meaning:
      'The school is enabled but has no Attendance Mode; an enabled school needs one to know which kind of record to write.',
    causes: ['School Building Setup was not completed for this school.'],
    resolution: [
      "Set the mode that matches PowerSchool's attendance recording method: pswb schools set --school <number> --mode daily|time|meeting, then pswb writeback replay --school <number>.",
    ],
    matches: byCode('no_attendance_mode'),
  },
  {
    id: 'reason_not_mapped',
    title: 'The reason is not mapped to a PowerSchool attendance code',
    kind: 'connector',
    source: 'inferred',
    example:
      'The reason "Doctor" is not mapped to a PowerSchool attendance code for Late Check-in at school 101.',
    meaning:
      "The event's reason is not one of the school's imported PowerSchool attendance codes mapped as a Late Check-in or Early Check-out reason.",
    causes: [
      "The school's attendance codes were never imported, or the reason was not mapped for this event type.",
    ],
    resolution: [
      'Import and map the codes: pswb codes import --school <number> --late <codes> --early <codes>, then pswb writeback replay --school <number>.',
    ],
    matches: byCode('reason_not_mapped'),
  },
  entryOf('kept_existing_record', {
    title: "A teacher's mark was kept (existing attendance)",
    source: 'inferred',
    example:
      'Kept existing record: PowerSchool already holds Period 2: TE for this student on 2026-10-14, entered by someone other than pswb, and school 103 keeps existing marks. Nothing was written.',
    causes: [
      "A teacher took attendance for the period or day before the visitor-management event was written, and the school's Existing attendance setting is keep (or overwrite only listed codes).",
    ],
  }),
  entryOf('waiting_for_checkout', {
    title: "A return to school waits for the student's early check-out",
    source: 'inferred',
    example:
      "Waiting for the student's early check-out of the day to be written first (return to school).",
    causes: [
      'The check-out and the check-in arrived close together, or the check-out waits for PowerSchool.',
    ],
  }),
  entryOf('checkout_record_missing', {
    title: 'A return to school found no check-out record to update',
    source: 'inferred',
    example:
      'The early check-out at 10:00 wrote a Time record of 200 minutes, which PowerSchool no longer holds for this student on 2026-10-14, so the return to school had nothing to update.',
    causes: ["Someone changed or removed the check-out's record in PowerSchool."],
  }),
  entryOf('remove_refused', {
    title: 'PowerSchool refused to remove an attendance record',
    source: 'inferred',
    example: 'PowerSchool refused to remove attendance record 812 (The day: ED): HTTP 403.',
    causes: [
      'This PowerSchool does not allow deleting ATTENDANCE rows through the API (PowerSchool documents DELETE for extension tables and "a few core tables" only), or the plugin lacks write access to ATTENDANCE.',
    ],
  }),
  {
    id: 'no_school_year',
    title: 'No school year or school day for the date',
    kind: 'connector',
    source: 'inferred',
    example: 'Could not find a school year for school 101 on 2026-07-04.',
    meaning:
      'PowerSchool has no year term covering the date at this school, or the date is not an in-session calendar day with a bell schedule, so no Daily or Time record can be placed on it.',
    causes: [
      'The event happened outside the school year or on a day the school calendar marks as not in session.',
    ],
    resolution: [
      "Check the school's calendar and terms in PowerSchool for the date, then re-send: pswb writeback replay.",
    ],
    matches: (failure) => failure.code === 'no_school_year' || failure.code === 'not_school_day',
  },
  {
    id: 'not_connected',
    title: 'The connector is not connected to PowerSchool',
    kind: 'connector',
    source: 'inferred',
    example: 'No PowerSchool connection is saved: run pswb connect first.',
    meaning:
      'The Settings tab was never saved, so there is no URL, Client ID or Client Secret to use.',
    causes: ['pswb connect was not run for this data directory.'],
    resolution: [
      'Run pswb connect --url ... --client-id ... with PSWB_CLIENT_SECRET set, then pswb writeback replay.',
    ],
    matches: byCode('not_connected'),
  },
  {
    id: 'secret_key',
    title: "The settings' secrets cannot be opened",
    kind: 'connector',
    source: 'inferred',
    example:
      'connection.clientSecret in /srv/pswb/data/connector-settings.json is sealed with key id 1f3a9c2e, but the key given (PSWB_SECRET_KEY) has key id 7b0d44a1; nothing was changed.',
    meaning:
      "The Client Secret, the alerts' SMTP URL and webhook secret are sealed (AES-256-GCM) in the settings file with a key kept apart from it; pswb could not open them, so it did not start and changed nothing.",
    causes: [
      'The key given is not the one the secrets were sealed with (the message names both key ids): PSWB_SECRET_KEY or PSWB_SECRET_KEY_FILE points at another key, or the data directory was copied without its secret.key.',
      'The key file can be read by group or others (pswb refuses it, as ssh refuses such a private key), or does not hold a 32-byte key.',
      'The settings file was changed by hand or damaged after it was written.',
    ],
    resolution: [
      'Run pswb secrets status: it names the key source in use, its key id, and the key id each secret needs.',
      'Give pswb that key (PSWB_SECRET_KEY, PSWB_SECRET_KEY_FILE, or restore secret.key beside the settings; chmod 600 it). If the key is lost, save the secrets again: pswb connect, pswb alerts set.',
    ],
    matches: (failure) =>
      failure.code === 'secret_undecryptable' ||
      failure.code === 'secret_key_missing' ||
      failure.code === 'invalid_secret_key',
  },
];
