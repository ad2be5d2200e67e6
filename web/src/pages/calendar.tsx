// My calendar: the week or one day on an hour grid (FullCalendar, docs/adr/0020-calendar-grid-fullcalendar.md) in the
// person's time zone and clock (GET/PUT /api/me/preferences: the mailbox's until changed here), one colour per
// calendar with a legend, copies of one meeting shown once ("also in Megan Bowen's calendar", from the API's alsoIn),
// the meeting's details in a side panel that takes focus and closes with Escape. Date, view and zone live in the URL.
// Before a calendar is connected the page leads to connecting one; during the first sync it shows the progress.
import type { EventClickArg, EventContentArg, EventInput, EventMountArg } from '@fullcalendar/core';
import { DateTime } from 'luxon';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api } from '../api/client';
import { attendeeNames, isRecurring, joinUrl, locationText, meetingsBetween, type Meeting } from '../api/meetings';
import { meetingServiceOf } from '../api/provider';
import { Async, ErrorBox, Loading, useApi } from '../components/async';
import { browserZone } from '../format';
import { ConnectCalendar, FirstSync, useConnections, type Provider } from '../onboarding';
import { navigate, useLocation } from '../router';
import { useSession } from '../session';
import HourGrid from './hour-grid';
import './calendar.css';

// DOMPurify (the sanitiser of Outlook's HTML bodies) is loaded when a meeting with an HTML body is opened, not with the
// calendar page.
const SafeHtml = lazy(() => import('../components/safe-html').then((m) => ({ default: m.SafeHtml })));

type TimeFormat = '12h' | '24h';
type View = 'week' | 'day';
interface Copy {
  id: string;
  calendarId: string | null;
  calendarName: string | null;
  ownerEmail: string | null;
  isShared: boolean;
}
type Listed = Meeting & { alsoIn?: Copy[] };
interface CalendarInfo {
  id: string;
  name: string;
  ownerEmail: string | null;
  /** The owner's name as the API knows it (GET /api/calendars), null when it does not. */
  ownerName?: string | null;
  isShared: boolean;
}

/** Colours with white text at 4.5:1 or more; calendars take them in the order the API lists them. */
const PALETTE = ['#1f5fbf', '#a23b72', '#2d7d46', '#8a4b08', '#5b3fa8', '#0f6f78', '#b0281f', '#4d5a66'];

/** Every IANA zone the browser knows (the full list), with the chosen one first if it is an alias. */
function allZones(current: string): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const zones = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : ['UTC'];
  const list = zones.includes('UTC') ? zones : ['UTC', ...zones];
  return list.includes(current) ? list : [current, ...list];
}

const validZone = (z: string | null): z is string => !!z && DateTime.now().setZone(z).isValid;

/** "3:30 PM" or "15:30" in `zone`. */
export function clock(iso: string, zone: string, format: TimeFormat): string {
  return DateTime.fromISO(iso, { zone: 'utc' })
    .setZone(zone)
    .toFormat(format === '12h' ? 'h:mm a' : 'HH:mm');
}

/** The name the meeting gives `email` (its organizer or an attendee), or null. */
function personName(m: Listed, email: string | null): string | null {
  if (!email) return null;
  const e = email.toLowerCase();
  const org = m.organizer;
  if (org && (org.address ?? org.email ?? '').toLowerCase() === e && org.name) return org.name;
  const a = (m.attendees ?? []).find((x) => (x.email ?? x.emailAddress?.address ?? '').toLowerCase() === e);
  return a?.name ?? a?.emailAddress?.name ?? null;
}

/** How a copy's calendar is named: "Megan Bowen's calendar" for a colleague's shared one, else its own name. */
export function copyLabel(c: Copy, m: Listed): string {
  const name = c.calendarName ?? 'another calendar';
  if (!c.isShared) return name;
  const owner = personName(m, c.ownerEmail) ?? (/calendar/i.test(name) ? c.ownerEmail : name);
  return owner ? `${owner}'s calendar` : name;
}

