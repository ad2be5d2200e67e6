// A user's calendar as iCalendar: the export (the caller's own meetings, on demand) and a private subscription URL
// (`/ics/<token>.ics`) the user creates, rotates and revokes. Only the SHA-256 of a token is stored; the URL is in the
// answer that makes it and nowhere else. Changes are audited (with the token's prefix at most).
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { CalendarFeedStore, FeedRecord } from '../../ports/calendar-feed.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { AuditStore } from '../../ports/stores.js';
import { renderIcs } from './ics-render.js';

/** `cbf_` and 43 base64url characters (256 random bits). */
const TOKEN = /^cbf_[A-Za-z0-9_-]{43}$/;
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface CalendarFeedDeps {
  store: CalendarFeedStore;
  audit: AuditStore;
  /** This server's public URL (the feed URL is built on it). */
  publicUrl: () => string;
  clock?: Clock;
}

export interface FeedStatus {
  active: boolean;
  prefix: string | null;
  createdAt: string | null;
  lastFetchedAt: string | null;
}

const statusOf = (r: FeedRecord | null): FeedStatus => ({
  active: r !== null,
  prefix: r?.prefix ?? null,
  createdAt: r?.createdAt.toISOString() ?? null,
  lastFetchedAt: r?.lastFetchedAt?.toISOString() ?? null,
});

/**
 * @example const { url } = await feeds.rotate(actor); // later: GET url → text/calendar; feeds.revoke(actor) → 404
 */
export class CalendarFeedService {
  private readonly clock: Clock;

  constructor(private readonly d: CalendarFeedDeps) {
    this.clock = d.clock ?? systemClock;
  }

  /** The caller's meetings as an iCalendar document (every detail: the caller is signed in). */
  async export(actor: Actor, name: string): Promise<string> {
    const meetings = await this.d.store.meetingsOf(actor.tenantId, actor.userId);
    return renderIcs(meetings, { name, now: this.clock.now(), redactPrivate: false });
  }

  async status(actor: Actor): Promise<FeedStatus> {
    return statusOf(await this.d.store.get(actor.tenantId, actor.userId));
  }

  /** Makes the caller's subscription URL, or a new one in place of the old (which stops working at once). */
  async rotate(actor: Actor): Promise<FeedStatus & { url: string }> {
    const token = `cbf_${randomBytes(32).toString('base64url')}`;
    const prefix = token.slice(4, 10);
    const before = await this.d.store.get(actor.tenantId, actor.userId);
    const r = await this.d.store.put(actor.tenantId, actor.userId, hash(token), prefix, this.clock.now());
    await this.d.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: before ? 'calendar_feed.rotated' : 'calendar_feed.created',
      targetType: 'user',
      targetId: actor.userId,
      details: { prefix, ...(before ? { previousPrefix: before.prefix } : {}) },
    });
    return { ...statusOf(r), url: `${this.d.publicUrl().replace(/\/+$/, '')}/ics/${token}.ics` };
  }

  /** Revokes the caller's subscription URL (404 from then on); idempotent. */
  async revoke(actor: Actor): Promise<FeedStatus> {
    const before = await this.d.store.get(actor.tenantId, actor.userId);
    if (before && (await this.d.store.delete(actor.tenantId, actor.userId)))
      await this.d.audit.record({
        tenantId: actor.tenantId,
        actor: actor.userId,
        action: 'calendar_feed.revoked',
        targetType: 'user',
        targetId: actor.userId,
        details: { prefix: before.prefix },
      });
    return statusOf(null);
  }

  /**
   * The feed of a token: its owner's meetings, private and confidential ones as "Busy" only. An unknown, rotated or
   * revoked token, or one whose owner is no longer active, is `not_found` (the same answer for each).
   */
  async feed(token: string): Promise<string> {
    const owner = TOKEN.test(token) ? await this.d.store.resolve(hash(token), this.clock.now()) : null;
    if (!owner) throw new AppError('not_found', 'No such calendar feed.');
    const meetings = await this.d.store.meetingsOf(owner.tenantId, owner.userId);
    return renderIcs(meetings, { name: 'calbridge', now: this.clock.now(), redactPrivate: true });
  }
}
