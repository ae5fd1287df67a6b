/**
 * PowerQuery arguments, checked against the query's declared `<args>`: the JSON body is an
 * object; each declared arg present when required; a primitive arg one value, an array arg a
 * list. An array arg takes every form public clients send: a JSON array of strings (GH casts
 * every value to a string), of numbers, or one comma-joined string (NP castValueToString and TL
 * cast_to_values_string join lists with ","). Values compared with a number column must be whole
 * numbers and `*date` args YYYY-MM-DD. Keys starting with `$` (`$dataversion`, GH dataVersion)
 * are PowerSchool's own, not args; undeclared args are ignored (inferred). Anything else is a 400
 * naming the arg (API-REF: "invalid argument or invalid data type"; the texts are inferred).
 */
import type { QueryArg } from '../../plugin/contract.ts';
import { psError } from '../http/errors.ts';
import { isIsoDate } from '../district/dates.ts';
import type { QueryArgs } from '../district/power-queries.ts';
import { isNumberColumn, isTableName } from '../district/schema.ts';

type Primitive = string | number | boolean;
const isPrimitive = (value: unknown): value is Primitive =>
  ['string', 'number', 'boolean'].includes(typeof value);

function badArg(query: string, arg: string, problem: string): Error {
  return psError(400, `Invalid argument ${arg} for PowerQuery ${query}: ${problem}`, [
    { resource: query, field: arg, code: 'InvalidArgument' },
  ]);
}

/** True when the arg is compared with a number column (e.g. CC.STUDENTID). */
function isNumericArg(arg: QueryArg): boolean {
  const [table, field] = (arg.column ?? '').toLowerCase().split('.');
  return !!table && !!field && isTableName(table) && isNumberColumn(table, field);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `an ${typeof value}`;
}

function checkValue(query: string, arg: QueryArg, value: Primitive): string {
  const text = String(value).trim();
  if (isNumericArg(arg) && !/^-?\d+$/.test(text))
    throw badArg(query, arg.name, `expected a whole number, got ${JSON.stringify(value)}.`);
  if (arg.name.endsWith('date') && !isIsoDate(text))
    throw badArg(
      query,
      arg.name,
      `expected a date written YYYY-MM-DD, got ${JSON.stringify(value)}.`,
    );
  return text;
}

/** An array arg's values, from a JSON array or a comma-joined string. */
function listOf(query: string, arg: QueryArg, value: unknown): Primitive[] {
  if (Array.isArray(value)) {
    if (!value.every(isPrimitive)) {
      throw badArg(query, arg.name, 'expected an array of strings or numbers.');
    }
    return value;
  }
  if (typeof value === 'string') {
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  if (isPrimitive(value)) return [value];
  throw badArg(query, arg.name, `expected an array, got ${describe(value)}.`);
}

/** Checks a query body against the declared args; returns them as text. */
export function checkQueryArgs(
  query: string,
  body: unknown,
  declared: readonly QueryArg[],
): QueryArgs {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw psError(
      400,
      `Invalid payload structure: PowerQuery ${query} takes a JSON object of arguments ({} when none).`,
    );
  }
  const given = body as Record<string, unknown>;
  const args: QueryArgs = {};
  for (const arg of declared) {
    const value = given[arg.name];
    if (value === undefined || value === null || value === '') {
      if (arg.required) throw badArg(query, arg.name, 'it is required.');
      continue;
    }
    if (arg.type === 'array') {
      const list = listOf(query, arg, value);
      if (arg.required && list.length === 0)
        throw badArg(query, arg.name, 'it is required and may not be empty.');
      args[arg.name] = list.map((item) => checkValue(query, arg, item));
    } else {
      if (!isPrimitive(value))
        throw badArg(query, arg.name, `expected one value, got ${describe(value)}.`);
      args[arg.name] = checkValue(query, arg, value);
    }
  }
  return args;
}
