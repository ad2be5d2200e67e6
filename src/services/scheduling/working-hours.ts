// The caller's working hours, for every provider through the port: Outlook keeps them in the mailbox settings (read
// here, changed in Outlook); for Google, whose API has none, calbridge keeps them per user (this service stores them,
// the Google adapter answers them in getWorkingHours and in the user's own free/busy, so availability, the scheduler
// grid and findmeetingtimes use them as they use Outlook's).
import type { WorkingHours } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import { checkZone } from '../../domain/scheduling/freebusy.js';
import type { Actor } from '../../domain/tenancy.js';
import type { WorkingHoursStore } from '../../ports/working-hours.js';
import { callerContext, type SchedulingDeps } from './context.js';

export interface WorkingHoursView {
  /** null: the provider has none for this user (and calbridge could not default them). */
  workingHours: WorkingHours | null;
  /**
   * `provider`: the provider's own (Outlook mailbox settings; change them in Outlook). `calbridge`: set by the user in
   * calbridge. `default`: not set yet; Monday–Friday 09:00–17:00 in the user's Google Calendar time zone.
   */
  source: 'provider' | 'calbridge' | 'default';
  /** Whether PUT and DELETE apply to this user's provider. */
  editable: boolean;
  updatedAt: string | null;
}

const DAYS = new Set<string>(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']);
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?$/;

/** Checks and normalises working hours (days once each, in week order; times `HH:mm:ss`; a known IANA zone). */
export function normaliseWorkingHours(h: WorkingHours): WorkingHours {
  const days = [...new Set(h.daysOfWeek.map((d) => d.toLowerCase()))];
  if (days.length === 0 || days.some((d) => !DAYS.has(d)))
    throw new AppError('validation_failed', 'daysOfWeek must name one to seven days (sunday … saturday).');
  for (const [k, v] of [
    ['startTime', h.startTime],
    ['endTime', h.endTime],
  ] as const)
    if (!CLOCK.test(v)) throw new AppError('validation_failed', `${k} must be a wall-clock time HH:mm or HH:mm:ss.`);
  const full = (t: string) => (t.length === 5 ? `${t}:00` : t);
  const [startTime, endTime] = [full(h.startTime), full(h.endTime)];
  if (startTime === endTime) throw new AppError('validation_failed', 'startTime and endTime must differ.');
  checkZone(h.timeZone);
  const order = [...DAYS];
  return {
    daysOfWeek: order.filter((d) => days.includes(d)) as WorkingHours['daysOfWeek'],
    startTime,
    endTime,
    timeZone: h.timeZone,
  };
}

export class WorkingHoursService {
  constructor(
    private readonly d: SchedulingDeps,
    private readonly store: WorkingHoursStore,
  ) {}

  /** The hours availability and scheduling use for the caller, and where they come from. */
  async get(actor: Actor): Promise<WorkingHoursView> {
    const c = await callerContext(this.d, actor);
    const editable = c.provider.capabilities.workingHoursSource === 'calbridge';
    const kept = editable ? await this.store.get(actor.tenantId, actor.userId) : null;
    return {
      workingHours: await c.provider.getWorkingHours(),
      source: !editable ? 'provider' : kept ? 'calbridge' : 'default',
      editable,
      updatedAt: kept ? kept.updatedAt.toISOString() : null,
    };
  }

  /**
   * Sets (or with null forgets) the caller's working hours. Only for providers without their own: an Outlook user
   * changes them in Outlook (`forbidden`, reason `working_hours_kept_by_provider`).
   */
  async set(actor: Actor, hours: WorkingHours | null): Promise<WorkingHoursView> {
    const c = await callerContext(this.d, actor);
    if (c.provider.capabilities.workingHoursSource !== 'calbridge')
      throw new AppError(
        'forbidden',
        'Working hours of this calendar are kept by the provider: change them in Outlook (Settings → Calendar → Work hours); calbridge reads them from there.',
        { details: { reason: 'working_hours_kept_by_provider', provider: c.connection.provider } },
      );
    const next = hours ? normaliseWorkingHours(hours) : null;
    if (next) await this.store.put(actor.tenantId, actor.userId, next);
    else await this.store.delete(actor.tenantId, actor.userId);
    await this.d.audit.record({
      tenantId: actor.tenantId,
      actor: actor.userId,
      action: next ? 'working_hours.updated' : 'working_hours.reset',
      targetType: 'user',
      targetId: actor.userId,
      details: next ? { ...next } : {},
    });
    return this.get(actor);
  }
}
