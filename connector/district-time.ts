/**
 * Converts an event's instant to the district's wall clock: the local date (YYYY-MM-DD) and the
 * seconds since local midnight, which is how bell schedules store times. Done with Intl so
 * daylight-saving changes come from the time zone database, not from offset arithmetic.
 */

/** An instant as the district's clocks show it. */
export interface DistrictLocalTime {
  /** YYYY-MM-DD in the district time zone. */
  date: string;
  /** Wall-clock seconds since local midnight (09:15:30 -> 33330). */
  secondsSinceMidnight: number;
  timeZone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the IANA time zone name. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The district-local date and wall-clock seconds of an instant. */
export function toDistrictLocalTime(instant: Date, timeZone: string): DistrictLocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const hour = Number(parts.hour) % 24;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    secondsSinceMidnight: hour * 3600 + Number(parts.minute) * 60 + Number(parts.second),
    timeZone,
  };
}

/** Renders seconds since midnight as HH:MM (33330 -> "09:15"). */
export function formatClockTime(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}
