import type { AckError, ErrorCode } from '@parley/shared-types';

/** A refusal the domain decided on; the transport turns it into an ack or a 4xx. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details?: AckError['details'],
  ) {
    super(code);
    this.name = 'DomainError';
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
