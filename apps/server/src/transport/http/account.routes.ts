import {
  API_ROUTES,
  AccountDeleteSchema,
  PasswordChangeSchema,
  type AccountDelete,
  type PasswordChange,
} from '@parley/shared-types';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Authenticated } from '../../domain/auth.service.js';
import type { LoginThrottle, Throttled } from '../../security/login-throttle.js';
import type { ChatGateway } from '../socket/chat.gateway.js';
import { apiError } from './errors.js';
import { clearSessionCookie, sessionTokenFrom } from './session-cookie.js';

/** A11–A13: the signed-in person's own account over REST. */
export function registerAccountRoutes(
  app: FastifyInstance,
  deps: { services: Services; chat: () => ChatGateway; throttle: LoginThrottle },
): void {
  const { auth, account } = deps.services;
  const { throttle } = deps;

  /** The caller's session, or null after a 401 was sent. */
  async function signedIn(request: FastifyRequest, reply: FastifyReply): Promise<Authenticated | null> {
    const token = sessionTokenFrom(request.cookies);
    const session = token ? await auth.authenticate(token) : null;
    if (!session) void reply.code(401).send(apiError('unauthorized'));
    return session;
  }

  const tooMany = (reply: FastifyReply, throttled: Throttled) =>
    reply
      .code(429)
      .header('retry-after', String(Math.ceil(throttled.retryAfterMs / 1000)))
      .send({ ...apiError('rate_limited'), retryAfterMs: throttled.retryAfterMs });

  /**
   * A9: a password checked here is a guess like a sign-in's, so it spends the same budgets
   * (the account's name and the address) first and gets them back only when it is right.
   */
  async function withPasswordBudget<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    session: Authenticated,
    check: () => Promise<T>,
  ): Promise<{ value: T } | null> {
    const budget = await throttle.begin(request.ip, session.user.username);
    if (!budget.ok) {
      await tooMany(reply, budget);
      return null;
    }
    const value = await check();
    await budget.attempt.succeeded();
    return { value };
  }

  app.post<{ Body: PasswordChange }>(
    API_ROUTES.password,
    { schema: { body: PasswordChangeSchema } },
    async (request, reply) => {
      const session = await signedIn(request, reply);
      if (!session) return reply;
      const { currentPassword, newPassword } = request.body;
      // A new password's form costs no guess: refused before any budget is spent.
      account.assertNewPassword(newPassword);
      const changed = await withPasswordBudget(request, reply, session, () =>
        account.changePassword(session.user, session.sessionKey, currentPassword, newPassword),
      );
      if (!changed) return reply;
      for (const key of changed.value) deps.chat().endSession(key, 'signed_out');
      return reply.code(204).send();
    },
  );

  app.post(API_ROUTES.logoutEverywhere, async (request, reply) => {
    const session = await signedIn(request, reply);
    if (!session) return reply;
    const keys = await account.signOutEverywhere(session.user.id);
    for (const key of keys) deps.chat().endSession(key, 'signed_out');
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  app.post<{ Body: AccountDelete }>(
    API_ROUTES.deleteAccount,
    { schema: { body: AccountDeleteSchema } },
    async (request, reply) => {
      const session = await signedIn(request, reply);
      if (!session) return reply;
      const deleted = await withPasswordBudget(request, reply, session, () =>
        account.deleteAccount(session.user, request.body.password),
      );
      if (!deleted) return reply;
      deps.chat().accountDeleted(session.user.id, deleted.value);
      clearSessionCookie(request, reply);
      return reply.code(204).send();
    },
  );
}
