/**
 * A school's writeback behaviours beyond the guide, each one a School Building Setup setting
 * whose absence is the guide's behaviour: the periods a Meeting-mode event also covers, what to do
 * with a record PowerSchool already holds, and what a return to school after an early check-out
 * updates. Codes are the school's imported attendance codes, named by att_code ("A").
 */
import {
  ConnectorError,
  EXISTING_POLICIES,
  RETURN_POLICIES,
  listValues,
  type ExistingPolicy,
  type ReturnPolicy,
} from '../domain/index.ts';
import { assertCanEditSchool, type Actor } from './roles.ts';
import type {
  ConnectorSettings,
  ImportedCode,
  SchoolBehaviours,
  SettingsStore,
} from './settings.ts';

/** A requested change: a field left out stays as it is; null or "" clears it. */
export interface BehavioursChange {
  missedBefore?: string | null;
  missedAfter?: string | null;
  existing?: ExistingPolicy | null;
  overwritable?: readonly string[] | null;
  returnToSchool?: ReturnPolicy | null;
  returnCode?: string | null;
}

/** The behaviours of a school with each default filled in (what the pipeline follows). */
export interface EffectiveBehaviours {
  missedBefore?: string;
  missedAfter?: string;
  existing: ExistingPolicy;
  overwritable: string[];
  returnToSchool: ReturnPolicy;
  returnCode?: string;
}

/** The school's behaviours, the guide's where none is set. */
export function effectiveBehaviours(
  settings: ConnectorSettings,
  schoolNumber: number,
): EffectiveBehaviours {
  const stored = settings.schools[String(schoolNumber)]?.behaviours ?? {};
  return {
    ...(stored.missedBefore ? { missedBefore: stored.missedBefore } : {}),
    ...(stored.missedAfter ? { missedAfter: stored.missedAfter } : {}),
    existing: stored.existing ?? 'overwrite',
    overwritable: stored.overwritable ?? [],
    returnToSchool: stored.returnToSchool ?? 'separate',
    ...(stored.returnCode ? { returnCode: stored.returnCode } : {}),
  };
}

/** The school's imported code with this att_code (any case), if any. */
export function codeByAttCode(
  settings: ConnectorSettings,
  schoolNumber: number,
  attCode: string,
): ImportedCode | undefined {
  const wanted = attCode.trim().toLowerCase();
  return settings.reasons[String(schoolNumber)]?.codes.find(
    (code) => code.attCode.toLowerCase() === wanted,
  );
}

/** What the audit log keeps of a school's behaviours (nothing secret in them). */
export function behavioursAuditView(behaviours: SchoolBehaviours | undefined): SchoolBehaviours {
  return { ...(behaviours ?? {}) };
}

function invalid(message: string): ConnectorError {
  return new ConnectorError('invalid_settings', message);
}

/** One att_code checked against the school's imported codes; returns PowerSchool's spelling. */
function requireCode(
  settings: ConnectorSettings,
  schoolNumber: number,
  attCode: string,
  what: string,
): string {
  const reasons = settings.reasons[String(schoolNumber)];
  if (!reasons) {
    throw invalid(
      `${what}: school ${schoolNumber} has no attendance codes imported yet, so "${attCode}" cannot be checked. Import them first (pswb codes import --school ${schoolNumber}, or the Reasons tab).`,
    );
  }
  const code = codeByAttCode(settings, schoolNumber, attCode);
  if (!code) {
    const known = reasons.codes.map((c) => c.attCode).join(', ') || '(none)';
    throw invalid(
      `${what}: "${attCode}" is not one of school ${schoolNumber}'s attendance codes. Valid: ${known}.`,
    );
  }
  return code.attCode;
}

const cleared = (value: string | null | undefined): boolean => value === null || value === '';

/** The behaviours after a change, checked whole; throws invalid_settings naming what is wrong. */
export function applyBehavioursChange(
  settings: ConnectorSettings,
  schoolNumber: number,
  change: BehavioursChange,
): SchoolBehaviours {
  const next: SchoolBehaviours = {
    ...(settings.schools[String(schoolNumber)]?.behaviours ?? {}),
  };
  for (const key of ['missedBefore', 'missedAfter', 'returnCode'] as const) {
    const value = change[key];
    if (value === undefined) continue;
    if (cleared(value)) delete next[key];
    else {
      const what = {
        missedBefore: 'Periods missed before a late check-in',
        missedAfter: 'Periods missed after an early check-out',
        returnCode: 'Return to school',
      }[key];
      next[key] = requireCode(settings, schoolNumber, value!, what);
    }
  }
  if (change.existing !== undefined) {
    if (change.existing === null) delete next.existing;
    else if (!EXISTING_POLICIES.includes(change.existing)) {
      throw invalid(
        `Existing attendance "${String(change.existing)}" is not valid. Valid: ${listValues(EXISTING_POLICIES)}.`,
      );
    } else next.existing = change.existing;
  }
  if (change.overwritable !== undefined) {
    const codes = (change.overwritable ?? []).map((code) => code.trim()).filter(Boolean);
    if (codes.length === 0) delete next.overwritable;
    else {
      next.overwritable = [
        ...new Set(
          codes.map((code) => requireCode(settings, schoolNumber, code, 'Codes to overwrite')),
        ),
      ];
    }
  }
  if (change.returnToSchool !== undefined) {
    if (change.returnToSchool === null) delete next.returnToSchool;
    else if (!RETURN_POLICIES.includes(change.returnToSchool)) {
      throw invalid(
        `Return to school "${String(change.returnToSchool)}" is not valid. Valid: ${listValues(RETURN_POLICIES)}.`,
      );
    } else next.returnToSchool = change.returnToSchool;
  }
  if (next.existing === 'overwrite_listed' && !next.overwritable?.length) {
    throw invalid(
      `Existing attendance "overwrite_listed" needs the codes that may be overwritten (for example --overwritable A,U). Or choose overwrite or keep.`,
    );
  }
  if (next.returnToSchool === 'change' && !next.returnCode) {
    throw invalid(
      `Return to school "change" needs the code the early check-out's records are changed to (for example --return-code P). Or choose remove or separate.`,
    );
  }
  // The guide's behaviour is stored as nothing at all.
  if (next.existing === 'overwrite') delete next.existing;
  if (next.returnToSchool === 'separate') delete next.returnToSchool;
  return next;
}

/**
 * Changes one school's behaviours, with the same rule as its Status and Attendance Mode: district
 * admins any school, building admins their own while Prevent School Overrides is off.
 */
export async function setSchoolBehaviours(
  store: SettingsStore,
  actor: Actor,
  schoolNumber: number,
  change: BehavioursChange,
): Promise<SchoolBehaviours> {
  const current = store.get();
  assertCanEditSchool(actor, schoolNumber, current.preventSchoolOverrides);
  if (!current.schools[String(schoolNumber)]) {
    const known = Object.keys(current.schools).join(', ') || '(none yet: run pswb schools)';
    throw new ConnectorError(
      'unknown_school',
      `School ${schoolNumber} is not one of the district's schools in PowerSchool. Known school numbers: ${known}.`,
    );
  }
  const next = applyBehavioursChange(current, schoolNumber, change);
  const saved = await store.update((draft) => {
    const school = draft.schools[String(schoolNumber)]!;
    if (Object.keys(next).length === 0) delete school.behaviours;
    else school.behaviours = next;
  });
  return saved.schools[String(schoolNumber)]!.behaviours ?? {};
}
