/**
 * PowerSchool's `q` search syntax (reference section 3, PSU): `field==value`, `=gt=`, `=ge=`,
 * `=lt=`, `=le=`, `!=`, clauses joined by `;` (AND), `*` as a wildcard in == and != values,
 * dates as YYYY-MM-DD, and a list `field==(a,b)` for any of several values (HID
 * configuration.json `school_enrollment.enroll_status_code==(-1,0)`, PSM
 * `school_enrollment.enroll_status==(A,P)`). Malformed input is a QueryParseError (the routes
 * answer 400), never a crash.
 */

/** The comparison operators q knows. */
export const Q_OPERATORS = ['==', '!=', '=gt=', '=ge=', '=lt=', '=le='] as const;
export type QOperator = (typeof Q_OPERATORS)[number];

/** One `field<op>value` clause. */
export interface QClause {
  field: string;
  operator: QOperator;
  value: string;
  /** For `field==(a,b)` or `field!=(a,b)`: the values listed. */
  values?: string[];
}

/** Thrown for a q expression that does not follow the syntax; the message says what is valid. */
export class QueryParseError extends Error {
  override name = 'QueryParseError';
}

const MAX_Q_LENGTH = 4_000;
const FIELD = /^[A-Za-z_][A-Za-z0-9_.]*$/;
// Longest operators first so "==" is not read inside "=ge=".
const OPERATOR_PATTERN = /(=gt=|=ge=|=lt=|=le=|==|!=)/;

const SYNTAX_HELP =
  'Write field==value, field!=value, field=gt=value, field=ge=value, field=lt=value or field=le=value, joined by ; (e.g. last_name==Sm*;grade_level=ge=9).';

/** Parses a q expression into clauses (AND-ed); throws QueryParseError when malformed. */
export function parseQ(q: string): QClause[] {
  if (q.length > MAX_Q_LENGTH) {
    throw new QueryParseError(
      `Invalid q: it is ${q.length} characters long; the limit is ${MAX_Q_LENGTH}.`,
    );
  }
  if (q.trim() === '') throw new QueryParseError(`Invalid q: it is empty. ${SYNTAX_HELP}`);
  return q.split(';').map((text, index) => parseClause(text, index + 1));
}

function parseClause(text: string, position: number): QClause {
  const parts = text.split(OPERATOR_PATTERN);
  if (parts.length !== 3) {
    const problem = parts.length < 3 ? 'has no operator' : 'has more than one operator';
    throw new QueryParseError(`Invalid q: clause ${position} "${text}" ${problem}. ${SYNTAX_HELP}`);
  }
  const [rawField, operator, value] = parts as [string, QOperator, string];
  const field = rawField.trim();
  if (!FIELD.test(field)) {
    throw new QueryParseError(
      `Invalid q: clause ${position} "${text}" has no valid field name before ${operator}. ${SYNTAX_HELP}`,
    );
  }
  if (value === '') {
    throw new QueryParseError(
      `Invalid q: clause ${position} "${text}" has no value after ${operator}. ${SYNTAX_HELP}`,
    );
  }
  if (value.includes('*') && operator !== '==' && operator !== '!=') {
    throw new QueryParseError(
      `Invalid q: clause ${position} "${text}": the * wildcard works only with == and !=.`,
    );
  }
  const list = /^\((.*)\)$/.exec(value);
  if (list && (operator === '==' || operator === '!=')) {
    const values = list[1]!.split(',').map((item) => item.trim());
    if (values.some((item) => item === '')) {
      throw new QueryParseError(
        `Invalid q: clause ${position} "${text}" has an empty value in its list; write field==(a,b).`,
      );
    }
    return { field: field.toLowerCase(), operator, value, values };
  }
  return { field: field.toLowerCase(), operator, value };
}

/** Builds a matcher for a wildcard value: * matches any run of characters; case-insensitive. */
function wildcardPattern(value: string): RegExp {
  const escaped = value.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 'i');
}

/**
 * A predicate for one clause over a column value. Numbers compare numerically (the value must be
 * a number then), text compares as text (YYYY-MM-DD dates order correctly as text).
 */
export function clauseMatcher(clause: QClause, numeric: boolean): (value: unknown) => boolean {
  if (clause.values) {
    const anyOf = clause.values.map((value) =>
      clauseMatcher({ field: clause.field, operator: '==', value }, numeric),
    );
    const matchesAny = (cell: unknown): boolean => anyOf.some((matches) => matches(cell));
    return clause.operator === '==' ? matchesAny : (cell) => cell != null && !matchesAny(cell);
  }
  const { operator, value } = clause;
  if (value.includes('*')) {
    const pattern = wildcardPattern(value);
    const matches = (cell: unknown): boolean =>
      cell !== null && cell !== undefined && pattern.test(String(cell));
    return operator === '==' ? matches : (cell) => !matches(cell);
  }
  if (numeric && !Number.isFinite(Number(value))) {
    throw new QueryParseError(
      `Invalid q: ${clause.field} is a number column; "${value}" is not a number.`,
    );
  }
  const target: number | string = numeric ? Number(value) : value;
  const compare = (cell: unknown): number | undefined => {
    if (cell === null || cell === undefined) return undefined;
    const left = numeric ? Number(cell) : String(cell);
    return left < target ? -1 : left > target ? 1 : 0;
  };
  const tests: Record<QOperator, (order: number) => boolean> = {
    '==': (order) => order === 0,
    '!=': (order) => order !== 0,
    '=gt=': (order) => order > 0,
    '=ge=': (order) => order >= 0,
    '=lt=': (order) => order < 0,
    '=le=': (order) => order <= 0,
  };
  const test = tests[operator];
  return (cell) => {
    const order = compare(cell);
    return order !== undefined && test(order);
  };
}
