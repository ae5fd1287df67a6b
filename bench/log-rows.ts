/**
 * A school year of writeback log rows for a large district, generated deterministically: 40
 * buildings, 100,000 students with distinct-looking names, events in time order over 180 school
 * days, 90% Successful, 8% Failed (with PowerSchool's messages), 2% Not attempted.
 */
import type { EventOutcome, LocalStamp } from '../connector/store/index.ts';
import type { WritebackEvent } from '../connector/domain/index.ts';
import { mulberry32 } from '../simulator/platform/random.ts';

const SCHOOLS = 40;
const STUDENTS = 100_000;
const SCHOOL_DAYS = 180;
const FIRST_DAY = Date.UTC(2026, 7, 17); // Monday 2026-08-17

const FIRST_NAMES = ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'James', 'Mia'];
const MORE_FIRST = ['Lucas', 'Harper', 'Henry', 'Evelyn', 'Daniel', 'Priya', 'Wei', 'Omar', 'Zara'];
const SYLLABLES = ['ka', 'ren', 'mo', 'li', 'sa', 'tor', 'vel', 'an', 'dri', 'bel', 'co', 'mar'];
const YEAR_MISMATCH_BODY =
  '{"message":"Record Not Saved. : 35 doesn\'t match the term\'s year value: 36.","errors":[{"resource":"attendance","field":"attendance_codeid","code":"YearMismatch"}]}';
const FAILURES: NonNullable<EventOutcome['error']>[] = [
  { code: 'student_period_not_found', message: "Could not find student's period." },
  { code: 'student_id_not_found', message: "Could not find student's PowerSchool id." },
  {
    code: 'bad_request',
    message: `Client error: \`POST https://district.example/ws/attendance/daily_time\` resulted in a \`400 Bad Request\` response: ${YEAR_MISMATCH_BODY.slice(0, 120)} (truncated...)`,
    status: 400,
    body: YEAR_MISMATCH_BODY,
  },
];

/** One generated log row: the accepted event, its local stamp and how it ended. */
export interface LogRow {
  item: { event: WritebackEvent; stamp: LocalStamp };
  outcome: EventOutcome;
}

/** A surname built from syllables, about 1,700 of them, plus the common "Thompson" now and then. */
function surname(index: number): string {
  if (index % 50 === 0) return 'Thompson';
  const pick = (n: number): string => SYLLABLES[n % SYLLABLES.length]!;
  const word = `${pick(index)}${pick(Math.floor(index / 12))}${pick(Math.floor(index / 144))}`;
  return word[0]!.toUpperCase() + word.slice(1);
}

function studentName(student: number): string {
  const firsts = [...FIRST_NAMES, ...MORE_FIRST];
  return `${firsts[student % firsts.length]!} ${surname(Math.floor(student / firsts.length))}`;
}

/** The school days of the year as YYYY-MM-DD, weekdays only. */
export function schoolDays(): string[] {
  const days: string[] = [];
  for (let offset = 0; days.length < SCHOOL_DAYS; offset += 1) {
    const date = new Date(FIRST_DAY + offset * 86_400_000);
    if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6)
      days.push(date.toISOString().slice(0, 10));
  }
  return days;
}

/** Generates `count` rows in event order; call with a chunk range to stream them. */
export function* generateLogRows(count: number): Generator<LogRow> {
  // mulberry32: the same rows on every run.
  const random = mulberry32(20_261_014);
  const days = schoolDays();
  for (let index = 0; index < count; index += 1) {
    const date = days[Math.min(days.length - 1, Math.floor((index / count) * days.length))]!;
    const student = Math.floor(random() * STUDENTS);
    const late = random() < 0.6;
    const minutes = late
      ? 7 * 60 + 30 + Math.floor(random() * 150)
      : 12 * 60 + Math.floor(random() * 180);
    const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    const roll = random();
    yield {
      item: {
        event: {
          id: `vm-${index + 1}`,
          type: late ? 'late_checkin' : 'early_checkout',
          student: {
            dcid: 500_000 + student,
            name: studentName(student),
            grade: String(student % 13),
            schoolNumber: 101 + (student % SCHOOLS),
          },
          occurredAt: `${date}T${time}:00-04:00`,
          reason: late ? 'T' : 'ED',
        },
        stamp: { date, time },
      },
      outcome:
        roll < 0.9
          ? {
              state: 'successful',
              studentPsId: 100_000 + student,
              result: { endpoint: 'daily_time' },
            }
          : roll < 0.98
            ? { state: 'failed', error: FAILURES[index % FAILURES.length]! }
            : {
                state: 'not_attempted',
                error: {
                  code: 'school_disabled',
                  message: `Writeback is disabled for school ${101 + (student % SCHOOLS)}, so the event was not sent to PowerSchool.`,
                },
              },
    };
  }
}
