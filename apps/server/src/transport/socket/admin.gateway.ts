import {
  ADMIN_COMMAND_SCHEMAS,
  NAMESPACES,
  type AdminClientToServerEvents,
  type AdminServerToClientEvents,
  type AckCallback,
  type Notice,
} from '@parley/shared-types';
import type { FastifyBaseLogger } from 'fastify';
import { RateLimiterRes } from 'rate-limiter-flexible';
import type { Namespace } from 'socket.io';
import { clientAddress, type TrustFn } from '../../security/client-address.js';
import { sameSecret } from '../../security/secrets.js';
import { memoryLimiters, type LimiterStore } from '../../security/rate-limits.js';
import type { Clock } from '../../domain/clock.js';
import type { IdGenerator } from '../../domain/ids.js';
import type { ChatNamespace, ChatServer } from './chat.handlers.js';
import { compileValidators } from './validation.js';

const validators = compileValidators(ADMIN_COMMAND_SCHEMAS);
/** Token attempts one address may make per minute; a right token gives its point back. */
export const ADMIN_ATTEMPTS_PER_MINUTE = 10;

/**
 * The operators' namespace (W1, N1). It lives beside the chat without touching it: the
 * only thing it does to the chat is emit a notice to every connected client.
 */
export function createAdminGateway(deps: {
  io: ChatServer;
  chat: ChatNamespace;
  adminToken: string | null;
  clock: Clock;
  newId: IdGenerator;
  log: FastifyBaseLogger;
  trust: TrustFn;
  /** Where the attempt budget is counted (shared by the nodes with REDIS_URL); memory by default. */
  limiters?: LimiterStore;
}): void {
  // The server is typed for the chat; this namespace speaks its own, smaller protocol.
  const nsp = deps.io.of(NAMESPACES.admin) as unknown as Namespace<
    AdminClientToServerEvents,
    AdminServerToClientEvents
  >;
  const limiters = deps.limiters ?? memoryLimiters;
  const attempts = limiters({ keyPrefix: 'admin-token', points: ADMIN_ATTEMPTS_PER_MINUTE, duration: 60 });
  // Budgeted per address before the token is compared (one connection can send many
  // namespace handshakes), so guessing runs at ten a minute, not thousands a second.
  nsp.use((socket, next) => {
    const address = clientAddress(socket.request, deps.trust);
    attempts
      .consume(address)
      .then(async () => {
        const token: unknown = socket.handshake.auth?.token;
        if (deps.adminToken && typeof token === 'string' && sameSecret(token, deps.adminToken)) {
          await attempts.reward(address, 1);
          return next();
        }
        next(new Error('unauthorized'));
      })
      .catch((rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) {
          deps.log.error({ err: rejection }, 'admin handshake failed');
          return next(new Error('internal'));
        }
        next(Object.assign(new Error('rate_limited'), { data: { retryAfterMs: Math.max(1, rejection.msBeforeNext) } }));
      });
  });
  nsp.on('connection', (socket) => {
    socket.on('notice:send', (payload: unknown, ack?: unknown) => {
      const respond = (typeof ack === 'function' ? ack : () => {}) as AckCallback<Notice>;
      const invalid = validators['notice:send'](payload);
      if (invalid) return respond(invalid);
      const notice: Notice = {
        id: deps.newId(),
        text: (payload as { text: string }).text,
        createdAt: deps.clock.now(),
      };
      // Emit to all: every client of the chat namespace, on every node.
      deps.chat.emit('server:notice', notice);
      deps.log.info({ noticeId: notice.id }, 'notice sent');
      respond({ ok: true, data: notice });
    });
  });
}
