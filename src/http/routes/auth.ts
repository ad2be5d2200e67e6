// The caller's browser session: what it is (with the CSRF token the web app sends on writes), sign out, sign out
// everywhere, and the list of places the user is signed in. Sign-in itself (OpenID Connect) is in auth-signin.ts.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth.js';
import type { AppDeps } from '../app-deps.js';
import { errors } from '../schemas.js';
import { clearSessionCookie } from '../session-cookie.js';

const SessionInfo = Type.Object({
  via: Type.Union([Type.Literal('session'), Type.Literal('api_key')]),
  userId: Type.String(),
  tenantId: Type.String(),
  role: Type.Union([Type.Literal('member'), Type.Literal('approver'), Type.Literal('admin')]),
  /** Send as `X-CSRF-Token` on every write made with the session cookie; null for an API key. */
  csrfToken: Type.Union([Type.String(), Type.Null()]),
  /** When the session ends at the latest (null for an API key). */
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const SessionList = Type.Object({
  sessions: Type.Array(
    Type.Object({
      id: Type.String(),
      current: Type.Boolean(),
      provider: Type.Union([Type.String(), Type.Null()]),
      userAgent: Type.Union([Type.String(), Type.Null()]),
      createdAt: Type.String({ format: 'date-time' }),
      lastSeenAt: Type.String({ format: 'date-time' }),
      expiresAt: Type.String({ format: 'date-time' }),
    }),
  ),
});

export default async function authRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  app.get(
    '/api/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'How the caller is signed in, their role, and the CSRF token for cookie-authenticated writes',
        response: { 200: SessionInfo, ...errors() },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const s = req.authSession;
      return {
        via: s ? ('session' as const) : ('api_key' as const),
        userId: actor.userId,
        tenantId: actor.tenantId,
        role: actor.role,
        csrfToken: s?.csrfToken ?? null,
        expiresAt: s ? s.expiresAt.toISOString() : null,
      };
    },
  );
  app.get(
    '/api/auth/sessions',
    {
      schema: {
        tags: ['auth'],
        summary: "The caller's live browser sessions",
        response: { 200: SessionList, ...errors() },
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const list = await deps.sessions.list(actor);
      return {
        sessions: list.map((s) => ({
          id: s.id,
          current: s.id === actor.sessionId,
          provider: s.provider,
          userAgent: s.userAgent,
          createdAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastSeenAt.toISOString(),
          expiresAt: s.expiresAt.toISOString(),
        })),
      };
    },
  );
  app.post(
    '/api/auth/signout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Ends the current browser session and clears its cookie',
        response: { 204: Type.Null(), ...errors() },
      },
    },
    async (req, reply) => {
      await deps.sessions.signOut(actorOf(req));
      clearSessionCookie(req, reply);
      return reply.code(204).send();
    },
  );
  app.post(
    '/api/auth/signout-everywhere',
    {
      schema: {
        tags: ['auth'],
        summary: "Ends every browser session of the caller's user, this one included",
        response: { 200: Type.Object({ ended: Type.Integer() }), ...errors() },
      },
    },
    async (req, reply) => {
      const ended = await deps.sessions.signOutEverywhere(actorOf(req));
      clearSessionCookie(req, reply);
      return { ended };
    },
  );
}
