/**
 * A writeback log big enough for every way the log query reads it: 2,400 events over six days
 * and four buildings, 2,200 distinct student names (more than a name search looks up one by
 * one), every state, occurred_ms ties and dates out of seq order. Plus a plain-TypeScript
 * reference of the filters to compare the SQL with.
 */
import type { EventRow, WritebackStore } from '../../../connector/store/index.ts';
import type { WritebackEvent } from '../../../connector/domain/index.ts';
import type { LogQuery } from '../../../connector/store/index.ts';

export const FIXTURE_DAYS = [
  '2026-10-12',
  '2026-10-13',
  '2026-10-14',
  '2026-10-15',
  '2026-10-16',
  '2026-10-19',
];
const EVENTS = 2400;
const NAMES = 2200;
const SCHOOLS = [101, 102, 103, 104];
// Every one has an "a": a search for it matches more names than the log looks up one by one.
const FIRST_NAMES = ['Ava', 'Liam', 'Mia', 'Noah', 'Zara', 'Omar', 'Ina', 'Kai'];
const SYLLABLES = ['ka', 'ren', 'mo', 'li', 'sa', 'tor', 'vel', 'an', 'dri', 'bel', 'co'];

/** The fixture's student names: one in 40 a Thompson, one "Zed Quill", one "Kim Lee_Park". */
export function fixtureNames(): string[] {
  const names = Array.from({ length: NAMES }, (_, index) => {
    const first = FIRST_NAMES[index % FIRST_NAMES.length]!;
    if (index % 40 === 0) return `${first} Thompson ${index}`;
    const pick = (n: number): string => SYLLABLES[n % SYLLABLES.length]!;
    const word = `${pick(index)}${pick(Math.floor(index / 11))}${pick(Math.floor(index / 121))}`;
    return `${first} ${word[0]!.toUpperCase()}${word.slice(1)} ${index}`;
  });
  names[7] = 'Zed Quill';
  names[9] = 'Kim Lee_Park';
  return names;
}

function fixtureEvent(index: number, names: readonly string[]): WritebackEvent {
  // 7919 is prime, so the events go through every name before any repeats.
  const name = index % 100 === 3 ? 'Zed Quill' : names[(index * 7919) % names.length]!;
  const day = FIXTURE_DAYS[(index * 5) % FIXTURE_DAYS.length]!;
  const minutes = 7 * 60 + ((index * 37) % 600);
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return {
    id: `fx-${index}`,
    type: index % 2 ? 'early_checkout' : 'late_checkin',
    student: {
      dcid: 9000 + index,
      name,
      schoolNumber: SCHOOLS[index % SCHOOLS.length]!,
      grade: '5',
    },
    occurredAt: `${day}T${time}:00-04:00`,
    reason: 'T',
  };
}

/** Fills the store: accepted in one transaction, then each event moved to its state. */
export function fillLogFixture(store: WritebackStore): void {
  const names = fixtureNames();
  const items = Array.from({ length: EVENTS }, (_, index) => {
    const event = fixtureEvent(index, names);
    return {
      event,
      stamp: { date: event.occurredAt.slice(0, 10), time: event.occurredAt.slice(11, 16) },
    };
  });
  store.accept(items, '2026-10-20T00:00:00Z');
  store.db.transaction(() => {
    items.forEach(({ event }, index) => {
      const kind = index % 10;
      if (kind === 2) return; // stays pending
      store.claim(event.id, 'fixture', 'now');
      if (kind === 3) return; // stays sending
      if (kind === 0 || kind === 1) {
        store.complete(
          event.id,
          {
            state: kind === 0 ? 'failed' : 'not_attempted',
            error: {
              code: 'student_id_not_found',
              message: "Could not find student's PowerSchool id.",
            },
          },
          'now',
        );
      } else store.complete(event.id, { state: 'successful', studentPsId: index }, 'now');
    });
  })();
}

/** The filter applied to every row in TypeScript: the result the SQL must give. */
export function referencePage(
  allRows: readonly EventRow[],
  query: LogQuery,
): { ids: string[]; total: number } {
  const search = query.search?.trim().toLowerCase();
  const matching = allRows.filter(
    (row) =>
      (!query.states?.length || query.states.includes(row.state)) &&
      (!query.schools || query.schools.includes(row.school_number)) &&
      (!query.ids || query.ids.includes(row.id)) &&
      (!query.from || row.local_date >= query.from) &&
      (!query.to || row.local_date <= query.to) &&
      (!search || row.student_name.toLowerCase().includes(search)),
  );
  const newestFirst = [...matching].sort(
    (a, b) =>
      b.local_date.localeCompare(a.local_date) || b.occurred_ms - a.occurred_ms || b.seq - a.seq,
  );
  const start = (query.page - 1) * query.pageSize;
  return {
    ids: newestFirst.slice(start, start + query.pageSize).map((row) => row.id),
    total: matching.length,
  };
}
