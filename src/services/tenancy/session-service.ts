// Browser sessions: started by a sign-in, carried in an HttpOnly cookie, checked on every request, revocable at once
// (sign out, sign out everywhere, an admin deactivating a user). Only a SHA-256 of the cookie's token is stored; the
// CSRF token is a second random value the web app reads from GET /api/auth/session and sends on every write.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../domain/errors.js';
import type { Actor, User } from '../../domain/tenancy.js';
import type { AuditStore, SessionRecord, SessionStore } from '../../ports/stores.js';
import { systemClock, type Clock } from '../../ports/clock.js';

/** The cookie that carries a session's token. */
export const SESSION_COOKIE = 'cb_session';
/** last_seen_at is written at most this often per session (a request within it does not write). */
const TOUCH_EVERY_MS = 60_000;

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export interface SessionLimits {
  /** Ends after this long without a request. */
  idleMs: number;
  /** Ends this long after it started, used or not. */
  maxMs: number;
}

export interface StartedSession {
  /** The cookie's value: shown once, only its hash is stored. */
  token: string;
  session: SessionRecord;
}

export class SessionService {
  constructor(
    private readonly sessions: SessionStore,
    private readonly audit: AuditStore,
    private readonly limits: SessionLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Starts a session for a user who just signed in (the caller has checked who they are). */
  async start(
    user: Pick<User, 'id' | 'tenantId' | 'status'>,
    meta: { provider: string | null; userAgent?: string | null; ip?: string | null },
  ): Promise<StartedSession> {
    if (user.status === 'deactivated') throw new AppError('forbidden', 'This user is deactivated.');
    const now = this.clock.now();
    const token = randomBytes(32).toString('base64url');
    const session = await this.sessions.create({
      tenantId: user.tenantId,
      userId: user.id,
      tokenHash: hashToken(token),
      csrfToken: randomBytes(24).toString('base64url'),
      provider: meta.provider,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip ?? null,
      now,
      expiresAt: new Date(now.getTime() + this.limits.maxMs),
    });
    await this.audit.record({
      tenantId: user.tenantId,
      actor: user.id,
      action: 'session.signed_in',
      targetType: 'session',
      targetId: session.id,
      details: { provider: meta.provider, ip: meta.ip ?? null },
    });
    return { token, session };
  }

  /**
   * The caller behind a session cookie, and the session's CSRF token; `unauthenticated` when the token is unknown,
   * revoked, idle too long, past its absolute end, or its user is no longer active.
   */
  async authenticate(token: string): Promise<{ actor: Actor; session: SessionRecord }> {
    const found = token ? await this.sessions.findByTokenHash(hashToken(token)) : null;
    const now = this.clock.now();
    if (!found || found.session.revokedAt || found.status !== 'active')
      throw new AppError('unauthenticated', 'The session has ended; sign in again.');
    const s = found.session;
    if (s.expiresAt <= now || s.lastSeenAt.getTime() + this.limits.idleMs <= now.getTime())
      throw new AppError('unauthenticated', 'The session has expired; sign in again.');
    if (now.getTime() - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await this.sessions.touch(s.id, now);
    return {
      actor: { tenantId: s.tenantId, userId: s.userId, role: found.role, apiKeyId: null, sessionId: s.id },
      session: s,
    };
  }

  /** True when `given` is the session's CSRF token (compared in constant time). */
  static csrfMatches(session: SessionRecord, given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(session.csrfToken);
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Ends the caller's own session (sign out). */
  async signOut(actor: Actor): Promise<void> {
    if (!actor.sessionId) return;
    await this.sessions.revoke(actor.tenantId, actor.sessionId, this.clock.now());
    await this.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'session.signed_out',
      targetType: 'session',
      targetId: actor.sessionId,
    });
  }

  /** Ends every session of the caller (sign out everywhere), this one included; the number ended. */
  async signOutEverywhere(actor: Actor): Promise<number> {
    const n = await this.sessions.revokeAllOfUser(actor.tenantId, actor.userId, this.clock.now());
    await this.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: 'session.signed_out_everywhere',
      targetType: 'user',
      targetId: actor.userId,
      details: { sessions: n },
    });
    return n;
  }

  /** Ends every session of a user of the tenant (an admin's revocation, a deactivation); the number ended. */
  async revokeUser(by: Actor | 'system', tenantId: string, userId: string): Promise<number> {
    const n = await this.sessions.revokeAllOfUser(tenantId, userId, this.clock.now());
    await this.audit.record({
      tenantId,
      actor: by === 'system' ? 'system' : by.userId,
      action: 'session.revoked',
      targetType: 'user',
      targetId: userId,
      details: { sessions: n },
    });
    return n;
  }

  /** The caller's live sessions (for "where am I signed in"). */
  list(actor: Actor): Promise<SessionRecord[]> {
    return this.sessions.listLive(actor.tenantId, actor.userId, this.clock.now());
  }
}
