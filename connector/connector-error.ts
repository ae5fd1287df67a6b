/** Stable codes for refusals and bad input the connector reports to its callers. */
export const CONNECTOR_ERROR_CODES = [
  'invalid_settings',
  'not_connected',
  'connection_failed',
  'permission_denied',
  'unknown_school',
  'invalid_event',
  'invalid_filter',
  'no_current_year',
] as const;
export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

/** A refusal or bad input, with a message that says what is wrong and what to do. */
export class ConnectorError extends Error {
  override name = 'ConnectorError';
  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}
