import { ERROR_MESSAGES, type ApiError, type ErrorCode } from '@parley/shared-types';
import type { FastifyError, FastifyInstance } from 'fastify';
import { isDomainError } from '../../domain/domain-error.js';
import { isStorageRefusal } from '../../storage/storage.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  invalid_payload: 400,
  invalid_username: 400,
  invalid_password: 400,
  invalid_room_name: 400,
  empty_message: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  wrong_password: 401,
  forbidden: 403,
  not_found: 404,
  username_taken: 409,
  room_name_taken: 409,
  conflict: 409,
  too_long: 413,
  file_too_large: 413,
  file_type_mismatch: 415,
  rate_limited: 429,
  unavailable: 503,
  storage_full: 503,
  internal: 500,
};

export function apiError(code: ErrorCode, details?: ApiError['details']): ApiError {
  return { error: code, message: ERROR_MESSAGES[code], ...(details ? { details } : {}) };
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

/** A8, W5: every failure leaves as `{ error, message }` with a fitting status; no stacks. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isDomainError(error)) {
      return reply.code(statusOf(error.code)).send(apiError(error.code, error.details));
    }
    if (isStorageRefusal(error)) {
      // S8: sign-in and sign-up write a session; they wait for the disk like messages do.
      return reply
        .code(503)
        .header('retry-after', String(Math.ceil(error.retryAfterMs / 1000)))
        .send({ ...apiError('storage_full'), retryAfterMs: error.retryAfterMs });
    }
    if (error.validation) {
      const first = error.validation[0];
      const path = first?.instancePath || '/';
      const code: ErrorCode = first?.keyword === 'maxLength' ? 'too_long' : 'invalid_payload';
      return reply.code(400).send(apiError(code, { path, message: first?.message ?? 'invalid' }));
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send(apiError('too_long'));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // Malformed JSON, wrong content type and the like.
      return reply.code(error.statusCode).send(apiError('invalid_payload', { message: error.message }));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(apiError('internal'));
  });
}
