/**
 * The behaviour catalogue of docs/simulator-coverage.md: each rule the simulator copies from
 * PowerSchool, with its source (a public reference or client, or "inferred"), and what it does
 * not simulate yet. Kept beside the code that implements each rule by area.
 */
import type { RouteArea } from '../http/route-spec.ts';

/** A named source. */
export interface Source {
  name: string;
  what: string;
}

/** One behaviour and where it comes from. */
export interface Behaviour {
  area: RouteArea | 'district';
  rule: string;
  source: string;
}

/** The public sources cited (docs/powerschool-reference.md has more about each). */
export const SOURCES: readonly Source[] = [
  {
    name: 'API-REF',
    what: 'mennotech/powerschool-api-docs plugins/powerschool-api-{v1,schema,attendance}.md (an unofficial copy of PowerSchool\'s plugin API reference)',
  },
  {
    name: 'PSU',
    what: 'tulsaschoolsdata/ps_utilities (Ruby client): PS_API_NOTES.md, lib/ps_utilities/pre_built_get.rb',
  },
  { name: 'GH', what: 'grantholle/powerschool-api (PHP client): src/RequestBuilder.php, src/Response.php, src/Paginator.php, tests/PowerSchoolTest.php' },
  { name: 'TS', what: 'TEAMSchools/powerschool (Python client): powerschool/client.py' },
  { name: 'TL', what: 'tonylabs/python-powerschool-adapter (Python client): powerschool_adapter/powerschool.py' },
  { name: 'NP', what: 'grantholle/node-powerschool (Node client): src/PowerSchool.ts' },
  { name: 'HID', what: 'Tools4everBV/HelloID-Conn-Prov-Source-PowerSchool-SIS-Students (PowerShell): persons.ps1, configuration.json' },
  { name: 'PSM', what: 'carbm1/PSPowerSchoolAPI (PowerShell module): PSPowerSchool.psm1' },
  {
    name: 'PQUI',
    what: "public PowerSchool plugin pages that list PowerQueries from GET /ws/schema/query/api (an AngularJS pqDataService and a PSApiModule NamedQueryService, found in the public code index; their repositories were not named by it)",
  },
  { name: 'PSDOCS', what: 'ps.powerschool-docs.com (PowerSchool\'s public admin docs)' },
  { name: 'SEED', what: 'Navigate360\'s "PowerSchool Write Back Integration for Visitor Management" guide' },
];

/** HTTP manners and control routes. */
const MANNERS: readonly Behaviour[] = [
  {
    area: 'index',
    rule: 'GET / and GET /__sim answer the route index; GET /__sim/openapi.json the OpenAPI document',
    source: 'pswb',
  },
  {
    area: 'control',
    rule: 'a path the server has with another method: 405 and Allow (HEAD beside GET); an unknown path: 404',
    source: 'inferred (HTTP semantics; PowerSchool\'s own 404/405 bodies are not public)',
  },
  {
    area: 'oauth',
    rule: 'every 401 carries WWW-Authenticate: Bearer error="invalid_token",realm="PowerSchool",... for a wrong or expired token, Bearer realm="PowerSchool" without one, Basic realm="PowerSchool" on the token endpoint',
    source: 'GH tests/PowerSchoolTest.php (the expired-token header); the other forms inferred (RFC 6750, RFC 6749)',
  },
  {
    area: 'control',
    rule: 'rate limiting (a fault rule): 429, Retry-After, "Too many requests. Please wait N seconds before making another request."',
    source: 'PSDOCS configure-global-api-and-sif-settings (the wording); 429 and Retry-After inferred',
  },
  {
    area: 'control',
    rule: 'control routes refuse blank bodies (400) and bodies over their limit (413) before changing anything; routes that take no body refuse one over 1 KiB',
    source: 'pswb',
  },
];

