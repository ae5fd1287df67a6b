/**
 * zod schemas of the PowerSchool responses the connector depends on, written from
 * docs/powerschool-reference.md (never from the simulator's code). Each schema says which parts
 * are documented (strict) and which are inferred (lenient: loose objects, unions of string and
 * number). Query results are in query-schemas.ts.
 */
import { z } from 'zod';
import { parsePsVersion } from '../plugin/ps-version.ts';

/** A whole number that PowerSchool may send as a JSON number or as a string of digits. */
export const wholeNumberLike = z.union([
  z.number().int(),
  z.string().regex(/^-?\d+$/, 'expected a whole number (a number or a string of digits)'),
]);

/** A date as PowerSchool writes it: YYYY-MM-DD (reference section 3, q syntax; API-REF term). */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

/**
 * A v1 collection member: one item comes back as an object, several as an array (reference
 * section 3, "the one-item-object quirk"; GH Paginator.php). Documented.
 */
export function oneOrMany<T extends z.ZodType>(item: T): z.ZodUnion<[T, z.ZodArray<T>]> {
  return z.union([item, z.array(item)]);
}

/** Normalises a v1 collection member (object or array) to an array. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * POST /oauth/access_token. Documented (reference section 2, PSU, GH): expires_in is a STRING of
 * seconds and token_type is "Bearer". Strict on those; the token's own format (a UUID in every
 * example) is not promised, so only a non-empty string is required.
 */
export const accessTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.literal('Bearer'),
  expires_in: z.string().regex(/^\d+$/, 'expected a string of whole seconds'),
});

const psVersionText = z.string().refine(
  (text) => {
    try {
      parsePsVersion(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a PowerSchool version such as 25.3.0 or 24.11.0.0' },
);

const timeZoneName = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  // Inferred: the value is an IANA zone name (the connector converts times with Intl).
  { message: 'expected an IANA time zone name such as America/Chicago' },
);

/**
 * The fields of `{"metadata":{...}}` the connector reads (reference section 2; API-REF). The
 * connector needs every one of these, so they are required; other fields pass through.
 */
const metadataFields = {
  powerschool_version: psVersionText,
  district_timezone: timeZoneName,
  schema_table_query_max_page_size: z.number().int().positive(),
  student_max_page_size: z.number().int().positive(),
  school_max_page_size: z.number().int().positive(),
  term_max_page_size: z.number().int().positive(),
};

/** GET /ws/v1/metadata without a token. Documented; plugin_id may be absent. */
export const anonymousMetadataSchema = z.strictObject({
  metadata: z.looseObject({ ...metadataFields, plugin_id: z.number().int().optional() }),
});

/** GET /ws/v1/metadata with the plugin's token: plugin_id is present (reference section 2). */
export const pluginMetadataSchema = z.strictObject({
  metadata: z.looseObject({ ...metadataFields, plugin_id: z.number().int() }),
});

/**
 * GET /ws/v1/time, which answers without a token. Inferred: the JSON body is not documented, so
 * any JSON object passes; only the status is relied on. (A public client reads the XML form as
 * `<resource><time/><timestamp/></resource>`, which suggests scalar fields; nothing confirms the
 * JSON form, so the schema does not hold servers to it.)
 */
export const serverTimeSchema = z.looseObject({});

/** A v1 `/count` answer: `{"resource":{"count":N}}` (reference section 3). Documented. */
export const v1CountSchema = z.strictObject({
  resource: z.looseObject({ count: z.number().int().nonnegative() }),
});

/**
 * One school of /ws/v1/district/school. Documented: id is SCHOOLS.DCID (a number), name a
 * string. school_number is a string in API-REF and a number in some clients: either is accepted.
 */
export const v1SchoolSchema = z.looseObject({
  id: z.number().int(),
  school_number: wholeNumberLike,
  name: z.string(),
  low_grade: wholeNumberLike.optional(),
  high_grade: wholeNumberLike.optional(),
});

/** GET /ws/v1/district/school: `{"schools":{"school":[...]}}`, one school as an object. */
export const v1SchoolsSchema = z.strictObject({
  schools: z.looseObject({ school: oneOrMany(v1SchoolSchema) }),
});

/**
 * One term (API-REF GET /ws/v1/term/{id}). Documented fields; API-REF types id, school_id and
 * start_year as strings while clients see numbers, so both are accepted. Dates are YYYY-MM-DD.
 */
export const v1TermSchema = z.looseObject({
  id: wholeNumberLike,
  school_id: wholeNumberLike,
  start_year: wholeNumberLike,
  portion: wholeNumberLike,
  start_date: isoDate,
  end_date: isoDate,
  abbreviation: z.string(),
  name: z.string(),
});

/**
 * GET /ws/v1/school/{id}/term. Inferred: the wrapper `{"terms":{"term":...}}` follows the
 * pattern of schools and students; the endpoint's own page is not in the public copy.
 */
export const v1TermsSchema = z.looseObject({
  terms: z.looseObject({ term: oneOrMany(v1TermSchema) }),
});

/**
 * One student of /ws/v1/district/student: id is the DCID, local_id the student_number
 * (reference section 3). Names and everything else pass through.
 */
export const v1StudentSchema = z.looseObject({
  id: z.number().int(),
  local_id: wholeNumberLike,
  name: z
    .looseObject({ first_name: z.string().optional(), last_name: z.string().optional() })
    .optional(),
});

/** GET /ws/v1/district/student: `{"students":{"student":...}}`, one student as an object. */
export const v1StudentsSchema = z.strictObject({
  students: z.looseObject({ student: oneOrMany(v1StudentSchema) }),
});

/**
 * A 4xx body: `{"message":"..","errors":[{"resource","field","code"}]}` (reference section 3,
 * TS parses it). Documented for 4xx in general; which statuses carry `errors` is not, so it is
 * optional and its entries are loose.
 */
export const psErrorBodySchema = z.looseObject({
  message: z.string().min(1),
  errors: z
    .array(
      z.looseObject({
        resource: z.string().optional(),
        field: z.string().optional(),
        code: z.string().optional(),
      }),
    )
    .optional(),
});

/**
 * The body of a 401 for a wrong token. Inferred: not documented (reference section 2), so any
 * body, even an empty one, is accepted; the status is what the connector relies on.
 */
export const unauthorizedBodySchema = z.unknown();
