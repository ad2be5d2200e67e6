// My calendar: a week of synced meetings in a chosen time zone, with recurrence marks, customer badges, Teams or
// Google Meet links, the sanitised body and manual customer association.
import { DateTime } from 'luxon';
import { useMemo, useState } from 'react';
import { api } from '../api/client';
import { attendeeNames, isRecurring, joinUrl, locationText, meetingsBetween, type Meeting } from '../api/meetings';
import { meetingServiceOf } from '../api/provider';
import { Async, ErrorBox, useApi } from '../components/async';
import { SafeHtml } from '../components/safe-html';
import { browserZone, dateTime, time } from '../format';

const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Australia/Sydney',
];

function Detail({
  m,
  zone,
  customers,
  onChanged,
}: {
  m: Meeting;
  zone: string;
  customers: Array<{ id: string; name: string }>;
  onChanged: () => void;
}) {
  const body = useApi((signal) => api.get('/api/calendar/events/{id}/body', { params: { id: m.id }, signal }), [m.id]);
  const [choice, setChoice] = useState(m.customerId ?? '');
  const [state, setState] = useState<{ busy: boolean; error?: unknown; saved?: boolean }>({ busy: false });
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
  return (
    <section className="card detail" aria-labelledby="detail-h">
      <h2 id="detail-h">{m.subject || '(no subject)'}</h2>
      <dl className="facts">
        <dt>When</dt>
        <dd>
          {dateTime(m.start, zone)} – {time(m.end, zone)} ({zone})
        </dd>
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
            <SafeHtml html={b.content} />
          ) : (
            <p className="event-body" style={{ whiteSpace: 'pre-wrap' }}>
              {b.content}
            </p>
          )
        }
      </Async>
    </section>
  );
}

function Week({
  days,
  meetings,
  zone,
  names,
  selected,
  onSelect,
}: {
  days: DateTime[];
  meetings: Meeting[];
  zone: string;
  names: Map<string, string>;
  selected: string | null;
  onSelect: (m: Meeting) => void;
}) {
  const today = DateTime.now().setZone(zone).toISODate();
  return (
    <div className="week">
      {days.map((d) => {
        const key = d.toISODate();
        const items = meetings
          .filter((m) => DateTime.fromISO(m.start, { zone: 'utc' }).setZone(zone).toISODate() === key)
          .sort((a, b) => a.start.localeCompare(b.start));
        return (
          <section key={key} className={key === today ? 'day today' : 'day'} aria-label={d.toFormat('cccc d LLLL')}>
            <h3>
              {d.toFormat('ccc d LLL')}
              {key === today && ' (today)'}
            </h3>
            {items.length === 0 && <p className="muted">No meetings</p>}
            {items.map((m) => (
              <button
                key={m.id}
                type="button"
                className={m.isCancelled ? 'event cancelled' : 'event'}
                aria-pressed={selected === m.id}
                onClick={() => onSelect(m)}
              >
                <span className="t">{m.isAllDay ? 'All day' : `${time(m.start, zone)}–${time(m.end, zone)}`}</span>
                {isRecurring(m) && <span aria-label="recurring">↻ </span>}
                {m.subject || '(no subject)'}
                {m.customerId && <span className="tag badge-customer">{names.get(m.customerId) ?? 'customer'}</span>}
                {joinUrl(m) && <span className="tag">{meetingServiceOf(m)}</span>}
                {m.isCancelled && <span className="tag">cancelled</span>}
              </button>
            ))}
          </section>
        );
      })}
    </div>
  );
}

export function CalendarPage() {
  const [zone, setZone] = useState(browserZone());
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<Meeting | null>(null);
  const weekStart = useMemo(() => DateTime.now().setZone(zone).startOf('week').plus({ weeks: offset }), [zone, offset]);
  const days = useMemo(() => Array.from({ length: 7 }, (_, i) => weekStart.plus({ days: i })), [weekStart]);
  const start = weekStart.toUTC().toISO()!;
  const end = weekStart.plus({ weeks: 1 }).toUTC().toISO()!;
  const meetings = useApi((signal) => meetingsBetween(start, end, signal), [start, end]);
  const customers = useApi((signal) => api.get('/api/customers', { query: { limit: 200 }, signal }), []);
  const list = customers.data?.items ?? [];
  const names = new Map(list.map((c) => [c.id, c.name]));
  const zones = ZONES.includes(zone) ? ZONES : [zone, ...ZONES];
  return (
    <>
      <h1>My calendar</h1>
      <div className="toolbar">
        <button type="button" onClick={() => setOffset((o) => o - 1)}>
          ← Previous week
        </button>
        <button type="button" onClick={() => setOffset(0)} disabled={offset === 0}>
          This week
        </button>
        <button type="button" onClick={() => setOffset((o) => o + 1)}>
          Next week →
        </button>
        <label className="field">
          Time zone
          <select value={zone} onChange={(e) => setZone(e.target.value)}>
            {zones.map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
        </label>
        <button type="button" onClick={meetings.reload}>
          Refresh
        </button>
      </div>
      <p className="muted">
        Week of {weekStart.toFormat('d LLLL yyyy')} · ↻ recurring · <span className="tag badge-customer">customer</span>{' '}
        badge
      </p>
      <Async state={meetings} label="Loading meetings…">
        {(items) => (
          <Week
            days={days}
            meetings={items}
            zone={zone}
            names={names}
            selected={selected?.id ?? null}
            onSelect={setSelected}
          />
        )}
      </Async>
      {selected && <Detail key={selected.id} m={selected} zone={zone} customers={list} onChanged={meetings.reload} />}
    </>
  );
}
