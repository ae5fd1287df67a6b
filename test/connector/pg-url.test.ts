/**
 * The database URL is checked before anything connects and never shown with its password: in
 * the URL's userinfo, in a password query parameter, or in a string that is not even a URL.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../connector/index.ts';
import {
  checkDatabaseUrl,
  postgresFailure,
  redactDatabaseUrl,
  withoutPassword,
} from '../../connector/store/pg/index.ts';

describe('redactDatabaseUrl', () => {
  it.each([
    ['a password', 'postgres://pswb:s3cret@db:5432/pswb', 'postgres://pswb:***@db:5432/pswb'],
    ['no password', 'postgres://pswb@db/pswb', 'postgres://pswb@db/pswb'],
    ['postgresql://', 'postgresql://u:p%40ss@db/x', 'postgresql://u:***@db/x'],
    [
      'a password parameter',
      'postgres://db/pswb?user=u&password=s3cret&sslmode=require',
      'postgres://db/pswb?user=u&password=***&sslmode=require',
    ],
    [
      'not a URL, with @ and / in the password',
      'postgres://u:pa/ss@wd@db/x',
      'postgres://u:***@db/x',
    ],
    ['not a URL at all', 'u:s3cret@db', 'u:***@db'],
  ])('hides %s', (_, url, shown) => {
    expect(redactDatabaseUrl(url)).toBe(shown);
  });
});

describe('checkDatabaseUrl', () => {
  it.each([
    ['mysql://root:hunter22@db/x', 'it starts with mysql://'],
    ['db.example.org:5432', 'it does not start with postgres://'],
    ['postgres://u:pa/ss@wd@db/x', 'it cannot be read as a URL'],
  ])('refuses %s with invalid_database_url and without the password', (url, reason) => {
    let caught: unknown;
    try {
      checkDatabaseUrl(url);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectorError);
    expect((caught as ConnectorError).code).toBe('invalid_database_url');
    expect((caught as ConnectorError).message).toContain(reason);
    expect((caught as ConnectorError).message).not.toMatch(/hunter22|pa\/ss/);
  });

  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(() => checkDatabaseUrl('postgres://u:p@db/x')).not.toThrow();
    expect(() => checkDatabaseUrl('postgresql:///x?host=/var/run/postgresql')).not.toThrow();
  });
});

describe('postgresFailure', () => {
  const url = 'postgres://pswb:s3cret-pw@db:5432/pswb';

  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      'could not be reached',
    ],
    [
      'an unknown host',
      Object.assign(new Error('getaddrinfo ENOTFOUND db'), { code: 'ENOTFOUND' }),
      'could not be reached',
    ],
    [
      'a wrong password',
      Object.assign(new Error('password authentication failed for user "pswb"'), { code: '28P01' }),
      'refused the connection',
    ],
    [
      'no such database',
      Object.assign(new Error('database "pswb" does not exist'), { code: '3D000' }),
      'refused the connection',
    ],
    ['a connect timeout', new Error('timeout expired'), 'did not answer'],
    [
      'localhost on every address',
      new AggregateError(
        [Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })],
        '',
      ),
      'could not be reached',
    ],
  ])('makes %s database_unreachable, naming the URL without its password', (_, error, says) => {
    const mapped = postgresFailure(error, url) as ConnectorError;
    expect(mapped).toBeInstanceOf(ConnectorError);
    expect(mapped.code).toBe('database_unreachable');
    expect(mapped.message).toContain(`PostgreSQL at postgres://pswb:***@db:5432/pswb ${says}`);
    expect(mapped.message).not.toContain('s3cret-pw');
  });

  it('passes on what is not a connection failure', () => {
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(postgresFailure(syntax, url)).toBe(syntax);
  });

  it('withoutPassword scrubs the password from any text, encoded or not', () => {
    const tricky = 'postgres://u:p%40ss-word@db/x';
    expect(withoutPassword(`failed for ${tricky}: p@ss-word`, tricky)).toBe(
      'failed for postgres://u:***@db/x: ***',
    );
  });
});
