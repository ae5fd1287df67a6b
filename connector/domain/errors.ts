/**
 * The connector's one error class and its stable codes. Every failure the connector reports, a
 * refusal of bad input, a problem with the data directory, a writeback decided before posting, or
 * a failed PowerSchool call (PowerSchoolError, a subclass), carries a code from
 * ConnectorErrorCode with a meaning and a fix (failure-codes.ts; listed in docs/troubleshooting.md).
 */
import { CONNECTOR_FAILURES, type ConnectorErrorCode } from './failure-codes.ts';

/** What a ConnectorError may carry besides its code and message. */
export interface ConnectorErrorOptions {
  /** What to do, when this case knows better than the code's general fix. */
  fix?: string;
  /** Every problem, when the message sums up several. */
  details?: readonly string[];
  cause?: unknown;
}

/** A failure of the connector, with a message that says what is wrong and a fix. */
export class ConnectorError extends Error {
  override name = 'ConnectorError';
  readonly code: ConnectorErrorCode;
  readonly details: readonly string[];
  readonly #fix: string | undefined;

  constructor(code: ConnectorErrorCode, message: string, options: ConnectorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? [];
    this.#fix = options.fix;
  }

  /** What the code means, in one sentence. */
  get meaning(): string {
    return CONNECTOR_FAILURES[this.code].meaning;
  }

  /** What to do next. */
  get fix(): string {
    return this.#fix ?? CONNECTOR_FAILURES[this.code].fix;
  }
}