/**
 * How the legend names a calendar, with its owner: "Megan Bowen's calendar" (a calendar with the provider's generic
 * name, or a Google primary calendar named by its address), "Projects (Adele Vance's calendar)" otherwise. The owner is
 * the signed-in person for their own calendars; for a colleague's shared one, the name the API gives (ownerName: a
 * user or connected mailbox of the tenant), else the name a synced meeting gives that address (organizer or
 * attendee), else the address itself.
 */
export function legendLabel(c: CalendarInfo, me: { email: string | null; displayName: string | null }, seen: Listed[]) {
  const mine = !c.isShared || (!!c.ownerEmail && c.ownerEmail.toLowerCase() === (me.email ?? '').toLowerCase());
  let owner: string | null = null;
  if (mine) owner = me.displayName ?? c.ownerName ?? me.email;
  else if (c.ownerName) owner = c.ownerName;
  else if (c.ownerEmail) {
    for (const m of seen) if ((owner = personName(m, c.ownerEmail))) break;
    owner ??= c.ownerEmail;
  }
  if (!owner) return c.name;
  const generic = /^calendar$/i.test(c.name.trim()) || c.name.toLowerCase() === (c.ownerEmail ?? '').toLowerCase();
  return generic ? `${owner}'s calendar` : `${c.name} (${owner}'s calendar)`;
}

