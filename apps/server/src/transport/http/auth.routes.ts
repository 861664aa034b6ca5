import { API_ROUTES, CredentialsSchema, type AuthResponse, type Credentials } from '@parley/shared-types';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { ChatGateway } from '../socket/chat.gateway.js';
import { apiError } from './errors.js';
import { clearSessionCookie, sessionTokenFrom, setSessionCookie } from './session-cookie.js';

/** A1–A8: accounts and sessions over REST. */
export function registerAuthRoutes(
  app: FastifyInstance,
  deps: { services: Services; chat: () => ChatGateway },
): void {
  const { auth } = deps.services;
  const body = { body: CredentialsSchema };

  app.post<{ Body: Credentials }>(API_ROUTES.register, { schema: body }, async (request, reply) => {
    const signedIn = await auth.register(request.body.username, request.body.password);
    deps.chat().announceMember(signedIn.user, deps.services.rooms.autoJoinRoomIds());
    setSessionCookie(request, reply, signedIn.token, signedIn.expiresAt);
    const response: AuthResponse = { user: signedIn.user };
    return reply.code(201).send(response);
  });

  app.post<{ Body: Credentials }>(API_ROUTES.login, { schema: body }, async (request, reply) => {
    const signedIn = await auth.login(request.body.username, request.body.password);
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
