/**
 * The Writeback Logs table as text, with the guide's columns: Type, Student Name, Student PS
 * ID, Date/Time, Grade, Reason, Status. Failed rows can carry their message, meaning and fix.
 */
import type { LogPage, WritebackRecord } from './record.ts';

const COLUMNS: { title: string; value: (record: WritebackRecord) => string; max: number }[] = [
  { title: 'Type', value: (r) => r.typeLabel, max: 15 },
  { title: 'Student Name', value: (r) => r.studentName, max: 28 },
  {
    title: 'Student PS ID',
    value: (r) => (r.studentPsId === null ? '' : String(r.studentPsId)),
    max: 13,
  },
  { title: 'Date/Time', value: (r) => `${r.localDate} ${r.localTime}`, max: 16 },
  { title: 'Grade', value: (r) => r.grade ?? '', max: 5 },
  { title: 'Reason', value: (r) => r.reason, max: 20 },
  { title: 'Status', value: (r) => r.statusLabel, max: 13 },
];

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** Renders a page of the log as an aligned table, with the paging line at the end. */
export function renderLogTable(
  page: LogPage,
  options: { details?: boolean; paging?: boolean } = {},
): string {
  if (page.records.length === 0) return `No writeback events match (total ${page.total}).\n`;
  const widths = COLUMNS.map((column) =>
    Math.min(
      column.max,
      // reduce, not Math.max(...): a spread of 200,000 lengths overflows the stack.
      page.records.reduce(
        (width, r) => Math.max(width, column.value(r).length),
        column.title.length,
      ),
    ),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, index) => fit(cell, widths[index]!))
      .join('  ')
      .trimEnd();
  const rows: string[] = [
    line(COLUMNS.map((column) => column.title)),
    line(widths.map((w) => '-'.repeat(w))),
  ];
  for (const record of page.records) {
    rows.push(line(COLUMNS.map((column) => column.value(record))));
    if (options.details && record.error) rows.push(...indent(renderRecordDetails(record)));
  }
  if (options.paging ?? true) {
    rows.push('', `Page ${page.page} of ${Math.max(1, page.pages)} (${page.total} event(s))`);
  }
  return `${rows.join('\n')}\n`;
}

function indent(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`);
}

/** The chevron under a failed row: message, meaning, causes and how to resolve. */
export function renderRecordDetails(record: WritebackRecord): string {
  if (!record.error) return `${record.id}: ${record.statusLabel}\n`;
  const error = record.error;
  return [
    `Event ${record.id} (school ${record.schoolNumber}, ${record.runs} run(s))`,
    `Error: ${error.message}`,
    ...(error.status !== undefined ? [`HTTP status: ${error.status}`] : []),
    `Meaning: ${error.meaning}`,
    'Possible causes:',
    ...error.causes.map((cause) => `  - ${cause}`),
    'How to resolve:',
    ...error.resolution.map((step) => `  - ${step}`),
    '',
  ].join('\n');
}