function Detail({
  m,
  zone,
  format,
  customers,
  calendarName,
  onChanged,
  onClose,
}: {
  m: Listed;
  zone: string;
  format: TimeFormat;
  customers: Array<{ id: string; name: string }>;
  calendarName: string | null;
  onChanged: () => void;
  onClose: () => void;
}) {
  const body = useApi((signal) => api.get('/api/calendar/events/{id}/body', { params: { id: m.id }, signal }), [m.id]);
  const [choice, setChoice] = useState(m.customerId ?? '');
  const [state, setState] = useState<{ busy: boolean; error?: unknown; saved?: boolean }>({ busy: false });
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [m.id]);
  const save = async () => {
    setState({ busy: true });
    try {
      await api.post('/api/meetings/{id}/customer', { params: { id: m.id }, body: { customerId: choice || null } });
      setState({ busy: false, saved: true });
      onChanged();
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  const day = DateTime.fromISO(m.start, { zone: 'utc' }).setZone(zone);
  return (
    <aside className="meeting-panel" role="dialog" aria-modal="false" aria-labelledby="detail-h">
      <div className="panel-head">
        <h2 id="detail-h" tabIndex={-1} ref={heading}>
          {m.subject || '(no subject)'}
        </h2>
        <button type="button" className="link close" onClick={onClose} aria-label="Close meeting details">
          ✕
        </button>
      </div>
      <dl className="facts">
        <dt>When</dt>
        <dd>
          {m.isAllDay
            ? `${day.toFormat('cccc d LLLL')}, all day`
            : `${day.toFormat('cccc d LLLL')}, ${clock(m.start, zone, format)} – ${clock(m.end, zone, format)}`}{' '}
          <span className="muted">({zone})</span>
        </dd>
        {calendarName && (
          <>
            <dt>Calendar</dt>
            <dd>
              {calendarName}
              {m.alsoIn?.length ? <> · also in {m.alsoIn.map((c) => copyLabel(c, m)).join(', ')}</> : null}
            </dd>
          </>
        )}
        {isRecurring(m) && (
          <>
            <dt>Series</dt>
            <dd>↻ Occurrence of a recurring meeting</dd>
          </>
        )}
        {locationText(m) && (
          <>
            <dt>Where</dt>
            <dd>{locationText(m)}</dd>
          </>
        )}
        {joinUrl(m) && (
          <>
            <dt>{meetingServiceOf(m)}</dt>
            <dd>
              <a href={joinUrl(m)!} target="_blank" rel="noopener noreferrer">
                Join {meetingServiceOf(m)} meeting
              </a>
            </dd>
          </>
        )}
        <dt>Attendees</dt>
        <dd>{attendeeNames(m).join(', ') || '—'}</dd>
      </dl>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="field">
          Customer
          <select value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">No customer</option>
            {customers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={state.busy}>
          Save customer
        </button>
      </form>
      {state.saved && (
        <p role="status" className="good">
          Customer saved.
        </p>
      )}
      {state.error !== undefined && <ErrorBox error={state.error} />}
      <h3>Details</h3>
      <Async state={body} label="Loading details…">
        {(b) =>
          !b.content.trim() ? (
            <p>No description.</p>
          ) : b.contentType.toLowerCase() === 'html' ? (
            <Suspense fallback={<Loading label="Loading details…" />}>
              <SafeHtml html={b.content} />
            </Suspense>
          ) : (
            <p className="event-body" style={{ whiteSpace: 'pre-wrap' }}>
              {b.content}
            </p>
          )
        }
      </Async>
    </aside>
  );
}

/** The person's zone and clock from the server (the mailbox's until they choose), and a way to change them. */
function usePreferences() {
  const prefs = useApi((signal) => api.get('/api/me/preferences', { signal }), []);
  const save = useCallback(async (change: { timeZone?: string; timeFormat?: TimeFormat }) => {
    await api.put('/api/me/preferences', { body: change });
  }, []);
  return { prefs, save };
}

export function CalendarPage() {
  const { query } = useLocation();
  const conns = useConnections();
  const connected = (conns.data ?? []).some((c) => c.status?.connected);
  if (conns.data === undefined && conns.error === undefined) return <Loading label="Loading your calendar…" />;
  if (conns.data && !connected) {
    const providers: Provider[] = conns.data.map((c) => c.provider);
    return (
      <>
        <h1>My calendar</h1>
        <ConnectCalendar providers={providers.length ? providers : ['outlook']} />
      </>
    );
  }
  return <CalendarGrid query={query} />;
}

function CalendarGrid({ query }: { query: URLSearchParams }) {
  const who = useSession();
  const { prefs, save } = usePreferences();
  const [saveError, setSaveError] = useState<unknown>(undefined);
  const urlZone = query.get('tz');
  const zone = validZone(urlZone) ? urlZone : (prefs.data?.timeZone ?? (prefs.error ? browserZone() : null));
  const format: TimeFormat = prefs.data?.timeFormat ?? '24h';
  // A phone opens on one day (seven columns do not fit 390 px); the URL keeps whichever was chosen.
  const narrow = typeof window.matchMedia === 'function' && window.matchMedia('(max-width: 600px)').matches;
  const view: View = query.get('view') === 'day' || (!query.get('view') && narrow) ? 'day' : 'week';
  const urlDate = query.get('date');
  const anchor = useMemo(() => {
    const z = zone ?? 'UTC';
    const d = urlDate ? DateTime.fromISO(urlDate, { zone: z }) : DateTime.now().setZone(z);
    return (d.isValid ? d : DateTime.now().setZone(z)).startOf(view === 'week' ? 'week' : 'day');
  }, [urlDate, view, zone]);

  /** Writes date, view and zone to the URL (replace: the back button leaves the page, not each click). */
  const setUrl = useCallback(
    (next: { date?: string; view?: View; tz?: string }, push = false) => {
      const q = new URLSearchParams(window.location.search);
      q.set('date', next.date ?? anchor.toISODate()!);
      q.set('view', next.view ?? view);
      q.set('tz', next.tz ?? zone ?? 'UTC');
      navigate(`/calendar?${q.toString()}`, { replace: !push });
    },
    [anchor, view, zone],
  );
  // The URL always says what is shown, so a reload or a shared link shows the same.
  useEffect(() => {
    if (zone && (!urlDate || !query.get('view') || urlZone !== zone)) setUrl({});
  }, [zone, urlDate, urlZone, query, setUrl]);

  const start = anchor.toUTC().toISO()!;
  const end = anchor
    .plus(view === 'week' ? { weeks: 1 } : { days: 1 })
    .toUTC()
    .toISO()!;
  const meetings = useApi(
    (signal) => (zone ? meetingsBetween(start, end, signal) : new Promise<Meeting[]>(() => undefined)),
    [start, end, zone],
  );
  const calendars = useApi((signal) => api.get('/api/calendars', { signal }), []);
  const customers = useApi((signal) => api.get('/api/customers', { query: { limit: 200 }, signal }), []);
  const customerNames = useMemo(
    () => new Map((customers.data?.items ?? []).map((c) => [c.id, c.name])),
    [customers.data],
  );
  const cals: CalendarInfo[] = useMemo(
    () => (calendars.data?.items ?? []).filter((c) => c.selectedForSync) as CalendarInfo[],
    [calendars.data],
  );
  const colourOf = useMemo(() => new Map(cals.map((c, i) => [c.id, PALETTE[i % PALETTE.length]!])), [cals]);

  const [selected, setSelected] = useState<Listed | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const close = useCallback(() => {
    const id = selected?.id;
    setSelected(null);
    // Focus goes back to the meeting that was opened (found again if the grid re-rendered it).
    window.setTimeout(() => {
      const el =
        opener.current && opener.current.isConnected
          ? opener.current
          : document.querySelector<HTMLElement>(`[data-meeting-id="${id}"]`);
      el?.focus();
    }, 0);
  }, [selected]);
  useEffect(() => {
    if (!selected) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [selected, close]);

  const events: EventInput[] = useMemo(
    () =>
      ((meetings.data ?? []) as Listed[]).map((m) => ({
        id: m.id,
        title: m.subject || '(no subject)',
        start: m.isAllDay ? m.start.slice(0, 10) : m.start,
        end: m.isAllDay ? m.end.slice(0, 10) : m.end,
        allDay: m.isAllDay,
        backgroundColor: (m.calendarId && colourOf.get(m.calendarId)) || PALETTE[7],
        borderColor: (m.calendarId && colourOf.get(m.calendarId)) || PALETTE[7],
        textColor: '#fff',
        classNames: m.isCancelled ? ['cancelled'] : [],
        extendedProps: { meeting: m },
      })),
    [meetings.data, colourOf],
  );

  const hour12 = format === '12h';
  const renderEvent = useCallback(
    (arg: EventContentArg) => {
      const m = arg.event.extendedProps.meeting as Listed;
      const service = joinUrl(m) ? meetingServiceOf(m) : null;
      return (
        // The calendar's colour on the text's own box: white text keeps its contrast even where a short meeting's
        // text runs past its block.
        <div className="ev" style={{ background: arg.backgroundColor }}>
          <span className="ev-time">{arg.timeText}</span>{' '}
          <span className="ev-title">
            {isRecurring(m) && <span aria-label="recurring">↻ </span>}
            {arg.event.title}
          </span>
          {m.alsoIn?.length ? (
            <span className="ev-also">also in {m.alsoIn.map((c) => copyLabel(c, m)).join(', ')}</span>
          ) : null}
          {m.customerId && <span className="tag badge-customer">{customerNames.get(m.customerId) ?? 'customer'}</span>}
          {service && <span className="tag">{service}</span>}
          {m.isCancelled && <span className="tag">cancelled</span>}
        </div>
      );
    },
    [customerNames],
  );
  const mountEvent = useCallback((arg: EventMountArg) => {
    arg.el.setAttribute('role', 'button');
    arg.el.setAttribute('data-meeting-id', arg.event.id);
  }, []);
  const click = useCallback((arg: EventClickArg) => {
    arg.jsEvent.preventDefault();
    opener.current = arg.el;
    setSelected(arg.event.extendedProps.meeting as Listed);
  }, []);

  if (!zone) return <Loading label="Loading your calendar…" />;
  const zones = allZones(zone);
  const title = view === 'week' ? `Week of ${anchor.toFormat('d LLLL yyyy')}` : anchor.toFormat('cccc d LLLL yyyy');
  const today = DateTime.now()
    .setZone(zone)
    .startOf(view === 'week' ? 'week' : 'day');
  const step = view === 'week' ? { weeks: 1 } : { days: 1 };
  const changePref = async (change: { timeZone?: string; timeFormat?: TimeFormat }) => {
    setSaveError(undefined);
    try {
      await save(change);
      prefs.reload();
    } catch (e) {
      setSaveError(e);
    }
  };
  // The meeting's panel names its calendar as the legend does ("Adele Vance's calendar").
  const calendarNameOf = (id: string | null) => {
    const c = cals.find((x) => x.id === id);
    return c ? legendLabel(c, who, (meetings.data ?? []) as Listed[]) : null;
  };

  return (
    <div className={selected ? 'calendar-page with-panel' : 'calendar-page'}>
      <h1>My calendar</h1>
      <div className="cal-toolbar">
        <div className="nav-group" role="group" aria-label="Dates">
          <button type="button" onClick={() => setUrl({ date: anchor.minus(step).toISODate()! }, true)}>
            ← Previous {view}
          </button>
          <button
            type="button"
            onClick={() => setUrl({ date: today.toISODate()! }, true)}
            disabled={anchor.toISODate() === today.toISODate()}
          >
            {view === 'week' ? 'This week' : 'Today'}
          </button>
          <button type="button" onClick={() => setUrl({ date: anchor.plus(step).toISODate()! }, true)}>
            Next {view} →
          </button>
        </div>
        <div className="nav-group" role="group" aria-label="View">
          {(['week', 'day'] as const).map((v) => (
            <button key={v} type="button" aria-pressed={view === v} onClick={() => setUrl({ view: v }, true)}>
              {v === 'week' ? 'Week' : 'Day'}
            </button>
          ))}
        </div>
        <label className="field">
          Time zone
          <select
            value={zone}
            onChange={(e) => {
              setUrl({ tz: e.target.value });
              void changePref({ timeZone: e.target.value });
            }}
          >
            {zones.map((z) => (
              <option key={z} value={z}>
                {z.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Clock
          <select value={format} onChange={(e) => void changePref({ timeFormat: e.target.value as TimeFormat })}>
            <option value="24h">24-hour (15:30)</option>
            <option value="12h">12-hour (3:30 PM)</option>
          </select>
        </label>
        <button type="button" onClick={meetings.reload}>
          Refresh
        </button>
      </div>
      {saveError !== undefined && <ErrorBox error={saveError} />}
      <h2 className="cal-title" aria-live="polite">
        {title} <span className="muted">({zone.replace(/_/g, ' ')})</span>
      </h2>
      {cals.length > 0 && (
        <ul className="legend" aria-label="Calendars">
          {cals.map((c) => (
            <li key={c.id}>
              <span className="swatch" style={{ background: colourOf.get(c.id) }} aria-hidden="true" />
              {legendLabel(c, who, (meetings.data ?? []) as Listed[])}
              {c.isShared ? <span className="muted"> (shared with you)</span> : null}
            </li>
          ))}
        </ul>
      )}
      <FirstSync onDone={meetings.reload} />
      {meetings.error !== undefined && <ErrorBox error={meetings.error} retry={meetings.reload} />}
      {meetings.loading && meetings.data === undefined && <Loading label="Loading meetings…" />}
      <div className="cal-grid" data-testid="calendar-grid" aria-busy={meetings.loading}>
        <HourGrid
          view={view}
          date={anchor.toISODate()!}
          zone={zone}
          hour12={hour12}
          events={events}
          renderEvent={renderEvent}
          onMount={mountEvent}
          onClick={click}
        />
      </div>
      {!meetings.loading && meetings.data?.length === 0 && (
        <p className="muted">No meetings {view === 'week' ? 'this week' : 'on this day'}.</p>
      )}
      {selected && (
        <Detail
          key={selected.id}
          m={selected}
          zone={zone}
          format={format}
          customers={customers.data?.items ?? []}
          calendarName={calendarNameOf(selected.calendarId)}
          onChanged={meetings.reload}
          onClose={close}
        />
      )}
    </div>
  );
}
