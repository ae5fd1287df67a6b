/** domain/: the connector's vocabulary: events, modes and states, district time, the clock, and its errors. */
export * from './vocabulary.ts';
export { systemClock, type Clock } from './clock.ts';
export {
  formatClockTime,
  isKnownTimeZone,
  toDistrictLocalTime,
  type DistrictLocalTime,
} from './district-time.ts';
export {
  EventSchema,
  differingFields,
  parseWritebackEvent,
  readStoredEvent,
  type EventStudent,
  type WritebackEvent,
} from './event.ts';
export { ConnectorError, type ConnectorErrorOptions } from './errors.ts';
export {
  CONNECTOR_ERROR_CODES,
  CONNECTOR_FAILURES,
  POWERSCHOOL_ERROR_CODES,
  SETUP_ERROR_CODES,
  WRITEBACK_FAILURE_CODES,
  isConnectorErrorCode,
  isPowerSchoolErrorCode,
  type ConnectorErrorCode,
  type FailureText,
  type PowerSchoolErrorCode,
} from './failure-codes.ts';
