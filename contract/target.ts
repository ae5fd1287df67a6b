/**
 * Checks a `--target` URL and reads the plugin's credentials from the environment, refusing
 * plainly before anything is sent. The URL rule is the product guide's: the base URL used to log
 * into PowerSchool, no path, no trailing slash.
 */

/** A target or credential problem the user fixes by changing how the suite is called. */
export class ContractTargetError extends Error {
  override name = 'ContractTargetError';
}

const EXAMPLE_URL = 'https://sample-district.powerschool.com';
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The base URL of a PowerSchool server, exactly `scheme://host[:port]`. Refuses a path (even a
 * lone trailing slash), a query, credentials in the URL, and plain http except to this machine
 * (the client secret must not cross a network in clear text).
 */
export function parseRemoteBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ContractTargetError(
      `"${raw}" is not a URL. Use --target sim, or the base URL you log into PowerSchool with, e.g. ${EXAMPLE_URL}.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ContractTargetError(`"${raw}" is not an http(s) URL; use e.g. ${EXAMPLE_URL}.`);
  }
  if (!/^https?:\/\/[^/?#@]+$/i.test(raw)) {
    throw new ContractTargetError(
      `"${raw}" has a path, query or trailing slash. Use only the scheme and host, e.g. ${EXAMPLE_URL} (not ${EXAMPLE_URL}/ or ${EXAMPLE_URL}/admin).`,
    );
  }
  if (url.protocol === 'http:' && !LOCAL_HOSTS.has(url.hostname)) {
    throw new ContractTargetError(
      `"${raw}" uses http; PowerSchool servers answer on https and the client secret must not travel in clear text. Use https://${url.host}.`,
    );
  }
  return raw;
}
