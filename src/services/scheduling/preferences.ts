// Each person's display preferences: the time zone and the 12/24-hour clock the web app shows meetings in. Until the
// person chooses, they come from the connected mailbox (Outlook mailboxSettings timeZone/timeFormat, Google Calendar
// settings timezone/format24HourTime), read once and kept; a choice made in calbridge is kept on the server and the
// mailbox never overwrites it.
import { DateTime } from 'luxon';
import { AppError } from '../../domain/errors.js';
import type { Actor } from '../../domain/tenancy.js';
import type { PreferencesStore, TimeFormat } from '../../ports/preferences.js';
import type { SchedulingDeps } from './context.js';

export interface PreferencesView {
  /** IANA time zone. */
  timeZone: string;
  timeFormat: TimeFormat;
  /** `user`: chosen in calbridge; `mailbox`: read from the connected mailbox; `default`: neither (UTC, 24-hour). */
  source: 'user' | 'mailbox' | 'default';
  updatedAt: string | null;
}

/** How long a value read from the mailbox is kept before it is read again (a zone changed in Outlook shows up). */
const MAILBOX_TTL_MS = 24 * 3600_000;

export class PreferencesService {
  constructor(
    private readonly d: Pick<SchedulingDeps, 'lookup' | 'providerFor' | 'tenants' | 'now'>,
    private readonly store: PreferencesStore,
  ) {}

  async get(actor: Actor): Promise<PreferencesView> {
    const stored = await this.store.get(actor.tenantId, actor.userId);
    if (!stored) throw new AppError('not_found', 'No such user.');
    const stale =
      stored.source === null ||
      (stored.source === 'mailbox' &&
        (!stored.updatedAt || this.d.now().getTime() - stored.updatedAt.getTime() > MAILBOX_TTL_MS));
    if (stale) {
      const mailbox = await this.readMailbox(actor);
      if (mailbox?.timeZone || mailbox?.timeFormat) {
        await this.store.put(actor.tenantId, actor.userId, {
          timeZone: mailbox.timeZone ?? stored.timeZone,
          timeFormat: mailbox.timeFormat ?? stored.timeFormat,
          source: 'mailbox',
        });
        const again = await this.store.get(actor.tenantId, actor.userId);
        if (again) return view(again);
      }
    }
    return view(stored);
  }

  async put(actor: Actor, change: { timeZone?: string; timeFormat?: TimeFormat }): Promise<PreferencesView> {
    if (change.timeZone !== undefined && !DateTime.now().setZone(change.timeZone).isValid)
      throw new AppError('validation_failed', `Unknown time zone: ${change.timeZone}`, {
        details: { field: 'timeZone' },
      });
    const current = await this.get(actor);
    await this.store.put(actor.tenantId, actor.userId, {
      timeZone: change.timeZone ?? current.timeZone,
      timeFormat: change.timeFormat ?? current.timeFormat,
      source: 'user',
    });
    return this.get(actor);
  }

  /** The mailbox's own zone and clock; null when there is no usable connection or the provider cannot say. */
  private async readMailbox(actor: Actor): Promise<{ timeZone: string | null; timeFormat: TimeFormat | null } | null> {
    const tenant = await this.d.tenants.getTenant(actor.tenantId);
    const conn = await this.d.lookup.forUser(actor.tenantId, actor.userId, tenant.calendarProvider);
    if (!conn || conn.status !== 'active') return null;
    const provider = this.d.providerFor(conn.provider, {
      tenantId: actor.tenantId,
      userId: actor.userId,
      connectionId: conn.id,
      mailbox: conn.mailbox,
    });
    if (!provider.getMailboxPreferences) return null;
    // A provider that fails (throttled, token refused) leaves the stored values: preferences are never worth an error.
    const p = await provider.getMailboxPreferences().catch(() => null);
    if (!p) return null;
    const zone = p.timeZone && DateTime.now().setZone(p.timeZone).isValid ? p.timeZone : null;
    return { timeZone: zone, timeFormat: p.timeFormat };
  }
}

function view(s: {
  timeZone: string;
  timeFormat: TimeFormat | null;
  source: 'mailbox' | 'user' | null;
  updatedAt: Date | null;
}): PreferencesView {
  return {
    timeZone: s.timeZone,
    timeFormat: s.timeFormat ?? '24h',
    source: s.source ?? 'default',
    updatedAt: s.updatedAt ? s.updatedAt.toISOString() : null,
  };
}
