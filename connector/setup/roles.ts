/**
 * Who is acting: a district admin sees and edits everything; a building admin only the schools
 * assigned to their profile, and edits them only while the district allows school overrides.
 */
import { ConnectorError } from '../domain/index.ts';

/** The caller of a library function. */
export type Actor = { role: 'district_admin' } | { role: 'building_admin'; schools: number[] };

/** The district admin actor. */
export const DISTRICT_ADMIN: Actor = { role: 'district_admin' };

/** Parses the CLI's --as value: "district" or "building:101,102". */
export function parseActor(text: string | undefined): Actor {
  if (text === undefined || text === 'district') return DISTRICT_ADMIN;
  const match = /^building:(\d+(?:,\d+)*)$/.exec(text.trim());
  if (!match) {
    throw new ConnectorError(
      'invalid_filter',
      `--as "${text}" is not valid: use "district" (a district admin) or "building:101,102" (a building admin assigned to schools 101 and 102).`,
    );
  }
  return { role: 'building_admin', schools: match[1]!.split(',').map(Number) };
}

/** Describes an actor for messages: "a district admin" or "a building admin of 101, 102". */
export function describeActor(actor: Actor): string {
  return actor.role === 'district_admin'
    ? 'a district admin'
    : `a building admin of school(s) ${actor.schools.join(', ') || '(none)'}`;
}

/** True when the actor may see a school's settings and log. */
export function canSeeSchool(actor: Actor, schoolNumber: number): boolean {
  return actor.role === 'district_admin' || actor.schools.includes(schoolNumber);
}

/** The schools the actor may see, or undefined for "all". */
export function visibleSchools(actor: Actor): number[] | undefined {
  return actor.role === 'district_admin' ? undefined : [...actor.schools];
}

/** Throws unless the actor may see the school. */
export function assertCanSeeSchool(actor: Actor, schoolNumber: number): void {
  if (canSeeSchool(actor, schoolNumber)) return;
  throw new ConnectorError(
    'permission_denied',
    `School ${schoolNumber} is not assigned to you (${describeActor(actor)}): building admins see and edit only the schools on their user profile. Ask a district admin, or pick one of your schools.`,
  );
}

/** Throws unless the actor may change a school's status or attendance mode. */
export function assertCanEditSchool(
  actor: Actor,
  schoolNumber: number,
  preventSchoolOverrides: boolean,
): void {
  assertCanSeeSchool(actor, schoolNumber);
  if (actor.role === 'building_admin' && preventSchoolOverrides) {
    throw new ConnectorError(
      'permission_denied',
      `The district has Prevent School Overrides turned on, so only a district admin can change school ${schoolNumber}'s status or attendance mode. Ask a district admin to make the change, or to turn Prevent School Overrides off.`,
    );
  }
}

/** Throws unless the actor is a district admin; `what` names the refused action. */
export function assertDistrictAdmin(actor: Actor, what: string): void {
  if (actor.role === 'district_admin') return;
  throw new ConnectorError(
    'permission_denied',
    `Only a district admin can ${what}; you are ${describeActor(actor)}. Ask a district admin.`,
  );
}
