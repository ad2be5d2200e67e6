// Renders a user's stored meetings as one iCalendar (RFC 5545) document with ical-generator (ADR 0022): series as
// RRULE + EXDATE in their own time zone (with its VTIMEZONE), moved occurrences as overrides (RECURRENCE-ID), other
// meetings in UTC; cancelled meetings left out. Every text is stripped of control characters before the library
// escapes it, so a hostile subject or name cannot start a property of its own.
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import ical, {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventBusyStatus,
  ICalEventClass,
  ICalEventTransparency,
  type ICalAttendeeData,
  type ICalEventData,
} from 'ical-generator';
import { DateTime } from 'luxon';
import type { FeedMeeting } from '../../ports/calendar-feed.js';
import { htmlToText } from '../briefs/render.js';

export interface RenderOptions {
  /** The calendar's name (X-WR-CALNAME). */
  name: string;
  /** The DTSTAMP of every event (the export time). */
  now: Date;
  /** Private and confidential meetings as "Busy" without details (the subscription feed: a URL can travel). */
  redactPrivate: boolean;
}

// C0 controls (tab excepted; line breaks are handled per field), DEL, and unpaired surrogates never reach the output
const CONTROL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** A one-line value (summary, names, location): controls and line breaks removed. */
const line = (s: string | null | undefined, max = 1000): string =>
  (s ?? '')
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(CONTROL, '')
    .slice(0, max);
