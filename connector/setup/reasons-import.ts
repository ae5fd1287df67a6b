/**
 * Importing a school's PowerSchool attendance codes for the current year and mapping them as
 * Late Check-in and Early Check-out reasons; warning when mapped codes belong to another year
 * than the current term (PowerSchool then answers "doesn't match the term's year value").
 */
import { QUERY_NAMES } from '../../plugin/contract.ts';
import { type Clock, ConnectorError, toDistrictLocalTime } from '../domain/index.ts';
import {
  AttendanceCodeRow,
  type Lookups,
  parseRows,
  type PowerSchoolClient,
  runPowerQueryAllPages,
} from '../powerschool/index.ts';
import { assertCanSeeSchool, canSeeSchool, type Actor } from './roles.ts';
import type { ImportedCode, SchoolReasons, SettingsStore } from './settings.ts';

/** Which school and year to import, and which codes to map. */
export interface CodeImportOptions {
  schoolNumber: number;
  /** The date whose school year to import (district-local YYYY-MM-DD); today by default. */
  date?: string;
  /** Import this yearid instead of the date's. */
  yearid?: number;
  /** att_codes to map as Late Check-in reasons; default: the earlier mapping, else all. */
  late?: string[];
  /** att_codes to map as Early Check-out reasons; default: the earlier mapping, else all. */
  early?: string[];
}

/** What an import stored, with warnings about dropped mappings. */
export interface CodeImportResult {
  schoolNumber: number;
  yearid: number;
  codes: ImportedCode[];
  lateCheckin: string[];
  earlyCheckout: string[];
  warnings: string[];
}

/** What import and checks need. */
export interface ReasonsContext {
  client: PowerSchoolClient;
  lookups: Lookups;
  settings: SettingsStore;
  clock: Clock;
}

/** "2025-2026" for yearid 35 (yearid = first calendar year - 1990). */
export function schoolYearLabel(yearid: number): string {
  return `${1990 + yearid}-${1991 + yearid}`;
}

/** Today's date in the district. */
export async function districtToday(context: ReasonsContext): Promise<string> {
  const { districtTimezone } = await context.lookups.metadata();
  return toDistrictLocalTime(context.clock.now(), districtTimezone).date;
}

/** The school's current yearid on a date (its year term), or undefined outside every year. */
export async function currentYearid(
  context: ReasonsContext,
  schoolNumber: number,
  date: string,
): Promise<number | undefined> {
  return (await context.lookups.schoolDay(schoolNumber, date))?.yearid;
}

/** Imports the codes and saves the mapping; throws naming valid codes for a bad mapping. */
export async function importAttendanceCodes(
  context: ReasonsContext,
  actor: Actor,
  options: CodeImportOptions,
): Promise<CodeImportResult> {
  const school = options.schoolNumber;
  assertCanSeeSchool(actor, school);
  const date = options.date ?? (await districtToday(context));
  const yearid = options.yearid ?? (await currentYearid(context, school, date));
  if (yearid === undefined) {
    throw new ConnectorError(
      'no_current_year',
      `PowerSchool has no school year for school ${school} on ${date}. Pass --date with a day inside the school year, or --yearid.`,
    );
  }
  const codes = await fetchAttendanceCodes(context, school, yearid);
  const previous = context.settings.get().reasons[String(school)];
  const warnings: string[] = [];
  const lateCheckin = chooseMapping(
    codes,
    options.late,
    previous?.lateCheckin,
    'Late Check-in',
    warnings,
  );
  const earlyCheckout = chooseMapping(
    codes,
    options.early,
    previous?.earlyCheckout,
    'Early Check-out',
    warnings,
  );
  const reasons: SchoolReasons = {
    yearid,
    importedAt: context.clock.now().toISOString(),
    codes,
    lateCheckin,
    earlyCheckout,
  };
  await context.settings.update((draft) => {
    draft.reasons[String(school)] = reasons;
  });
  return { schoolNumber: school, yearid, codes, lateCheckin, earlyCheckout, warnings };
}

/**
 * Maps a school's imported codes as Late Check-in and Early Check-out reasons, without asking
 * PowerSchool again (the page's mapping form); each code must be one of the imported codes.
 */
export async function mapReasonCodes(
  settings: SettingsStore,
  actor: Actor,
  schoolNumber: number,
  mapping: { late: string[]; early: string[] },
): Promise<SchoolReasons> {
  assertCanSeeSchool(actor, schoolNumber);
  const current = settings.get().reasons[String(schoolNumber)];
  if (!current) {
    throw new ConnectorError(
      'invalid_settings',
      `School ${schoolNumber} has no imported attendance codes yet: import them first, then map them.`,
    );
  }
  const warnings: string[] = [];
  const lateCheckin = chooseMapping(
    current.codes,
    mapping.late,
    undefined,
    'Late Check-in',
    warnings,
  );
  const earlyCheckout = chooseMapping(
    current.codes,
    mapping.early,
    undefined,
    'Early Check-out',
    warnings,
  );
  const saved = await settings.update((draft) => {
    const reasons = draft.reasons[String(schoolNumber)];
    if (reasons) Object.assign(reasons, { lateCheckin, earlyCheckout });
  });
  return saved.reasons[String(schoolNumber)]!;
}

