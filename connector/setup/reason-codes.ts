/**
 * Reasons: a school's PowerSchool attendance codes mapped as Late Check-in and Early Check-out
 * reasons, and the lookup from an event's reason to the code id a record carries.
 */
import type { ImportedCode, SchoolReasons } from './settings.ts';
import type { EventType } from '../domain/index.ts';

/** The att_codes mapped for one event type. */
export function mappedCodes(reasons: SchoolReasons, type: EventType): string[] {
  return type === 'late_checkin' ? reasons.lateCheckin : reasons.earlyCheckout;
}

/**
 * The code for an event's reason: the reason may be the att_code ("T") or the code's
 * description ("Tardy"), any case, among the codes mapped for the event type.
 */
export function findReasonCode(
  reasons: SchoolReasons | undefined,
  type: EventType,
  reason: string,
): ImportedCode | undefined {
  if (!reasons) return undefined;
  const wanted = reason.trim().toLowerCase();
  const mapped = new Set(mappedCodes(reasons, type).map((code) => code.toLowerCase()));
  const candidates = reasons.codes.filter((code) => mapped.has(code.attCode.toLowerCase()));
  return (
    candidates.find((code) => code.attCode.toLowerCase() === wanted) ??
    candidates.find((code) => code.description.toLowerCase() === wanted)
  );
}
