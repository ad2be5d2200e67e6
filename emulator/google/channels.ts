// Push channels (events.watch / channels.stop): a `sync` message at creation, then `exists` on every change of the
// watched calendar, with the X-Goog-* headers; delivery is fire-and-forget and failures are counted. The address must
// be https (400 push.webhookUrlNotHttps) unless the explicit loopback mode allows http on a loopback host; a channel id
// is unique within the project (the OAuth client) for good: a second watch with it, also after channels.stop, is 400
// channelIdNotUnique.
import { createHash } from 'node:crypto';
import { Agent, fetch } from 'undici';
import { badRequest, channelIdNotUnique, required, webhookUrlNotHttps } from './errors.js';
import type { GCalendar, GChannel } from './model.js';
import type { AccessToken } from './oauth.js';

const MAX_TTL_MS = 30 * 86_400_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export interface ChannelOptions {
  /** Accept http:// addresses on loopback hosts (the emulator's explicit dev/test mode; Google requires https). */
  allowHttpNotifications?: boolean;
}

export interface Delivery {
  channelId: string;
  state: 'sync' | 'exists' | 'not_exists';
  status: number | null;
  at: number;
}

export class Channels {
  readonly active = new Map<string, GChannel>();
  readonly deliveries: Delivery[] = [];
  /** Channel ids used before, per project (`<clientId> <id>`): never accepted again. */
  private readonly used = new Set<string>();
  private readonly agent = new Agent({ connect: { rejectUnauthorized: false } });

  constructor(
    private readonly now: () => number,
    private readonly opts: ChannelOptions = {},
  ) {}

  clear(): void {
    this.active.clear();
    this.used.clear();
    this.deliveries.length = 0;
  }

  /** The address as Google checks it: https, or http on loopback in the explicit loopback mode. */
  private checkAddress(address: unknown): string {
    if (typeof address !== 'string' || address === '') throw required('address');
    let u: URL;
    try {
      u = new URL(address);
    } catch {
      throw webhookUrlNotHttps(address);
    }
    if (u.protocol === 'https:') return address;
    if (u.protocol === 'http:' && this.opts.allowHttpNotifications && LOOPBACK.has(u.hostname)) return address;
    throw webhookUrlNotHttps(address);
  }

  /** Stable id of a watched resource (the same calendar always gets the same resourceId). */
  resourceIdOf(calendarId: string): string {
    return createHash('sha256').update(`events:${calendarId}`).digest('base64url').slice(0, 27);
  }

  /** events.watch: a channel on the events of `cal`. */
  watch(cal: GCalendar, t: AccessToken, body: Record<string, unknown>, baseUrl: string) {
    return this.open(
      {
        calendarId: cal.id,
        resourceId: this.resourceIdOf(cal.id),
        resourceUri: `${baseUrl}/calendar/v3/calendars/${encodeURIComponent(cal.id)}/events?alt=json`,
      },
      t,
      body,
    );
  }

  /**
   * calendarList.watch and settings.watch: a channel on the caller's list or settings. `snapshot` is the watched
   * collection now; recheck() compares it after each request and sends `exists` when it changed.
   */
  watchCollection(
    kind: 'calendarList' | 'settings',
    t: AccessToken,
    body: Record<string, unknown>,
    baseUrl: string,
    snapshot: string,
  ) {
    return this.open(
      {
        calendarId: `${kind}:${t.user}`,
        resourceId: createHash('sha256').update(`${kind}:${t.user}`).digest('base64url').slice(0, 27),
        resourceUri: `${baseUrl}/calendar/v3/users/me/${kind}?alt=json`,
        kind,
        snapshot,
      },
      t,
      body,
    );
  }

  /** Sends `exists` on each collection channel whose collection changed (`snapshotOf` gives it now). */
  recheck(snapshotOf: (ch: GChannel) => string | null): void {
    const now = this.now();
    for (const ch of [...this.active.values()]) {
      if (!ch.kind) continue;
      if (ch.expiration <= now) {
        this.active.delete(ch.id);
        continue;
      }
      const snap = snapshotOf(ch);
      if (snap === null || snap === ch.snapshot) continue;
      ch.snapshot = snap;
      this.send(ch, 'exists');
    }
  }

