import { API_ROUTES, CredentialsSchema, type AuthResponse, type Credentials } from '@parley/shared-types';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { isDomainError } from '../../domain/domain-error.js';
import type { LoginThrottle, Throttled } from '../../security/login-throttle.js';
import type { Services } from '../../domain/services.js';
import type { ChatGateway } from '../socket/chat.gateway.js';
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
    deps.chat().announceMember(signedIn.user, deps.services.rooms.autoJoinRoomIds());
    setSessionCookie(request, reply, signedIn.token, signedIn.expiresAt);
    const response: AuthResponse = { user: signedIn.user };
    return reply.code(201).send(response);
  });

  app.post<{ Body: Credentials }>(API_ROUTES.login, { schema: body }, async (request, reply) => {
    const { username, password } = request.body;
    const throttled = await throttle.check(request.ip, username);
    if (throttled) return tooMany(reply, throttled);
    let signedIn;
    try {
      signedIn = await auth.login(username, password);
    } catch (error) {
      if (isDomainError(error) && error.code === 'invalid_credentials') await throttle.failed(request.ip, username);
      throw error;
    }
    await throttle.succeeded(username);
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
