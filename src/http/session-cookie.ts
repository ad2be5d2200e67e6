// The session cookie's attributes: HttpOnly (scripts cannot read it), SameSite=Lax (not sent on cross-site
// sub-requests or form posts), Path=/, Secure everywhere but on a loopback host (the offline demo over plain http).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '../services/tenancy/session-service.js';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/** True when the request came to a loopback host name (where a Secure cookie would not be sent over http). */
export function isLoopbackHost(req: FastifyRequest): boolean {
  return LOOPBACK.test(req.headers.host ?? '');
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: !isLoopbackHost(req),
    path: '/',
    maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(req: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure: !isLoopbackHost(req), path: '/' });
}