/** Schema table reads. */
const TABLE_BEHAVIOURS: readonly Behaviour[] = [
  {
    area: 'schema-table',
    rule: 'record shape {id, name, tables: {table: {column: "value"}}} and "@extensions"; unknown table 404; unknown column 400 "Invalid field specified: X is not valid column for table: T"; a column outside access_request 403 NoAccess',
    source: 'reference section 3 (API-REF); values as strings and null columns left out inferred',
  },
  {
    area: 'schema-table',
    rule: 'projection: *, table.*, column names in any case, table.column; a list read without projection is 400',
    source: 'API-REF GET /ws/schema/table/{tablename} ("An asterisk or tablename. with an asterisk"); TL sends DCID,STUDENT_NUMBER; GH RequestBuilder.php ("Get requests are required to have a projection parameter"); the 400 text inferred',
  },
  {
    area: 'schema-table',
    rule: 'sort=col1,col2 with sortdescending=true|false; the ad-hoc order=col;desc,col2 taken too; nulls last ascending (Oracle); ties keep stored order, so ordered paging is stable',
    source: 'API-REF (sort, sortdescending); GH, NP, TL send them; order on tables and the null order inferred',
  },
  {
    area: 'schema-table',
    rule: 'page from 1; pagesize 100 by default, at most 1000 (400 past it), 0 for every row',
    source: 'TS client.py (page_size == 0 is one page of everything); PSM (PageSize 0); the default 100 and the 400 inferred',
  },
  {
    area: 'schema-table',
    rule: 'q: ==, !=, =gt=, =ge=, =lt=, =le=, ; for AND, * wildcards, lists field==(a,b); an empty q filters nothing',
    source: 'PSU PS_API_NOTES.md (operators); HID configuration.json and PSM (lists); wildcard case-insensitivity and the empty q inferred',
  },
  {
    area: 'schema-table',
    rule: 'GET /{table}/metadata: TableInfo with columns {name, type, length, nullable}; expansions=access adds each column\'s access (FullAccess, ViewOnly, NoAccess); 403 for a table the plugin may not read at all',
    source: 'API-REF TableInfo; TS client.py (columns[].name, columns[].access, expansions=access); upper-case names, types and most lengths inferred (PSU data dictionary for some)',
  },
];

/** PowerQueries. */
const QUERY_BEHAVIOURS: readonly Behaviour[] = [
  {
    area: 'powerquery',
    rule: 'GET /ws/schema/query/api: a Swagger 2.0 document: paths[/ws/schema/query/<name>].post (summary, tags, x-plugin-id, body $ref) and definitions powerquery.param.<name>, powerquery.resp.<name>.record',
    source: 'TS client.py (the route); PQUI (the document the pages read); which x- fields appear inferred',
  },
  {
    area: 'powerquery',
    rule: '$q filters the rows by alias or table.column before paging and counting; order=col;asc|desc sorts them; numbers compare as numbers',
    source: 'GH README (adHocFilter, adHocOrder); NP, TL send both; names by alias and table.column inferred',
  },
  {
    area: 'powerquery',
    rule: 'array arguments as a JSON array of strings or numbers, or one comma-joined string; $-keys ($dataversion) are not arguments; a wrong type is 400 naming the argument',
    source: 'GH castToValuesString (strings); NP castValueToString and TL cast_to_values_string (comma-joined); API-REF 400 "invalid argument or invalid data type"; the texts inferred',
  },
  {
    area: 'powerquery',
    rule: 'answers {name, count (count=true), record, "@extensions"}; pagesize 100 by default, 0 for every row; POST /count answers {count}',
    source: 'GH README includeCount; API-REF RecordCount; a public client POSTs ?pagesize=0; the default 100 inferred',
  },
];

/** /ws/v1 resources. */
const V1_BEHAVIOURS: readonly Behaviour[] = [
  {
    area: 'v1',
    rule: 'ids are DCIDs (school, term, section, course, student); local_id is the student number; a list of one item is an object, not an array; an empty list is []',
    source: 'reference section 3 (API-REF; GH Paginator.php for the one-item quirk); the empty list inferred',
  },
  {
    area: 'v1',
    rule: 'student q fields: id, local_id, student_username, name.first_name, name.last_name, school_enrollment.enroll_status_code, school_enrollment.enroll_status (letters A P T G H I, any case, for their codes; I = every other code), school_enrollment.entry_date, state_province_id; field names in any case; lists field==(a,b); any other field 400',
    source: 'PSU PS_API_NOTES.md (the searching page); PSU pre_built_get.rb and PSM (id, name.first_name, mixed case); HID (lists); the 400 inferred',
  },
  {
    area: 'v1',
    rule: 'a student: id, local_id, student_username, state_province_id, name (empty values left out); lists carry @expansions and @extensions beside student, one student among its fields',
    source: 'PSU pre_built_get.rb (recorded answers); GH tests/PowerSchoolTest.php',
  },
  {
    area: 'v1',
    rule: 'expansions demographics, addresses, alerts, phones, school_enrollment, ethnicity_race, contact, contact_info, initial_enrollment, schedule_setup, fees, lunch, counselors, global_id, listed in @expansions joined by ", "; one the district holds nothing for is ""; an unknown expansion is 400; unknown extensions are ignored and @extensions is ""',
    source: 'PSU (the list, "" for empty ones, "Unknown extension requests are ignored"); GH tests (global_id); PSM (counselors); the 400 and counselors\' place inferred',
  },
  {
    area: 'v1',
    rule: 'school_enrollment: enroll_status, enroll_status_description, enroll_status_code, grade_level (a number), entry_date, exit_date, school_number, school_id',
    source: 'PSU pre_built_get.rb (recorded); API-REF names the code status_code and types grade_level as a string: the recording is followed',
  },
  {
    area: 'v1',
    rule: "a school's terms by portion then start date, sections by id, courses by course number, active staff by id; each list and its /count take q on the fields of its answer",
    source: 'PSU PS_API_NOTES.md (orders, /count, active staff); q fields inferred',
  },
  {
    area: 'v1',
    rule: 'page from 1; pagesize at most the resource maximum, which is also the default (400 past it)',
    source: 'API-REF ("cannot be greater than the maximum page size, which is also the default"); the 400 inferred',
  },
  {
    area: 'v1',
    rule: 'a DCID no student (school, term) has: 404 {"message":"Not Found: no student with id N ..."}',
    source: 'inferred (the status is usual; PowerSchool\'s body is not public)',
  },
];

