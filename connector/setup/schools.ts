/**
 * School Building Setup: the district's schools from PowerSchool, each with a Status (enabled
 * by default) and an Attendance Mode (required while enabled), and the district's Prevent School
 * Overrides switch. District admins edit every school; building admins only their own, and only
 * while overrides are allowed.
 */
import {
  ATTENDANCE_MODES,
  type AttendanceMode,
  ConnectorError,
  listValues,
} from '../domain/index.ts';
import {
  listDistrictSchools,
  type PowerSchoolClient,
  type PowerSchoolSchool,
} from '../powerschool/index.ts';
import { assertCanEditSchool, assertDistrictAdmin, canSeeSchool, type Actor } from './roles.ts';
import type { ConnectorSettings, SchoolSetup, SettingsStore } from './settings.ts';

/** A school as School Building Setup shows it to one actor. */
export interface SchoolView extends SchoolSetup {
  /** Whether this actor may change it now, and why not. */
  editable: boolean;
  lockedReason?: string;
}

/** One school's requested change. */
export interface SchoolChange {
  schoolNumber: number;
  enabled?: boolean;
  /** null clears the mode (allowed only while the school is disabled). */
  mode?: AttendanceMode | null;
}

/** What the audit log keeps of a school's writeback settings. */
export function schoolAuditView(school: SchoolSetup) {
  return {
    schoolNumber: school.schoolNumber,
    name: school.name,
    enabled: school.enabled,
    mode: school.mode ?? null,
  };
}

/** Adds schools PowerSchool lists that the settings do not know yet (enabled, no mode). */
export function mergeSchools(
  settings: ConnectorSettings,
  schools: readonly PowerSchoolSchool[],
): void {
  for (const school of schools) {
    const key = String(school.schoolNumber);
    const known = settings.schools[key];
    settings.schools[key] = known
      ? { ...known, name: school.name, dcid: school.dcid }
      : { schoolNumber: school.schoolNumber, name: school.name, dcid: school.dcid, enabled: true };
  }
}

/** Fetches the district's schools from PowerSchool and records any new ones. */
export async function refreshSchools(
  client: PowerSchoolClient,
  store: SettingsStore,
  pageSize?: number,
): Promise<ConnectorSettings> {
  const schools = await listDistrictSchools(client, pageSize === undefined ? {} : { pageSize });
  return store.update((draft) => mergeSchools(draft, schools));
}

/** The schools an actor sees, with whether each is editable by them. */
export function viewSchools(settings: ConnectorSettings, actor: Actor): SchoolView[] {
  return Object.values(settings.schools)
    .filter((school) => canSeeSchool(actor, school.schoolNumber))
    .sort((a, b) => a.schoolNumber - b.schoolNumber)
    .map((school) => {
      try {
        assertCanEditSchool(actor, school.schoolNumber, settings.preventSchoolOverrides);
        return { ...school, editable: true };
      } catch (error) {
        return { ...school, editable: false, lockedReason: (error as Error).message };
      }
    });
}

/**
 * Applies changes to several schools at once, all or nothing: each must be visible and editable
 * by the actor, and an enabled school must end with an Attendance Mode.
 */
export async function updateSchools(
  store: SettingsStore,
  actor: Actor,
  changes: readonly SchoolChange[],
): Promise<SchoolView[]> {
  const current = store.get();
  for (const change of changes) {
    assertCanEditSchool(actor, change.schoolNumber, current.preventSchoolOverrides);
    const school = current.schools[String(change.schoolNumber)];
    if (!school) {
      const known = Object.keys(current.schools).join(', ') || '(none yet: run pswb schools)';
      throw new ConnectorError(
        'unknown_school',
        `School ${change.schoolNumber} is not one of the district's schools in PowerSchool. Known school numbers: ${known}.`,
      );
    }
    if (
      change.mode !== undefined &&
      change.mode !== null &&
      !ATTENDANCE_MODES.includes(change.mode)
    ) {
      throw new ConnectorError(
        'invalid_settings',
        `Attendance Mode "${String(change.mode)}" is not valid. Valid: ${listValues(ATTENDANCE_MODES)}.`,
      );
    }
    const enabled = change.enabled ?? school.enabled;
    const mode = change.mode === null ? undefined : (change.mode ?? school.mode);
    if (enabled && !mode) {
      throw new ConnectorError(
        'invalid_settings',
        `School ${change.schoolNumber} is enabled, so an Attendance Mode must be selected to save: ${listValues(ATTENDANCE_MODES)} (it must match the school's attendance method in PowerSchool). Or disable the school.`,
      );
    }
  }
  const saved = await store.update((draft) => {
    for (const change of changes) {
      const school = draft.schools[String(change.schoolNumber)]!;
      if (change.enabled !== undefined) school.enabled = change.enabled;
      if (change.mode === null) delete school.mode;
      else if (change.mode !== undefined) school.mode = change.mode;
    }
  });
  return viewSchools(saved, actor);
}

/** Turns the district's Prevent School Overrides on or off (district admins only). */
export async function setPreventSchoolOverrides(
  store: SettingsStore,
  actor: Actor,
  prevent: boolean,
): Promise<ConnectorSettings> {
  assertDistrictAdmin(actor, 'change Prevent School Overrides');
  return store.update((draft) => {
    draft.preventSchoolOverrides = prevent;
  });
}
