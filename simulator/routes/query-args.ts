/**
 * PowerQuery arguments: the JSON body must be an object; each declared arg present when
 * required, a primitive or an array as declared; dates YYYY-MM-DD; args compared with a number
 * column numeric. Anything else is a 400 naming the arg (reference section 3: "400 (bad args)").
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
      const list = Array.isArray(value) ? value : [value];
      if (!list.every(isPrimitive)) throw badArg(query, arg.name, 'expected an array of values.');
      if (arg.required && list.length === 0)
        throw badArg(query, arg.name, 'it is required and may not be empty.');
      args[arg.name] = list.map((item) => checkValue(query, arg, item));
    } else {
      if (!isPrimitive(value))
        throw badArg(
          query,
          arg.name,
          `expected one value, got ${Array.isArray(value) ? 'an array' : 'an object'}.`,
        );
      args[arg.name] = checkValue(query, arg, value);
    }
  }
  return args;
}