/** What the audit log keeps of a school's reasons: the year, the codes and the mapping. */
export function reasonsAuditView(reasons: SchoolReasons) {
  return {
    yearid: reasons.yearid,
    codes: reasons.codes.map((code) => code.attCode),
    lateCheckin: reasons.lateCheckin,
    earlyCheckout: reasons.earlyCheckout,
  };
}

/** A school's codes for one year; refuses plainly when PowerSchool has none. */
async function fetchAttendanceCodes(
  context: ReasonsContext,
  school: number,
  yearid: number,
): Promise<ImportedCode[]> {
  const rows = await runPowerQueryAllPages(
    context.client,
    QUERY_NAMES.attendanceCodes,
    { schoolid: String(school), yearid: String(yearid) },
    { pageSize: 100 },
  );
  const codes = parseRows(AttendanceCodeRow, rows, QUERY_NAMES.attendanceCodes).map(
    (row): ImportedCode => ({
      id: row.id,
      attCode: row.att_code,
      description: row.description ?? row.att_code,
      yearid: row.yearid,
      ...(row.presence_status_cd ? { presenceStatus: row.presence_status_cd } : {}),
    }),
  );
  if (codes.length === 0) {
    throw new ConnectorError(
      'no_current_year',
      `PowerSchool has no attendance codes for school ${school} in ${schoolYearLabel(yearid)} (yearid ${yearid}). Add them in PowerSchool's Attendance Codes for that year, then import again.`,
    );
  }
  return codes;
}

function chooseMapping(
  codes: readonly ImportedCode[],
  requested: string[] | undefined,
  previous: string[] | undefined,
  label: string,
  warnings: string[],
): string[] {
  const available = new Map(codes.map((code) => [code.attCode.toLowerCase(), code.attCode]));
  if (requested) {
    const unknown = requested.filter((code) => !available.has(code.toLowerCase()));
    if (unknown.length > 0) {
      throw new ConnectorError(
        'invalid_settings',
        `${label} code(s) ${unknown.join(', ')} are not attendance codes of this school and year. Valid: ${[...available.values()].join(', ')}.`,
      );
    }
    return requested.map((code) => available.get(code.toLowerCase())!);
  }
  if (!previous) return [...available.values()];
  const kept = previous.filter((code) => available.has(code.toLowerCase()));
  const dropped = previous.filter((code) => !available.has(code.toLowerCase()));
  if (dropped.length > 0) {
    warnings.push(
      `${label} reason(s) ${dropped.join(', ')} no longer exist in this year's codes and were unmapped.`,
    );
  }
  return kept.map((code) => available.get(code.toLowerCase())!);
}

/** One school whose mapped reasons are from another year than its current term. */
export interface ReasonYearWarning {
  schoolNumber: number;
  mappedYearids: number[];
  currentYearid: number;
  message: string;
}

/** Compares each visible school's mapped codes with the yearid of the term containing `date`. */
export async function checkReasonYears(
  context: ReasonsContext,
  actor: Actor,
  date?: string,
): Promise<ReasonYearWarning[]> {
  const today = date ?? (await districtToday(context));
  const warnings: ReasonYearWarning[] = [];
  for (const [key, reasons] of Object.entries(context.settings.get().reasons)) {
    const schoolNumber = Number(key);
    if (!canSeeSchool(actor, schoolNumber)) continue;
    const current = await currentYearid(context, schoolNumber, today);
    if (current === undefined) continue;
    const mapped = new Set([...reasons.lateCheckin, ...reasons.earlyCheckout]);
    const years = [
      ...new Set(reasons.codes.filter((code) => mapped.has(code.attCode)).map((c) => c.yearid)),
    ];
    const stale = years.filter((yearid) => yearid !== current);
    if (stale.length === 0) continue;
    warnings.push({
      schoolNumber,
      mappedYearids: years,
      currentYearid: current,
      message: `School ${schoolNumber}'s reasons are attendance codes of ${stale.map(schoolYearLabel).join(', ')} (yearid ${stale.join(', ')}), but the current term is ${schoolYearLabel(current)} (yearid ${current}): PowerSchool will refuse them with "doesn't match the term's year value". Run pswb codes import --school ${schoolNumber}.`,
    });
  }
  return warnings;
}
