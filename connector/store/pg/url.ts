/**
 * The PostgreSQL database URL: checked before anything connects, and redacted wherever it is
 * shown. A URL carries the password (postgres://user:password@host/db or ?password=), and no
 * message, log line or JSON output of pswb may repeat it.
 */
import { ConnectorError } from '../../domain/index.ts';

const PROTOCOLS = new Set(['postgres:', 'postgresql:']);

/** What stands for a password in a shown URL. */
export const REDACTED_PASSWORD = '***';

/** Query parameters that carry a secret (libpq takes ?password= and ?sslpassword=). */
const SECRET_PARAM = /password/i;

/** Throws invalid_database_url unless `url` is a postgres:// or postgresql:// URL. */
export function checkDatabaseUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // Reported below, without the URL's own text when it may hold a password.
  }
  if (parsed && PROTOCOLS.has(parsed.protocol)) return;
  const shown = redactDatabaseUrl(url);
  const reason = !parsed
    ? 'it cannot be read as a URL'
    : url.startsWith(`${parsed.protocol}//`)
      ? `it starts with ${parsed.protocol}//, not postgres:// or postgresql://`
      : 'it does not start with postgres:// or postgresql://';
  throw new ConnectorError(
    'invalid_database_url',
    `The database URL "${shown}" is not valid: ${reason}.`,
  );
}

/**
 * The URL with its password (and any password query parameter) replaced by ***; a string that
 * is not a scheme://authority URL loses everything between its first ":" after any "//" and
 * its last "@".
 */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactUnparsed(url);
  }
  // "user:secret@host" parses as a URL of scheme "user:" whose path holds the secret.
  if (!url.startsWith(`${parsed.protocol}//`)) return redactUnparsed(url);
  if (parsed.password) parsed.password = REDACTED_PASSWORD;
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(key)) parsed.searchParams.set(key, REDACTED_PASSWORD);
  }
  return parsed.toString();
}

function redactUnparsed(url: string): string {
  const at = url.lastIndexOf('@');
  const slashes = url.indexOf('//');
  const start = slashes >= 0 && slashes < at ? slashes + 2 : 0;
  const colon = url.indexOf(':', start);
  const hidden = at >= 0 && colon >= 0 && colon < at;
  const text = hidden ? `${url.slice(0, colon + 1)}${REDACTED_PASSWORD}${url.slice(at)}` : url;
  return text.replace(/([?&][^=&#]*password[^=&#]*=)[^&#]*/gi, `$1${REDACTED_PASSWORD}`);
}

/**
 * Removes the URL's password from a text (an error message from the driver or the server), in
 * the forms it may take there: as written in the URL and percent-decoded.
 */
export function withoutPassword(text: string, url: string): string {
  const secrets = new Set<string>();
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      secrets.add(parsed.password);
      secrets.add(safeDecode(parsed.password));
    }
    for (const [key, value] of parsed.searchParams) {
      if (SECRET_PARAM.test(key) && value) secrets.add(value);
    }
  } catch {
    // Not a URL: nothing to look for beyond what redactDatabaseUrl hides.
  }
  let clean = text.split(url).join(redactDatabaseUrl(url));
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 3) clean = clean.split(secret).join(REDACTED_PASSWORD);
  }
  return clean;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