  private open(
    target: Pick<GChannel, 'calendarId' | 'resourceId' | 'resourceUri' | 'kind' | 'snapshot'>,
    t: AccessToken,
    body: Record<string, unknown>,
  ) {
    if (typeof body.id !== 'string' || body.id === '') throw required('id');
    if (body.id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(body.id)) throw badRequest('Invalid channel id.');
    if (body.type !== 'web_hook' && body.type !== 'webhook') throw badRequest('Invalid channel type.');
    const address = this.checkAddress(body.address);
    if (body.token !== undefined && (typeof body.token !== 'string' || body.token.length > 256))
      throw badRequest('Invalid channel token.');
    const key = `${t.clientId} ${body.id}`;
    if (this.active.has(body.id) || this.used.has(key)) throw channelIdNotUnique();
    this.used.add(key);
    const now = this.now();
    // `expiration` (ms since the epoch) or `params.ttl` (seconds, the push guide's optional property); a week by default.
    const ttl = Number((body.params as { ttl?: unknown } | undefined)?.ttl);
    const asked =
      body.expiration !== undefined
        ? Number(body.expiration)
        : Number.isFinite(ttl) && ttl > 0
          ? now + ttl * 1000
          : now + 7 * 86_400_000;
    const ch: GChannel = {
      id: body.id,
      ...target,
      address,
      ...(body.token !== undefined ? { token: body.token } : {}),
      expiration: Math.min(Math.max(asked, now + 60_000), now + MAX_TTL_MS),
      messageNumber: 1,
      owner: t.user,
    };
    this.active.set(ch.id, ch);
    this.send(ch, 'sync');
    return {
      kind: 'api#channel',
      id: ch.id,
      resourceId: ch.resourceId,
      resourceUri: ch.resourceUri,
      ...(ch.token !== undefined ? { token: ch.token } : {}),
      expiration: String(ch.expiration),
    };
  }

  stop(id: string, resourceId: string, user: string): boolean {
    const ch = this.active.get(id);
    if (!ch || ch.resourceId !== resourceId || ch.owner !== user) return false;
    this.active.delete(id);
    return true;
  }

  /** Called by the store after every change of a calendar. */
  changed(calendarId: string): void {
    const now = this.now();
    for (const ch of this.active.values()) {
      if (ch.calendarId !== calendarId) continue;
      if (ch.expiration <= now) {
        this.active.delete(ch.id);
        continue;
      }
      this.send(ch, 'exists');
    }
  }

  /**
   * The watched calendar was deleted: each of its channels gets a `not_exists` message and ends (the resource it
   * watched is gone).
   */
  gone(calendarId: string): void {
    for (const ch of [...this.active.values()]) {
      if (ch.calendarId !== calendarId) continue;
      this.active.delete(ch.id);
      if (ch.expiration > this.now()) this.send(ch, 'not_exists');
    }
  }

  private send(ch: GChannel, state: Delivery['state']): void {
    const number = ch.messageNumber++;
    const headers: Record<string, string> = {
      'content-type': 'application/json; utf-8',
      'x-goog-channel-id': ch.id,
      'x-goog-channel-expiration': new Date(ch.expiration).toUTCString(),
      'x-goog-resource-id': ch.resourceId,
      'x-goog-resource-uri': ch.resourceUri,
      'x-goog-resource-state': state,
      'x-goog-message-number': String(number),
      ...(ch.token !== undefined ? { 'x-goog-channel-token': ch.token } : {}),
    };
    const d: Delivery = { channelId: ch.id, state, status: null, at: this.now() };
    this.deliveries.push(d);
    if (this.deliveries.length > 1000) this.deliveries.shift();
    fetch(ch.address, {
      method: 'POST',
      headers,
      body: '',
      dispatcher: this.agent,
      signal: AbortSignal.timeout(5000),
    }).then(
      async (res) => {
        d.status = res.status;
        await res.text();
      },
      () => (d.status = 0),
    );
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
