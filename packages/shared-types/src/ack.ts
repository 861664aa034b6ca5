import type { ErrorCode } from './errors.js';

/** The one answer shape of every client command (and, as a body, of REST errors). */
export type AckOk<T> = { ok: true; data: T };
export type AckError = {
  ok: false;
  error: ErrorCode;
  /** Present with `rate_limited` and `storage_full` (S8): when a retry may succeed. */
  retryAfterMs?: number;
  /** Which field was wrong, for `invalid_payload` and `too_long`. */
  details?: { path?: string; message?: string };
};
export type Ack<T> = AckOk<T> | AckError;
export type AckCallback<T> = (response: Ack<T>) => void;

/** REST error body: the same code table as acks. */
export type ApiError = {
  error: ErrorCode;
  message: string;
  details?: AckError['details'];
  /** Present with `rate_limited` and `storage_full` (also sent as a Retry-After header). */
  retryAfterMs?: number;
};
