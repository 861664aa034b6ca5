import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

/*
 * Structured JSON logs (SPEC O3): one pino logger, Fastify's. Every request's lines carry
 * Fastify's request id (`reqId`); every socket's lines carry its socket id and user id
 * (`socketLog`). Message text, passwords, cookies and tokens never belong in a log line:
 * nothing here logs them, and the paths below are censored in case a future line passes
 * a body, a handshake or headers whole.
 */

const CENSORED = '[redacted]';

/** Keys that hold a secret or a person's words, wherever they sit in a logged object (two levels down). */
const SECRET_KEYS = ['password', 'currentPassword', 'newPassword', 'token', 'cookie', 'authorization', 'text'];

export const LOG_REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...SECRET_KEYS.map((key) => `*.*.${key}`),
];

/** Something log lines can be written to (tests capture them). */
export type LogStream = { write(line: string): void };

/** Fastify's logger options: level, redaction, and where lines go (stdout unless told). */
export function loggerOptions(level: string, stream?: LogStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: LOG_REDACT_PATHS, censor: CENSORED },
    ...(stream ? { stream } : {}),
  };
}

/** A socket's logger: its lines name the socket and, once signed in, the user. */
export function socketLog(log: FastifyBaseLogger, socketId: string, userId?: string): FastifyBaseLogger {
  return log.child(userId === undefined ? { socketId } : { socketId, userId });
}

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/**
 * Whether a line at `level` would be written: lets a per-connection line skip building its
 * child logger when it would be dropped anyway. False for Fastify's null logger (no level).
 */
export function logsAt(log: FastifyBaseLogger, level: 'debug' | 'info'): boolean {
  const current = (log as { level?: unknown }).level;
  if (typeof current !== 'string') return false;
  const threshold = LEVELS[current];
  return threshold !== undefined && LEVELS[level]! >= threshold;
}
