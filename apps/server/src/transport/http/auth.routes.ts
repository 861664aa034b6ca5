import { API_ROUTES, CredentialsSchema, type AuthResponse, type Credentials } from '@parley/shared-types';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { LoginThrottle, Throttled } from '../../security/login-throttle.js';
import type { Services } from '../../domain/services.js';
import type { ChatGateway } from '../socket/chat.gateway.js';
import { isStorageRefusal } from '../../storage/storage.js';
import { apiError } from './errors.js';
import { clearSessionCookie, sessionTokenFrom, setSessionCookie } from './session-cookie.js';

/** A1–A8: accounts and sessions over REST. */
export function registerAuthRoutes(
  app: FastifyInstance,
  deps: { services: Services; chat: () => ChatGateway; throttle: LoginThrottle },
): void {
  const { auth } = deps.services;
  const body = { body: CredentialsSchema };

  const { throttle } = deps;
  const tooMany = (reply: FastifyReply, throttled: Throttled) =>
    reply
      .code(429)
      .header('retry-after', String(Math.ceil(throttled.retryAfterMs / 1000)))
      .send({ ...apiError('rate_limited'), retryAfterMs: throttled.retryAfterMs });

  app.post<{ Body: Credentials }>(API_ROUTES.register, { schema: body }, async (request, reply) => {
    const throttled = await throttle.registration(request.ip);
    if (throttled) return tooMany(reply, throttled);
    const signedIn = await auth.register(request.body.username, request.body.password);
    await throttle.rememberAddress(signedIn.user.username, request.ip);
    deps.chat().announceMember(signedIn.user, deps.services.rooms.autoJoinRoomIds());
    setSessionCookie(request, reply, signedIn.token, signedIn.expiresAt);
    const response: AuthResponse = { user: signedIn.user };
    return reply.code(201).send(response);
  });

  app.post<{ Body: Credentials }>(API_ROUTES.login, { schema: body }, async (request, reply) => {
    const { username, password } = request.body;
    // Not text at all: refused before it can spend (or be counted against) any budget.
    auth.assertSignInPassword(password);
    // The budgets are taken before the password is checked, and given back on success.
    const budget = await throttle.begin(request.ip, username);
    if (!budget.ok) return tooMany(reply, budget);
    const signedIn = await auth.login(username, password).catch(async (error: unknown) => {
      // S8: the password was right, only the session could not be stored: not a failed guess.
      if (isStorageRefusal(error)) await budget.attempt.succeeded();
      throw error;
    });
    await budget.attempt.succeeded();
    setSessionCookie(request, reply, signedIn.token, signedIn.expiresAt);
    const response: AuthResponse = { user: signedIn.user };
    return reply.send(response);
  });

  app.post(API_ROUTES.logout, async (request, reply) => {
    const token = sessionTokenFrom(request.cookies);
    if (token) {
      const key = await auth.logout(token);
      if (key) deps.chat().endSession(key, 'signed_out');
    }
    clearSessionCookie(request, reply);
    return reply.code(204).send();
  });

  app.get(API_ROUTES.me, async (request, reply) => {
    const token = sessionTokenFrom(request.cookies);
    const session = token ? await auth.authenticate(token) : null;
    if (!session) return reply.code(401).send(apiError('unauthorized'));
    const response: AuthResponse = { user: session.user };
    return reply.send(response);
  });
}
