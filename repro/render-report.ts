/**
 * A scenario's report as a short story a support engineer can follow without the code: the
 * situation, the failed log row and PowerSchool's exact message, the guide's meaning and fix
 * (from the connector's troubleshooting catalogue), the fix applied, the replay, the verdict.
 */
import { renderLogTable, type WritebackRecord } from '../connector/index.ts';
import type { ReproReport } from './run-scenario.ts';
import type { AttendanceView, Observation } from './scenario.ts';
import type { FailureSubject, ProblemShown } from './verdict.ts';

const WIDTH = 100;
const INDENT = '   ';

/** The whole story, ending with the verdict line. */
export function renderReport(report: ReproReport): string {
  const lines: string[] = [
    `repro ${report.name}: ${report.title}`,
    `PowerSchool ${report.psVersion} (simulated demo district); ${origin(report)}`,
    '',
    ...wrap(`Setup: ${report.situation}`, ''),
    '',
    report.beyondGuide !== undefined ? '1. The problem' : '1. The error',
    ...renderActions(report.failure.observed),
    ...renderSubject(report.failure.subject, report.beyondGuide !== undefined),
    ...renderShown(report.failure.shown),
    ...renderAttendance(report.failure.observed),
    ...report.failure.notes.flatMap((note) => [
      '',
      ...wrap(`Note: ${note}`, INDENT, `${INDENT}  `),
    ]),
    ...renderProblems(report.failure.problems),
    '',
    '2. The fix',
    ...wrap(report.fix.description, INDENT),
    ...report.fix.applied.flatMap((line) => wrap(`Applied: ${line}`, INDENT, `${INDENT}  `)),
    '',
    '3. After the fix',
    ...renderActions(report.replay.observed),
    ...renderAttendance(report.replay.observed),
    ...renderProblems(report.replay.problems),
  ];
  if (report.followUp) lines.push('', ...wrap(`Still to do by hand: ${report.followUp}`, ''));
  lines.push('', report.verdict);
  return `${lines.join('\n')}\n`;
}

/** "the guide's error: ..." or "beyond the guide: ...". */
function origin(report: ReproReport): string {
  if (report.beyondGuide !== undefined) return `beyond the guide: ${report.beyondGuide}`;
  return `the guide's error: ${report.guideError ?? ''}`;
}

/** One line per scenario for `pswb repro list`. */
export function renderScenarioList(
  scenarios: readonly { name: string; title: string; psVersion?: string; beyondGuide?: string }[],
): string {
  const width = Math.max(...scenarios.map((scenario) => scenario.name.length)) + 2;
  const rows = scenarios.map((scenario) => {
    const version = scenario.psVersion ? ` [PowerSchool ${scenario.psVersion}]` : '';
    const beyond = scenario.beyondGuide !== undefined ? ' [beyond the guide]' : '';
    return `  ${scenario.name.padEnd(width)}${scenario.title}${version}${beyond}`;
  });
  return `${['Repro scenarios (pswb repro <name> runs one):', ...rows].join('\n')}\n`;
}

/** What was done: the action, the Save and Apply steps, the log rows. */
function renderActions(observed: Observation | undefined): string[] {
  if (!observed) return [`${INDENT}(did not run)`];
  const lines = wrap(observed.action, INDENT);
  if (observed.connection) {
    lines.push(`${INDENT}Save and Apply to All Schools:`);
    for (const step of observed.connection.steps) {
      lines.push(`${INDENT}  ${step.ok ? 'ok  ' : 'FAIL'} ${step.name}: ${step.detail}`);
    }
  }
  if (observed.records.length > 0) {
    lines.push('', ...renderRows(observed.records), ...renderRecordLines(observed.records));
  }
  return lines;
}

/**
 * What each event did in PowerSchool, in words, when it did more than write one record (periods
 * also covered, a teacher's mark kept, a check-out's records removed, a return linked).
 */
function renderRecordLines(records: readonly WritebackRecord[]): string[] {
  const lines: string[] = [];
  for (const record of records) {
    const written = record.written as
      | { lines?: { action: string; what: string }[]; returnOf?: string; returnedBy?: string }
      | undefined;
    const links = [
      written?.returnOf ? `the return from ${written.returnOf}` : '',
      written?.returnedBy ? `returned from by ${written.returnedBy}` : '',
    ].filter(Boolean);
    if ((written?.lines?.length ?? 0) < 2 && links.length === 0) continue;
    const what = (written?.lines ?? []).map((line) => `${line.action} ${line.what}`);
    lines.push(
      ...wrap(`${record.id}: ${[...what, ...links].join('; ')}`, `${INDENT}  `, `${INDENT}    `),
    );
  }
  return lines.length > 0 ? ['', `${INDENT}What each event did in PowerSchool:`, ...lines] : [];
}

