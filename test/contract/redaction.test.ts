import { describe, expect, it } from 'vitest';
import { REDACTED, redactBody, redactText, selectHeaders } from '../../contract/redaction.ts';

const TOKEN = '5f1e2d3c-aaaa-4bbb-8ccc-123456789abc';
const CLIENT_ID = 'c0ffee00-1111-4222-8333-444455556666';
const CLIENT_SECRET = 'deadbeef-7777-4888-9999-aaaabbbbcccc';
const SECRETS = [TOKEN, CLIENT_ID, CLIENT_SECRET];

describe('redactBody', () => {
  const cases: { case: string; body: unknown; expected: unknown }[] = [
    {
      case: 'the access token of a token answer',
      body: { access_token: TOKEN, token_type: 'Bearer', expires_in: '1814654' },
      expected: { access_token: REDACTED, token_type: 'Bearer', expires_in: '1814654' },
    },
    {
      case: 'client id and secret under their own keys',
      body: { credentials: { client_id: 'anything', client_secret: 'anything-else' } },
      expected: { credentials: { client_id: REDACTED, client_secret: REDACTED } },
    },
    {
      case: 'a known secret inside any string (a URL, a message)',
      body: { ref: `https://host/ws/x?token=${TOKEN}`, message: `client ${CLIENT_ID} refused` },
      expected: {
        ref: `https://host/ws/x?token=${REDACTED}`,
        message: `client ${REDACTED} refused`,
      },
    },
    {
      case: "a v1 student's name object, and its name when it is a plain string",
      body: {
        students: {
          student: [
            {
              id: 4321,
              local_id: 100234,
              name: { first_name: 'Ada', middle_name: 'B', last_name: 'Lovelace' },
            },
            { id: 4322, local_id: 100235, name: 'Grace Hopper' },
          ],
        },
      },
      expected: {
        students: {
          student: [
            {
              id: 4321,
              local_id: 100234,
              name: { first_name: REDACTED, middle_name: REDACTED, last_name: REDACTED },
            },
            { id: 4322, local_id: 100235, name: REDACTED },
          ],
        },
      },
    },
    {
      case: 'names in flattened PowerQuery records, ids and dates kept',
      body: {
        name: 'students',
        record: [
          {
            id: 1234,
            dcid: 4321,
            first_name: 'Ada',
            last_name: 'Lovelace',
            lastfirst: 'Lovelace, Ada',
            entrydate: '2025-08-18',
          },
        ],
      },
      expected: {
        name: 'students',
        record: [
          {
            id: 1234,
            dcid: 4321,
            first_name: REDACTED,
            last_name: REDACTED,
            lastfirst: REDACTED,
            entrydate: '2025-08-18',
          },
        ],
      },
    },
    {
      case: 'names in a schema table record (tables.students)',
      body: {
        name: 'students',
        record: [
          {
            id: 9,
            name: 'students',
            tables: { students: { dcid: '9', lastfirst: 'Hopper, Grace' } },
          },
        ],
      },
      expected: {
        name: 'students',
        record: [
          { id: 9, name: 'students', tables: { students: { dcid: '9', lastfirst: REDACTED } } },
        ],
      },
    },
    {
      case: 'contact and demographic fields of a v1 student',
      body: {
        student: {
          id: 1,
          contact: {
            mother: 'M',
            father: 'F',
            guardian_email: 'g@example.com',
            emergency_phone1: '555',
          },
          demographics: {
            birth_date: '2015-01-02',
            ssn: '000-00-0000',
            projected_graduation_year: 2033,
          },
          addresses: { physical: { street: '1 Main St', city: 'Springfield' } },
        },
      },
      expected: {
        student: {
          id: 1,
          contact: {
            mother: REDACTED,
            father: REDACTED,
            guardian_email: REDACTED,
            emergency_phone1: REDACTED,
          },
          demographics: { birth_date: REDACTED, ssn: REDACTED, projected_graduation_year: 2033 },
          addresses: { physical: { street: REDACTED, city: 'Springfield' } },
        },
      },
    },
    {
      case: 'school, term and query names, which are not personal',
      body: {
        schools: { school: { id: 6, school_number: '100', name: 'Lincoln Elementary' } },
        terms: { term: { id: '3500', name: '2025-2026', start_date: '2025-08-18' } },
      },
      expected: {
        schools: { school: { id: 6, school_number: '100', name: 'Lincoln Elementary' } },
        terms: { term: { id: '3500', name: '2025-2026', start_date: '2025-08-18' } },
      },
    },
    {
      case: 'keys matched whatever their case',
      body: { Access_Token: TOKEN, First_Name: 'Ada' },
      expected: { Access_Token: REDACTED, First_Name: REDACTED },
    },
    {
      case: 'a body that is a plain string holding the token',
      body: `token ${TOKEN} expired`,
      expected: `token ${REDACTED} expired`,
    },
  ];

  it.each(cases)('redacts $case', ({ body, expected }) => {
    expect(redactBody(body, SECRETS)).toEqual(expected);
  });

  it('leaves no secret or name anywhere in a redacted answer', () => {
    const body = {
      access_token: TOKEN,
      students: { student: { id: 1, name: { first_name: 'Ada', last_name: 'Lovelace' } } },
      note: `${CLIENT_SECRET}/${CLIENT_ID}`,
    };
    const text = JSON.stringify(redactBody(body, SECRETS));
    for (const secret of [...SECRETS, 'Ada', 'Lovelace']) expect(text).not.toContain(secret);
  });

  it('does not change the body it was given', () => {
    const body = { access_token: TOKEN };
    redactBody(body, SECRETS);
    expect(body.access_token).toBe(TOKEN);
  });
});

describe('redactText and selectHeaders', () => {
  it('removes every occurrence of every secret from a path', () => {
    expect(redactText(`/x/${TOKEN}/${TOKEN}/${CLIENT_SECRET}`, SECRETS)).toBe(
      `/x/${REDACTED}/${REDACTED}/${REDACTED}`,
    );
  });

  it('keeps only content-type, retry-after and www-authenticate, redacted', () => {
    const headers = selectHeaders(
      {
        'Content-Type': 'application/json',
        'Retry-After': '3',
        'WWW-Authenticate': `Bearer error="invalid_token" token="${TOKEN}"`,
        'Set-Cookie': ['JSESSIONID=abc'],
        Authorization: `Bearer ${TOKEN}`,
        Server: 'Apache',
      },
      SECRETS,
    );
    expect(headers).toEqual({
      'content-type': 'application/json',
      'retry-after': '3',
      'www-authenticate': `Bearer error="invalid_token" token="${REDACTED}"`,
    });
  });
});
