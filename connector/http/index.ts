/** http/: the transport: one exchange with a timeout, retries with backoff, the attempt record. */
export {
  attemptFromError,
  attemptFromResponse,
  type AttemptListener,
  type CallOptions,
  type HttpAttempt,
  type PowerSchoolResponse,
  type SendRequest,
} from './attempt.ts';
export { sendOnce } from './exchange.ts';
export { sendWithRetries, type SendContext } from './send.ts';
export {
  POWERSCHOOL_ERROR_CODES,
  PowerSchoolError,
  codeForStatus,
  isPowerSchoolErrorCode,
  reasonPhrase,
  type PowerSchoolErrorCode,
  type PowerSchoolErrorInit,
} from './powerschool-error.ts';
export {
  DEFAULT_RETRY_OPTIONS,
  RETRYABLE_METHODS,
  RETRYABLE_STATUSES,
  backoffDelay,
  isRetryable,
  parseRetryAfter,
  retryDelay,
  sleepFor,
  type RetryOptions,
} from './retry-policy.ts';
