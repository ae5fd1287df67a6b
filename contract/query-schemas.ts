/**
 * zod schemas of PowerQuery results (POST /ws/schema/query/{name}) and of attendance write
 * answers, derived from the data contract in plugin/contract.ts and the reference (sections 3
 * and 4), never from the simulator's code.
 */
import { z } from 'zod';
import {
  CORE_DCID_ID_MAP_QUERY,
  QUERIES,
  QUERY_NAMES,
  type QueryDefinition,
  type QueryKey,
} from '../plugin/contract.ts';
import { wholeNumberLike } from './schemas.ts';

/**
 * A flattened result cell. Reference section 3: values may be strings or numbers; inferred: a
 * null column may come back as null (or be left out, which the optional keys allow).
 */
const cellValue = z.union([z.string(), z.number(), z.null()]);

/**
 * `{"name":..,"record":[{...}],"count":N}` (reference section 3). Documented: name and record;
 * count only with `count=true`. Inferred: an empty result may leave `record` out.
 */
export function flattenedResultSchema<R extends z.ZodType>(
  record: R,
): z.ZodObject<{
  name: z.ZodString;
  record: z.ZodOptional<z.ZodArray<R>>;
  count: z.ZodOptional<z.ZodNumber>;
}> {
  return z.looseObject({
    name: z.string(),
    record: z.array(record).optional(),
    count: z.number().int().nonnegative().optional(),
  });
}

/**
 * The columns of each plugin query that the connector cannot do without; they must be present and
 * not null. The rest of the declared columns may be null or absent.
 */
const REQUIRED_COLUMNS: Record<QueryKey, Record<string, z.ZodType>> = {
  studentsByDcid: { id: wholeNumberLike, dcid: wholeNumberLike, schoolid: wholeNumberLike },
  studentPeriods: {
    studentid: wholeNumberLike,
    ccid: wholeNumberLike,
    periodid: wholeNumberLike,
    start_time: wholeNumberLike,
    end_time: wholeNumberLike,
  },
  attendanceCodes: { id: wholeNumberLike, att_code: z.string(), yearid: wholeNumberLike },
  schoolDay: { yearid: wholeNumberLike },
};

/**
 * One record of a plugin query: keyed by the column aliases declared in plugin/contract.ts
 * (reference section 1: one alias per SQL output column). Inferred: the record's keys are those
 * aliases as written; other keys pass through (lenient) so a server extra does not fail the run.
 */
export function queryRecordSchema(
  query: QueryDefinition,
  required: Record<string, z.ZodType> = {},
): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const { alias } of query.columns) shape[alias] = required[alias] ?? cellValue.optional();
  return z.looseObject(shape);
}

function pluginQuery(key: QueryKey): QueryDefinition {
  const query = QUERIES.find((candidate) => candidate.name === QUERY_NAMES[key]);
  if (!query) throw new Error(`plugin/contract.ts declares no query named ${QUERY_NAMES[key]}`);
  return query;
}

/** The result schema of one of the plugin's own queries. */
export function pluginQueryResultSchema(key: QueryKey): ReturnType<typeof flattenedResultSchema> {
  return flattenedResultSchema(queryRecordSchema(pluginQuery(key), REQUIRED_COLUMNS[key]));
}

/**
 * com.pearson.core.student.student_dcid_id_map: records hold `id` and `dcid` (reference section
 * 3, PSU). Documented; values may be strings or numbers.
 */
export const dcidIdMapResultSchema = flattenedResultSchema(
  z.looseObject({ id: wholeNumberLike, dcid: wholeNumberLike }),
);

/** The name of the core query whose result dcidIdMapResultSchema describes. */
export const DCID_ID_MAP_QUERY = CORE_DCID_ID_MAP_QUERY;

/**
 * The 200 answer of POST /ws/attendance/daily_time and meeting_interval. Inferred: the exact body
 * is not public (reference section 4 says "the URIs of records inserted or updated"), so any JSON
 * object is accepted; when it uses the v1 `results` envelope, its counts must be numbers.
 */
export const attendanceWriteResultSchema = z.looseObject({
  results: z
    .looseObject({
      insert_count: z.number().int().optional(),
      update_count: z.number().int().optional(),
    })
    .optional(),
});