/** A parameter value (CN): one line, and no DQUOTE (RFC 5545 has no escape for it inside a quoted parameter). */
const name = (s: string | null | undefined): string => line(s, 200).replace(/"/g, "'");
/** A multi-line value (description): line breaks kept as \n (the library writes them escaped, `\n`). */
const text = (s: string, max = 20_000): string =>
  s
    .replace(/\r\n|\r/g, '\n')
    .replace(CONTROL, '')
    .slice(0, max);

/** An RRULE value we pass through: RFC 5545 characters only, so nothing can be smuggled after it. */
const RRULE_VALUE = /^(?=.*\bFREQ=)[A-Z0-9=;,+-]{6,500}$/;
const UID_VALUE = /^[\x21-\x7e]{1,255}$/;
const EMAIL = /^[^\s<>"(),;:\\[\]]{1,200}@[^\s<>"(),;:\\[\]]{1,200}$/;

const isZone = (z: string | null | undefined): z is string =>
  !!z && DateTime.local().setZone(z).isValid && getVtimezoneComponent(z) !== null;

/** UNTIL as calbridge stores it (a floating date or date-time in the series' zone) in the UTC form RFC 5545 asks for. */
function untilUtc(rrule: string, zone: string): string {
  return rrule.replace(
    /UNTIL=(\d{8})(?:T(\d{6}))?(Z?)(?=;|$)/,
    (whole, d: string, hms: string | undefined, z: string) => {
      if (z) return whole;
      const local = DateTime.fromFormat(`${d}${hms ?? '235959'}`, 'yyyyMMddHHmmss', { zone });
      return local.isValid ? `UNTIL=${local.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'")}` : whole;
    },
  );
}

const wallIn = (d: Date, zone: string) => DateTime.fromJSDate(d).setZone(zone).toFormat("yyyyMMdd'T'HHmmss");

/** The date an all-day meeting falls on, as a Date at UTC midnight (the library writes all-day dates from UTC). */
function dayOf(d: Date, zone: string): Date {
  const local = DateTime.fromJSDate(d).setZone(isZone(zone) ? zone : 'UTC');
  return new Date(Date.UTC(local.year, local.month - 1, local.day));
}

const BUSY: Record<string, ICalEventBusyStatus> = {
  free: ICalEventBusyStatus.FREE,
  tentative: ICalEventBusyStatus.TENTATIVE,
  busy: ICalEventBusyStatus.BUSY,
  oof: ICalEventBusyStatus.OOF,
  workingElsewhere: ICalEventBusyStatus.BUSY,
};
const PARTSTAT: Record<string, ICalAttendeeStatus> = {
  accepted: ICalAttendeeStatus.ACCEPTED,
  tentative: ICalAttendeeStatus.TENTATIVE,
  declined: ICalAttendeeStatus.DECLINED,
  organizer: ICalAttendeeStatus.ACCEPTED,
};

/**
 * The iCalendar document of `meetings` (as the store lists them).
 * @example renderIcs(await store.meetingsOf(tenantId, userId), { name: 'Adele', now: clock.now(), redactPrivate: false })
 */
export function renderIcs(meetings: readonly FeedMeeting[], o: RenderOptions): string {
  const cal = ical({
    name: line(o.name, 200),
    prodId: { company: 'calbridge', product: 'calbridge', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    timezone: { name: null, generator: (tz) => getVtimezoneComponent(tz) },
  });
  const uids = new Set<string>();
  const uidOf = (m: FeedMeeting) => {
    const own = m.icalUid && UID_VALUE.test(m.icalUid) ? m.icalUid : null;
    const uid = own && !uids.has(own) ? own : `${m.id}@calbridge`;
    uids.add(uid);
    return uid;
  };
  // Series masters published with their rule: their zone, and (once written) the UID their overrides share.
  const series = new Map<string, { uid: string; zone: string; exdates: string[] }>();
  for (const m of meetings) {
    if (m.type !== 'seriesMaster' || m.isCancelled || !m.recurrence) continue;
    if (!RRULE_VALUE.test(m.recurrence.rrule) || !isZone(m.recurrence.timeZone)) continue;
    const exdates = m.recurrence.exDates
      .map((d) => d.replace(/[-:]/g, '').slice(0, 15))
      .filter((d) => /^\d{8}T\d{6}$/.test(d));
    series.set(m.id, { uid: '', zone: m.recurrence.timeZone, exdates });
  }
  // A cancelled occurrence of a published series is an EXDATE of that series.
  for (const m of meetings) {
    if (!m.isCancelled || !m.seriesMasterId || !m.originalStart) continue;
    series.get(m.seriesMasterId)?.exdates.push(wallIn(m.originalStart, series.get(m.seriesMasterId)!.zone));
  }

  const details = (m: FeedMeeting, e: ICalEventData): ICalEventData => {
    const hidden = o.redactPrivate && (m.sensitivity === 'private' || m.sensitivity === 'confidential');
    e.summary = hidden ? 'Busy' : line(m.subject) || '(no subject)';
    e.class =
      m.sensitivity === 'confidential'
        ? ICalEventClass.CONFIDENTIAL
        : m.sensitivity === 'normal'
          ? ICalEventClass.PUBLIC
          : ICalEventClass.PRIVATE;
    e.busystatus = BUSY[m.showAs] ?? null;
    e.transparency = m.showAs === 'free' ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE;
    e.lastModified = m.updatedAt;
    if (hidden) return e;
    const body = text(m.bodyIsHtml ? htmlToText(m.body) : m.body).trim();
    const join = m.joinUrl && /^https:\/\/[^\s"<>]+$/.test(m.joinUrl) ? m.joinUrl : null;
    const description = [join ? `Join: ${join}` : '', body].filter(Boolean).join('\n\n');
    if (description) e.description = description;
    if (join) e.url = join;
    if (m.location) e.location = line(m.location, 500);
    const categories = m.categories.map((c) => line(c, 100)).filter(Boolean);
    if (categories.length) e.categories = categories.map((name) => ({ name }));
    if (m.organizer && EMAIL.test(m.organizer.email))
      e.organizer = { email: m.organizer.email, name: name(m.organizer.name) || m.organizer.email };
    e.attendees = m.attendees
      .filter((a) => EMAIL.test(a.email))
      .slice(0, 500)
      .map((a): ICalAttendeeData => ({
        email: a.email,
        ...(name(a.name) ? { name: name(a.name) } : {}),
        role:
          a.type === 'optional'
            ? ICalAttendeeRole.OPT
            : a.type === 'resource'
              ? ICalAttendeeRole.NON
              : ICalAttendeeRole.REQ,
        status: PARTSTAT[a.response] ?? ICalAttendeeStatus.NEEDSACTION,
      }));
    return e;
  };
  const when = (start: Date, end: Date, allDay: boolean, zone: string | null) =>
    allDay
      ? { allDay: true, start: dayOf(start, zone ?? 'UTC'), end: dayOf(end, zone ?? 'UTC') }
      : zone
        ? // luxon times in the zone: the library writes their wall time after TZID (a Date would be written as UTC)
          {
            start: DateTime.fromJSDate(start).setZone(zone),
            end: DateTime.fromJSDate(end).setZone(zone),
            timezone: zone,
          }
        : { start, end };

  const overrides: FeedMeeting[] = [];
  for (const m of meetings) {
    if (m.isCancelled) continue;
    const s = series.get(m.id);
    if (s && m.recurrence) {
      // the series from its first local start, in its own zone; its length from the master
      const first = DateTime.fromISO(m.recurrence.startLocal, { zone: s.zone });
      const start = first.isValid ? first.toJSDate() : m.start;
      const end = new Date(start.getTime() + (m.end.getTime() - m.start.getTime()));
      s.uid = uidOf(m);
      const ex = [...new Set(s.exdates)].sort();
      const rule = `RRULE:${untilUtc(m.recurrence.rrule, s.zone)}${ex.length ? `\nEXDATE;TZID=${s.zone}:${ex.join(',')}` : ''}`;
      cal.createEvent(
        details(m, { id: s.uid, stamp: o.now, ...when(start, end, m.isAllDay, s.zone), repeating: rule }),
      );
      continue;
    }
    const master = m.seriesMasterId ? series.get(m.seriesMasterId) : undefined;
    if (master && m.type === 'occurrence') continue; // the series' rule produces it
    if (master && m.type === 'exception' && m.originalStart) {
      overrides.push(m);
      continue;
    }
    // everything else in UTC (an all-day meeting as its date in the meeting's zone)
    cal.createEvent(
      details(m, { id: uidOf(m), stamp: o.now, ...when(m.start, m.end, m.isAllDay, m.isAllDay ? m.timeZone : null) }),
    );
  }
  // Moved occurrences: after their series, with its UID, RECURRENCE-ID at the original start in the series' zone.
  for (const m of overrides) {
    const s = series.get(m.seriesMasterId!)!;
    if (!s.uid) continue;
    cal.createEvent(
      details(m, {
        id: s.uid,
        stamp: o.now,
        recurrenceId: DateTime.fromJSDate(m.originalStart!).setZone(s.zone),
        ...when(m.start, m.end, m.isAllDay, s.zone),
      }),
    );
  }
  return cal.toString();
}
