/**
 * PowerSchool's error answers in the guide's words: the Guzzle-style message the writeback log
 * shows for a failed call.
 */
import { type PowerSchoolError, reasonPhrase } from '../http/index.ts';

/** Guzzle's summary length: bodies longer than this end with " (truncated...)". */
export const GUZZLE_BODY_SUMMARY_LENGTH = 120;

/**
 * Renders an error in the guide's technical format (Guzzle's RequestException), e.g.
 * Client error: `POST https://host/ws/attendance/daily_time` resulted in a `400 Bad Request`
 * response: {"message":"Record Not Saved. ..."... (truncated...)
 * Guzzle puts the summary on its own line; the guide shows it on one line, and so do we. The
 * whole status and body stay in the log; this is only the message.
 */
export function formatPowerSchoolError(error: PowerSchoolError): string {
  const suffix = error.attempts > 1 ? ` (after ${error.attempts} attempts)` : '';
  if (error.status === undefined) {
    const verb =
      error.code === 'timeout'
        ? 'did not answer in time'
        : error.code === 'invalid_response'
          ? 'gave an answer that could not be read'
          : 'could not be reached';
    return `Connection error: \`${error.method} ${error.url}\` ${verb}: ${error.detail ?? error.code}${suffix}`;
  }
  const label = error.status >= 500 ? 'Server error' : 'Client error';
  const head = `${label}: \`${error.method} ${error.url}\` resulted in a \`${error.status} ${
    error.statusText ?? reasonPhrase(error.status)
  }\` response`;
  const text = error.bodyText ?? '';
  if (text.length === 0) return `${head}${suffix}`;
  const summary =
    text.length > GUZZLE_BODY_SUMMARY_LENGTH
      ? `${text.slice(0, GUZZLE_BODY_SUMMARY_LENGTH)} (truncated...)`
      : text;
  return `${head}: ${summary}${suffix}`;
}
