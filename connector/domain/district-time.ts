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

/**
 * Local date and start-of-minute seconds by zone and UTC minute. Intl's formatToParts was a
 * measured share of a run's CPU (docs/benchmarks.md, figure 3) and a morning's events fall in a
 * few hundred minutes. Every UTC offset since 1972 is a whole number of minutes, so the second
 * within the minute is the same locally and in UTC.
 */
const minutes = new Map<string, { date: string; minuteStart: number }>();
const MINUTES_KEPT = 10_000;

/** The district-local date and wall-clock seconds of an instant. */
export function toDistrictLocalTime(instant: Date, timeZone: string): DistrictLocalTime {
  const ms = instant.getTime();
  const minute = Math.floor(ms / 60_000);
  const key = `${timeZone}|${minute}`;
  let local = minutes.get(key);
  if (!local) {
    const parts: Record<string, string> = {};
    const startOfMinute = new Date(minute * 60_000);
    for (const part of formatterFor(timeZone).formatToParts(startOfMinute)) {
      parts[part.type] = part.value;
    }
    const hour = Number(parts.hour) % 24;
    local = {
      date: `${parts.year}-${parts.month}-${parts.day}`,
      minuteStart: hour * 3600 + Number(parts.minute) * 60,
    };
    if (minutes.size >= MINUTES_KEPT) minutes.clear();
    minutes.set(key, local);
  }
  const second = Math.floor((ms - minute * 60_000) / 1000);
  return { date: local.date, secondsSinceMidnight: local.minuteStart + second, timeZone };
}

/** Renders seconds since midnight as HH:MM (33330 -> "09:15"). */
export function formatClockTime(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}
