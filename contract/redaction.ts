/**
 * Redaction of recorded responses: the access token, the client id and secret, and students'
 * names (plus the other personal fields a v1 student carries) are replaced before anything is
 * written to a fixture or printed. Dates and ids are kept: they are what a fixture is for.
 */

/** What every redacted value becomes. */
export const REDACTED = '[redacted]';

/** Keys whose values are credentials wherever they appear. */
const SECRET_KEYS = new Set([
  'access_token',
  'refresh_token',
  'client_id',
  'client_secret',
  'authorization',
  'password',
]);

/**
 * Keys whose values name or identify a person wherever they appear: students' names in v1
 * (`name.first_name`...), in schema tables and PowerQueries (`lastfirst`...), and the contact
 * and demographic fields of a v1 student (API-REF district_student).
 */
const PERSON_KEYS = new Set([
  'first_name',
  'middle_name',
  'last_name',
  'lastfirst',
  'preferred_name',
  'firstname',
  'lastname',
  'student_username',
  'email',
  'guardian_email',
  'mother',
  'father',
  'emergency_contact_name1',
  'emergency_contact_name2',
  'emergency_phone1',
  'emergency_phone2',
  'doctor_name',
  'doctor_phone',
  'home_phone',
  'street',
  'ssn',
  'birth_date',
  'dob',
  'global_id',
]);

/** Ancestor keys that mark a subtree as a student's, where a plain `name` is a person's name. */
const STUDENT_CONTAINERS = new Set(['student', 'students']);

/** Secrets shorter than this are not searched for inside strings (too many false hits). */
const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of each secret inside a string. */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) result = result.split(secret).join(REDACTED);
  }
  return result;
}

function redactNode(
  value: unknown,
  secrets: readonly string[],
  inStudent: boolean,
  key?: string,
): unknown {
  const lowerKey = key?.toLowerCase();
  if (lowerKey !== undefined && value !== null && typeof value !== 'object') {
    if (SECRET_KEYS.has(lowerKey) || PERSON_KEYS.has(lowerKey)) return REDACTED;
    if (inStudent && lowerKey === 'name') return REDACTED;
  }
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactNode(item, secrets, inStudent, key));
  if (value !== null && typeof value === 'object') {
    const nested = inStudent || (lowerKey !== undefined && STUDENT_CONTAINERS.has(lowerKey));
    return Object.fromEntries(
      Object.entries(value).map(([childKey, child]) => [
        childKey,
        redactNode(child, secrets, nested, childKey),
      ]),
    );
  }
  return value;
}

/**
 * A deep copy of a JSON body with credentials, students' names and personal fields replaced by
 * REDACTED, and every occurrence of a known secret (token, client id, client secret) removed from
 * the remaining strings.
 */
export function redactBody(body: unknown, secrets: readonly string[] = []): unknown {
  return redactNode(body, secrets, false);
}

/** The response headers a fixture keeps; everything else (cookies, server details) is dropped. */
export const KEPT_HEADERS = ['content-type', 'retry-after', 'www-authenticate'] as const;

/** The kept headers, lower-cased, with secrets removed from their values. */
export function selectHeaders(
  headers: Record<string, string | string[] | undefined>,
  secrets: readonly string[] = [],
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || !(KEPT_HEADERS as readonly string[]).includes(lower)) continue;
    kept[lower] = redactText(Array.isArray(value) ? value.join(', ') : value, secrets);
  }
  return kept;
}