/** The problem PowerSchool's rows show when every event succeeded (a behaviour's case). */
function renderShown(shown: ProblemShown | undefined): string[] {
  if (!shown) return [];
  return [
    '',
    ...wrap(`The problem: ${shown.summary}`, INDENT, `${INDENT}  `),
    ...shown.details.flatMap((detail) => wrap(`- ${detail}`, `${INDENT}  `, `${INDENT}    `)),
  ];
}

/** PowerSchool's attendance rows for the students and dates involved. */
function renderAttendance(observed: Observation | undefined): string[] {
  if (!observed) return [];
  const lines = ['', `${INDENT}PowerSchool's attendance table:`];
  if (observed.attendance.length === 0) lines.push(`${INDENT}  nothing written`);
  for (const row of observed.attendance) lines.push(`${INDENT}  ${describeRow(row)}`);
  return lines;
}

/** The Writeback Logs rows, as `pswb writeback logs` prints them (without its paging line). */
function renderRows(records: WritebackRecord[]): string[] {
  const table = renderLogTable({
    records,
    total: records.length,
    page: 1,
    pageSize: records.length,
    pages: 1,
  });
  const rows = table.split('\n');
  const end = rows.indexOf('');
  return rows.slice(0, end < 0 ? rows.length : end).map((row) => `${INDENT}${row}`);
}

function renderSubject(subject: FailureSubject | undefined, beyondGuide: boolean): string[] {
  if (!subject) return [];
  const where =
    subject.where === 'connection'
      ? `Save and Apply step "${subject.step}"`
      : `event ${subject.record?.id ?? ''}`;
  // An event a school's behaviour chose not to write is not a failure: say what the log says.
  const outcome =
    subject.record && subject.record.status !== 'failed'
      ? `Not written (${subject.record.statusLabel})`
      : 'Failed';
  const lines = ['', `${INDENT}${outcome}: ${where}`, `${INDENT}Message: ${subject.message}`];
  if (subject.powerSchoolMessage !== undefined && subject.powerSchoolMessage !== subject.message) {
    const status = subject.status !== undefined ? ` (HTTP ${subject.status})` : '';
    lines.push(`${INDENT}PowerSchool's message${status}: ${subject.powerSchoolMessage}`);
  }
  const entry = subject.troubleshooting;
  lines.push(
    `${INDENT}${beyondGuide ? 'The troubleshooting entry' : "The guide's entry"}: ${entry.title}`,
    ...wrap(`Meaning: ${entry.meaning}`, INDENT, `${INDENT}  `),
    `${INDENT}Possible causes:`,
    ...entry.causes.flatMap((cause) => wrap(`- ${cause}`, `${INDENT}  `, `${INDENT}    `)),
    `${INDENT}How to resolve:`,
    ...entry.resolution.flatMap((step) => wrap(`- ${step}`, `${INDENT}  `, `${INDENT}    `)),
  );
  return lines;
}

function renderProblems(problems: readonly string[]): string[] {
  if (problems.length === 0) return [];
  return [
    '',
    `${INDENT}NOT as documented:`,
    ...problems.flatMap((problem) => wrap(`- ${problem}`, `${INDENT}  `, `${INDENT}    `)),
  ];
}

function describeRow(row: AttendanceView): string {
  const period = row.periodId !== 0 ? `, period ID ${row.periodId}` : '';
  return `${row.studentName} (ID ${row.studentId}), ${row.date}, ${row.mode}${period}, code ${row.codeId}, comment "${row.comment}"`;
}

/** Word-wraps prose at WIDTH; continuation lines take `hanging`. */
function wrap(text: string, indent: string, hanging: string = indent): string[] {
  const lines: string[] = [];
  let current = indent;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const prefix = current === indent || current === hanging ? '' : ' ';
    if (current.length + prefix.length + word.length > WIDTH && current.trim().length > 0) {
      lines.push(current);
      current = hanging + word;
    } else {
      current += prefix + word;
    }
  }
  if (current.trim().length > 0) lines.push(current);
  return lines;
}