/** Attendance writes. */
const ATTENDANCE_BEHAVIOURS: readonly Behaviour[] = [
  {
    area: 'attendance',
    rule: 'daily_time (one Daily or Time record), meeting_interval (Meeting or Interval records of one student and day), batch_daily_time (25.3.0+, up to 200, one result per record)',
    source: 'API-REF plugins/powerschool-api-attendance.md; batch results inferred',
  },
  {
    area: 'attendance',
    rule: 'every field a JSON string except start_time and end_time, JSON integers; a number for a string field or a string for an integer one is 400 (code InvalidType)',
    source: 'API-REF (the declared types); the texts inferred',
  },
  {
    area: 'attendance',
    rule: 'checks in order: token, content type, JSON, FullAccess (403), payload, required fields, student and school, enrollment, year term and code year, recording method, meeting enrollment and period, named row; texts of the enrollment, year and mode errors from the guide',
    source: 'SEED (the guide\'s error texts); API-REF (required fields); the order beyond the guide\'s inferred',
  },
  {
    area: 'attendance',
    rule: 'recording methods are the set a school enables for a year (one attendance_preferences row each); the ATT_Mode error only when the record\'s method is not enabled, naming every enabled one',
    source: 'SEED ("You have ATT_Mode[Meeting/Daily/Time] set as the method to use..."); API-REF meeting_interval ("A student may have both meeting and interval attendance"); the storage and the rest of the text inferred',
  },
  {
    area: 'attendance',
    rule: 'Daily records update the day\'s Daily row, meeting records the period\'s; Time records are several a day: each without dcid inserts, one with dcid updates that row, and 0 minutes with dcid voids (deletes) it (delete_count)',
    source: 'API-REF (dcid "primarily used for updates to attendance records with the att_mode_code set to ATT_ModeTime"); the void inferred',
  },
  {
    area: 'attendance',
    rule: 'a saved record carries ATT_FLAGS 0, ADM_VALUE 1, ADA_VALUE_CODE 1 for a Present code else 0, ADA_VALUE_TIME the share of the day attended (Time); readable through /ws/schema/table/attendance with access',
    source: 'inferred (the columns are PowerSchool\'s; its rules for their values are not public)',
  },
  {
    area: 'attendance',
    rule: '200 answers the v1 results envelope: insert_count, update_count, delete_count, result[] with status, action and success_message {id, ref}',
    source: 'inferred from a v1 insert (reference section 4; GH tests/PowerSchoolTest.php, PSU pre_built_post_spec.rb)',
  },
  {
    area: 'attendance',
    rule: 'DELETE /ws/schema/table/attendance/{id} removes one record (204) with the access a write needs (403 without); 404 for an unknown id; other core tables answer 403',
    source: 'inferred: MT says the generic DELETE "is only available to extension tables and a few core tables" without naming them; PSDOCS time-attendance: Time entries are voided with 0 minutes instead',
  },
];

/** Every behaviour the simulator copies, by area. */
export const BEHAVIOURS: readonly Behaviour[] = [
  ...MANNERS,
  ...V1_BEHAVIOURS,
  ...TABLE_BEHAVIOURS,
  ...QUERY_BEHAVIOURS,
  ...ATTENDANCE_BEHAVIOURS,
];

/** PowerSchool routes and behaviours the simulator does not have yet. */
export const NOT_YET: readonly string[] = [
  '/ws/v1/section/{id}, /ws/v1/course/{id}, /ws/v1/staff/{id}, /ws/v1/section_enrollment/{id} and a section\'s enrollments; /ws/v1/student/{id}/gpa and tests',
  'writes other than attendance (POST /ws/v1/student, /ws/schema/table/{table} inserts and updates, storedgrades, spenrollments, transportation)',
  'GET /ws/schema/table (every table), /ws/schema/area, /ws/powerqueryaccesslist, /ws/dataversion, event subscriptions, XTE, PTG, contacts',
  'schema extensions (`extensions=` and `_extension_data`): the simulated district has none, so `@extensions` is empty',
  'XML answers (Accept: application/xml); every answer is JSON',
];
