import { SESSION_COOKIE } from '@parley/shared-types';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Over HTTPS the cookie is Secure and `__Host-`-prefixed; over HTTP it cannot be either. */
function cookieName(request: FastifyRequest): string {
  return request.protocol === 'https' ? SESSION_COOKIE.secure : SESSION_COOKIE.plain;
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: number): void {
  reply.setCookie(cookieName(request), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(cookieName(request), {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
  });
}

/** The session id from a cookie map, whichever of the two names carried it. */
export function sessionTokenFrom(cookies: Record<string, string | undefined>): string | null {
  return cookies[SESSION_COOKIE.secure] ?? cookies[SESSION_COOKIE.plain] ?? null;
}
