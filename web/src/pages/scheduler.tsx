// Meeting scheduler: customer and people pickers with autocomplete, a multi-day availability grid limited to working
// hours (each person's own hours shown, the names column sticky), 3–5 suggested times spread across days with a
// reason each, drawn on the grid; who approves is shown before the request. The form lives in the URL (reload keeps
// it). "Request approval" creates a proposal (nothing is sent).
import { DateTime } from 'luxon';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, api, type ResponseOf } from '../api/client';
import { useMeetingService } from '../api/provider';
import { ErrorBox, Loading, useApi } from '../components/async';
import { CustomerPicker, PeoplePicker, type PickedPerson } from '../components/people-picker';
import { browserZone } from '../format';
import { approvalsChanged } from '../query';
import { Link, href, navigate, useLocation } from '../router';
import { PolicySummary, useApprovalPolicy } from './approval';
import './scheduler.css';

type Template = ResponseOf<'/api/templates', 'get'>['items'][number];
type Room = ResponseOf<'/api/calendar/rooms', 'get'>['items'][number];
type Suggestion = ResponseOf<'/api/calendar/findmeetingtimes', 'post'>['suggestions'][number];
interface WorkingHours {
  daysOfWeek: string[];
  startTime: string;
  endTime: string;
  timeZone: string;
}
interface Grid {
  timeZone: string;
  slots: Array<{ start: string; end: string; local: string }>;
  rows: Array<{
    email: string;
    known: boolean;
    reason: string | null;
    cells: Array<{ status: string; inWorkingHours: boolean | null }>;
  }>;
}
interface Availability {
  grid: Grid;
  schedules: Array<{ email: string; kind: string; status: string; workingHours?: WorkingHours | null }>;
}

/** Each state in words, as the grid cells and the legend say it. */
const STATE: Record<string, { short: string; words: string }> = {
  free: { short: '', words: 'Free' },
  busy: { short: 'Busy', words: 'Busy' },
  tentative: { short: 'Maybe', words: 'Tentative: may attend' },
  oof: { short: 'Away', words: 'Away (out of office)' },
  workingElsewhere: { short: 'Elsewhere', words: 'Working elsewhere' },
  unknown: { short: '?', words: 'Calendar not visible' },
};

/** Why a calendar cannot be read, in words. */
const WHY_UNKNOWN: Record<string, string> = {
  external: 'outside your organisation: calendar not visible',
  not_found: 'calendar not visible to you (another organisation, or no calendar)',
  not_requested: 'calendar not read',
  needs_reauth: 'their calbridge connection needs renewing',
  stale_sync: 'their calendar has not synced recently',
  throttled: 'the calendar service asked us to slow down; try again shortly',
  permission_denied: 'they do not share their free/busy with you',
};

function hoursText(h: WorkingHours | null | undefined): string {
  if (!h) return 'hours not known';
  const days = h.daysOfWeek.map((d) => d.slice(0, 3)).map((d) => d.charAt(0).toUpperCase() + d.slice(1));
  const range = days.length === 5 && days[0] === 'Mon' && days[4] === 'Fri' ? 'Mon–Fri' : days.join(', ');
  const city = h.timeZone.split('/').pop()?.replace(/_/g, ' ') ?? h.timeZone;
  return `${range} ${h.startTime.slice(0, 5)}–${h.endTime.slice(0, 5)} (${city})`;
}

/** The next `n` working days (Monday–Friday) from `from` (an ISO date), as ISO dates. */
export function workingDays(from: string, n: number, zone: string): string[] {
  const out: string[] = [];
  let d = DateTime.fromISO(from, { zone });
  for (let i = 0; out.length < n && i < 31; i++, d = d.plus({ days: 1 })) if (d.weekday <= 5) out.push(d.toISODate()!);
  return out;
}

/** The form as URL query parameters: reload and sharing keep it. */
function useFormInUrl() {
  const { query } = useLocation();
  const initial = useMemo(() => new URLSearchParams(query), []);
  const write = (patch: Record<string, string | null>) => {
    const q = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') q.delete(k);
      else q.set(k, v);
    }
    const s = q.toString();
    window.history.replaceState(null, '', href(`/schedule${s ? `?${s}` : ''}`));
  };
  return { initial, write };
}

const encodePeople = (p: PickedPerson[]) => p.map((x) => (x.name ? `${x.name} <${x.email}>` : x.email)).join(';');
const decodePeople = (s: string | null): PickedPerson[] =>
  (s ?? '')
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const m = /^(.*)<([^>]+)>$/.exec(x);
      return m
        ? { name: m[1]!.trim() || null, email: m[2]!.trim().toLowerCase() }
        : { name: null, email: x.toLowerCase() };
    })
    .filter((p) => p.email.includes('@'));

type Repeat = '' | 'daily' | 'weekly' | 'monthly';
const REPEATS: readonly Repeat[] = ['', 'daily', 'weekly', 'monthly'];

/** How a series from `start` repeats, in words (as the proposal will say it). */
export function repeatSummary(
  repeat: Repeat,
  start: DateTime,
  end: { count: number } | { until: string },
): string | null {
  if (!repeat) return null;
  const how =
    repeat === 'daily'
      ? 'Every day'
      : repeat === 'weekly'
        ? `Every ${start.toFormat('cccc')}`
        : `Every month on day ${start.day}`;
  if ('until' in end) return `${how}, until ${DateTime.fromISO(end.until, { zone: 'utc' }).toFormat('d LLLL yyyy')}`;
  return `${how}, ${end.count} times`;
}

function nextWorkingDay(zone: string): string {
  let d = DateTime.now().setZone(zone).plus({ days: 1 });
  while (d.weekday > 5) d = d.plus({ days: 1 });
  return d.toISODate()!;
}

function AvailabilityGrid({
  data,
  names,
  days,
  suggestions,
  chosen,
}: {
  data: Availability;
  names: Map<string, string>;
  days: string[];
  suggestions: Suggestion[];
  chosen: Suggestion | null;
}) {
  const { grid, schedules } = data;
  const organizer = schedules.find((s) => s.kind === 'organizer');
  const hoursOf = new Map(schedules.map((s) => [s.email.toLowerCase(), s.workingHours ?? null]));
  const orgRow = grid.rows.findIndex((r) => r.email.toLowerCase() === organizer?.email.toLowerCase());
  const daySet = new Set(days);
  // Columns: the working days asked for, inside the organizer's working hours (08:00–18:00 when they are not known),
  // widened to cover the suggestions.
  const suggested = (i: number) => {
    const s = grid.slots[i]!;
    return suggestions.findIndex((x) => x.start < s.end && x.end > s.start);
  };
  const cols = grid.slots
    .map((s, i) => ({ s, i }))
    .filter(({ s, i }) => {
      if (!daySet.has(s.local.slice(0, 10))) return false;
      if (suggested(i) >= 0) return true;
      const own = orgRow >= 0 ? grid.rows[orgRow]!.cells[i]?.inWorkingHours : null;
      if (own === true) return true;
      if (own === false) return false;
      const h = Number(s.local.slice(11, 13));
      return h >= 8 && h < 18;
    });
  const byDay = new Map<string, number>();
  for (const c of cols) byDay.set(c.s.local.slice(0, 10), (byDay.get(c.s.local.slice(0, 10)) ?? 0) + 1);
  const dayLabel = (d: string) => DateTime.fromISO(d).toFormat('ccc d LLL');
  const whose = organizer?.workingHours
    ? `your working hours, ${hoursText(organizer.workingHours)}`
    : '08:00–18:00 (your working hours are not known)';
  return (
    <div className="sched-grid-wrap" tabIndex={0} aria-label="Availability grid, scrolls sideways">
      <table className="sched-grid">
        <caption>
          Availability on {days.length} working days, times in {grid.timeZone}. Columns follow {whose}; each person’s
          own hours are under their name, and cells outside them are shaded.
        </caption>
        <thead>
          <tr>
            <th scope="col" rowSpan={2} className="who">
              Who
            </th>
            {[...byDay].map(([d, n]) => (
              <th key={d} scope="colgroup" colSpan={n} className="day">
                {dayLabel(d)}
              </th>
            ))}
          </tr>
          <tr>
            {cols.map(({ s, i }) => {
              const k = suggested(i);
              return (
                <th key={s.start} scope="col" className={`t${s.local.endsWith(':00') ? ' hour' : ''}`}>
                  {s.local.endsWith(':00') ? s.local.slice(11, 13) : ''}
                  {k >= 0 && (
                    <span className="sugg-mark" title={`Suggestion ${k + 1}`}>
                      {k + 1}
                    </span>
                  )}
                  <span className="sr-only">{s.local.slice(11)}</span>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((r, ri) => {
            const email = r.email.toLowerCase();
            const label = ri === orgRow ? 'You' : (names.get(email) ?? r.email);
            const own = hoursOf.get(email);
            return (
              <tr key={r.email}>
                <th scope="row" className="who">
                  <span className="who-name">{label}</span>
                  <span className="who-hours">
                    {r.known ? hoursText(own) : (WHY_UNKNOWN[r.reason ?? ''] ?? 'calendar not visible')}
                  </span>
                </th>
                {cols.map(({ s, i }) => {
                  const c = r.cells[i]!;
                  const k = suggested(i);
                  const isChosen = chosen && chosen.start < s.end && chosen.end > s.start;
                  const st = STATE[c.status] ?? { short: c.status, words: c.status };
                  return (
                    <td
                      key={s.start}
                      className={[
                        `c-${c.status}`,
                        c.inWorkingHours === false ? 'off' : '',
                        k >= 0 ? 'sugg' : '',
                        isChosen ? 'chosen' : '',
                      ].join(' ')}
                      title={`${label}, ${dayLabel(s.local.slice(0, 10))} ${s.local.slice(11)}: ${st.words}${c.inWorkingHours === false ? ', outside their working hours' : ''}`}
                    >
                      <span aria-hidden="true">{st.short}</span>
                      <span className="sr-only">
                        {st.words}
                        {c.inWorkingHours === false ? ', outside their working hours' : ''}
                      </span>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <ul className="sched-legend" aria-label="Legend">
        {Object.entries(STATE).map(([k, v]) => (
          <li key={k}>
            <span className={`swatch c-${k}`} aria-hidden="true">
              {v.short}
            </span>{' '}
            {v.words}
          </li>
        ))}
        <li>
          <span className="swatch off" aria-hidden="true" /> Outside that person’s working hours
        </li>
        <li>
          <span className="swatch sugg" aria-hidden="true" /> Suggested time (numbered as in the list)
        </li>
      </ul>
    </div>
  );
}

export function SchedulerPage({ customerId: customerFromUrl }: { customerId: string | null }) {
  const zone = browserZone();
  const { initial, write } = useFormInUrl();
  const [customerId, setCustomerId] = useState<string | null>(customerFromUrl);
  const customer = useApi(
    (signal) =>
      customerId ? api.get('/api/customers/{id}', { params: { id: customerId }, signal }) : Promise.resolve(null),
    [customerId],
  );
  const templates = useApi(
    async (signal): Promise<Template[]> => (await api.get('/api/templates', { signal })).items,
    [],
  );
  const policy = useApprovalPolicy();
  const rooms = useApi(async (signal): Promise<Room[]> => (await api.get('/api/calendar/rooms', { signal })).items, []);
  const [templateId, setTemplateId] = useState(initial.get('template') ?? '');
  const [subject, setSubject] = useState(initial.get('subject') ?? '');
  const [subjectEdited, setSubjectEdited] = useState(initial.has('subject'));
  const [people, setPeople] = useState<PickedPerson[]>(decodePeople(initial.get('with')));
  const [duration, setDuration] = useState(Number(initial.get('minutes')) || 60);
  const [from, setFrom] = useState(initial.get('from') ?? nextWorkingDay(zone));
  const [dayCount, setDayCount] = useState(Math.min(10, Math.max(1, Number(initial.get('days')) || 5)));
  const [room, setRoom] = useState(initial.get('room') ?? '');
  const [online, setOnline] = useState(initial.get('online') !== '0');
  const [repeat, setRepeat] = useState<Repeat>(REPEATS.find((r) => r !== '' && r === initial.get('repeat')) ?? '');
  const [repeatUntil, setRepeatUntil] = useState(initial.get('until') ?? '');
  const [repeatCount, setRepeatCount] = useState(Math.min(730, Math.max(2, Number(initial.get('times')) || 6)));
  const meeting = useMeetingService();
  const [grid, setGrid] = useState<{ busy: boolean; data?: Availability; error?: unknown }>({ busy: false });
  const [sugg, setSugg] = useState<{ busy: boolean; data?: Suggestion[]; error?: unknown }>({ busy: false });
  const [chosen, setChosen] = useState<Suggestion | null>(null);
  const [submit, setSubmit] = useState<{ busy: boolean; error?: unknown }>({ busy: false });

  // the form in the URL
  useEffect(() => {
    write({
      customer: customerId,
      template: templateId,
      subject: subjectEdited ? subject : null,
      with: encodePeople(people),
      minutes: String(duration),
      from,
      days: String(dayCount),
      room,
      online: online ? null : '0',
      repeat: repeat || null,
      times: repeat && !repeatUntil ? String(repeatCount) : null,
      until: repeat ? repeatUntil || null : null,
    });
  }, [
    customerId,
    templateId,
    subject,
    subjectEdited,
    people,
    duration,
    from,
    dayCount,
    room,
    online,
    repeat,
    repeatCount,
    repeatUntil,
  ]);

  useEffect(() => {
    const c = customer.data;
    if (!c) return;
    // a customer picked now (not restored from the URL with its own list) brings its stakeholders
    if (!initial.get('with') || initial.get('customer') !== c.id)
      setPeople((p) => {
        const have = new Set(p.map((x) => x.email));
        return [
          ...p,
          ...c.stakeholders.filter((s) => !have.has(s.email)).map((s) => ({ email: s.email, name: s.name })),
        ];
      });
    if (!subjectEdited) setSubject((s) => s || `Meeting with ${c.name}`);
  }, [customer.data]);

  const chooseTemplate = (id: string) => {
    setTemplateId(id);
    const t = templates.data?.find((x) => x.id === id);
    if (!t) return;
    setDuration(t.durationMinutes);
    if (t.onlineMeeting !== null && t.onlineMeeting !== undefined) setOnline(t.onlineMeeting);
    const name = customer.data?.name ?? '';
    if (!subjectEdited)
      setSubject(
        t.subjectTemplate
          ? t.subjectTemplate.replace(/\{customer\}/g, name)
          : `${t.name}${name ? ` with ${name}` : ''}`,
      );
  };
  const emails = people.map((p) => p.email);
  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const s of customer.data?.stakeholders ?? []) if (s.name) m.set(s.email.toLowerCase(), s.name);
    for (const p of people) if (p.name) m.set(p.email, p.name);
    for (const r of rooms.data ?? []) m.set(r.email.toLowerCase(), `Room ${r.name}`);
    return m;
  }, [customer.data, people, rooms.data]);
  const days = workingDays(from, dayCount, zone);
  const windowRange = {
    start: DateTime.fromISO(days[0] ?? from, { zone })
      .toUTC()
      .toISO()!,
    end: DateTime.fromISO(days[days.length - 1] ?? from, { zone })
      .endOf('day')
      .plus({ milliseconds: 1 })
      .toUTC()
      .toISO()!,
  };

  const loadGrid = async () => {
    setGrid({ busy: true });
    try {
      const d = await api.get('/api/calendar/availability', {
        query: {
          attendees: emails,
          rooms: room ? [room] : [],
          start: windowRange.start,
          end: windowRange.end,
          granularity: 30,
          timeZone: zone,
        },
      });
      setGrid({ busy: false, data: d as unknown as Availability });
    } catch (error) {
      setGrid({ busy: false, error });
    }
  };
  const suggest = async () => {
    setSugg({ busy: true });
    setChosen(null);
    void loadGrid();
    try {
      const d = await api.post('/api/calendar/findmeetingtimes', {
        body: {
          attendees: emails.map((email) => ({ email, type: 'required' as const })),
          ...(room ? { rooms: [room] } : {}),
          window: windowRange,
          durationMinutes: duration,
          timeZone: zone,
          // Customers' calendars are usually not visible: keep those times, drop those where someone is busy.
          minimumAttendeePercentage: 40,
          spread: true,
          maxCandidates: 5,
          ...(customerId ? { customerId } : {}),
        },
      });
      setSugg({ busy: false, data: d.suggestions });
    } catch (error) {
      setSugg({ busy: false, error });
    }
  };
  const requestApproval = async () => {
    if (!chosen) return;
    setSubmit({ busy: true });
    const attendeesOut = people.map((p) => ({ email: p.email, name: p.name, type: 'required' as const }));
    // a series on the chosen time's weekday (weekly) or day of the month (monthly): the server's default
    const recurrence = repeat
      ? { frequency: repeat, ...(repeatUntil ? { until: repeatUntil } : { count: repeatCount }) }
      : undefined;
    try {
      if (customerId)
        await api.post('/api/customers/{id}/schedule', {
          params: { id: customerId },
          body: {
            ...(templateId ? { templateId } : {}),
            ...(subjectEdited || !templateId ? { subject } : {}),
            start: chosen.start,
            durationMinutes: duration,
            timeZone: zone,
            attendees: attendeesOut,
            room: room || null,
            onlineMeeting: online,
            ...(recurrence ? { recurrence } : {}),
          },
        });
      else
        await api.post('/api/calendar/events', {
          body: {
            ...(templateId ? { templateId } : {}),
            subject,
            start: chosen.start,
            end: chosen.end,
            timeZone: zone,
            attendees: attendeesOut,
            room: room || null,
            onlineMeeting: online,
            ...(recurrence ? { recurrence } : {}),
          },
        });
      approvalsChanged();
      navigate('/approvals?created=1');
    } catch (error) {
      setSubmit({ busy: false, error });
    }
  };

  const p = policy.data as
    | {
        approvers?: { kind?: string };
        eligibleApprovers?: Array<{ email: string; displayName: string | null }>;
        selfApproveInternal?: boolean;
        selfApproveExternal?: boolean;
      }
    | null
    | undefined;
  const approverNames = (p?.eligibleApprovers ?? []).map((a) => a.displayName ?? a.email);
  const dayWhen = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone);
  const repeats = chosen
    ? repeatSummary(repeat, dayWhen(chosen.start), repeatUntil ? { until: repeatUntil } : { count: repeatCount })
    : null;

  return (
    <>
      <h1>Schedule a meeting{customer.data ? ` with ${customer.data.name}` : ''}</h1>
      {customer.error !== undefined && <ErrorBox error={customer.error} retry={customer.reload} />}
      <form
        className="card sched-form"
        onSubmit={(e) => {
          e.preventDefault();
          void suggest();
        }}
      >
        <div className="sched-row">
          {customer.data ? (
            <p className="field">
              <span>Customer</span>
              <span>
                <Link to={`/customers/${customer.data.id}`}>{customer.data.name}</Link>{' '}
                <button type="button" className="link" onClick={() => setCustomerId(null)}>
                  Change
                </button>
              </span>
            </p>
          ) : (
            <CustomerPicker onPick={(c) => setCustomerId(c.id)} />
          )}
          <label className="field">
            Template
            {templates.loading ? (
              <Loading />
            ) : templates.error !== undefined ? (
              <ErrorBox error={templates.error} />
            ) : (
              <select value={templateId} onChange={(e) => chooseTemplate(e.target.value)}>
                <option value="">No template</option>
                {(templates.data ?? []).map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.durationMinutes} min)
                  </option>
                ))}
              </select>
            )}
          </label>
        </div>
        <label className="field">
          Subject
          <input
            value={subject}
            onChange={(e) => (setSubject(e.target.value), setSubjectEdited(true))}
            required
            maxLength={255}
          />
        </label>
        <fieldset className="field">
          <legend>Attendees</legend>
          <PeoplePicker value={people} onChange={setPeople} />
        </fieldset>
        <div className="toolbar">
          <label className="field">
            Duration (minutes)
            <input
              type="number"
              min={15}
              max={480}
              step={15}
              value={duration}
              onChange={(e) => setDuration(Number(e.target.value))}
            />
          </label>
          <label className="field">
            From
            <input type="date" value={from} onChange={(e) => e.target.value && setFrom(e.target.value)} />
          </label>
          <label className="field">
            Working days
            <select value={dayCount} onChange={(e) => setDayCount(Number(e.target.value))}>
              {[1, 3, 5, 10].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Room
            {rooms.error !== undefined ? (
              <span className="muted">
                rooms not available
                {rooms.error instanceof ApiError && rooms.error.code === 'permission_denied' && (
                  <>
                    {' '}
                    — they need your administrator’s approval (<Link to="/settings">Settings</Link>)
                  </>
                )}
              </span>
            ) : (
              <select value={room} onChange={(e) => setRoom(e.target.value)}>
                <option value="">No room</option>
                {(rooms.data ?? []).map((r) => (
                  <option key={r.email} value={r.email}>
                    {r.name}
                    {r.capacity ? ` (${r.capacity} seats)` : ''}
                  </option>
                ))}
              </select>
            )}
          </label>
        </div>
        <label className="switch">
          <input type="checkbox" checked={online} onChange={(e) => setOnline(e.target.checked)} /> {meeting.name}{' '}
          meeting
        </label>
        <fieldset className="field sched-repeat">
          <legend>Repeat</legend>
          <div className="toolbar">
            <label className="field">
              Repeats
              <select value={repeat} onChange={(e) => setRepeat(e.target.value as Repeat)}>
                <option value="">Does not repeat</option>
                <option value="daily">Daily</option>
                <option value="weekly">Weekly, on the chosen time’s day</option>
                <option value="monthly">Monthly, on the chosen time’s date</option>
              </select>
            </label>
            {repeat && (
              <>
                <label className="field">
                  Ends
                  <select
                    value={repeatUntil ? 'until' : 'count'}
                    onChange={(e) =>
                      setRepeatUntil(
                        e.target.value === 'until' ? DateTime.fromISO(from).plus({ months: 3 }).toISODate()! : '',
                      )
                    }
                  >
                    <option value="count">After a number of times</option>
                    <option value="until">On a date</option>
                  </select>
                </label>
                {repeatUntil ? (
                  <label className="field">
                    Until (last date)
                    <input
                      type="date"
                      value={repeatUntil}
                      min={from}
                      onChange={(e) => e.target.value && setRepeatUntil(e.target.value)}
                    />
                  </label>
                ) : (
                  <label className="field">
                    Number of times
                    <input
                      type="number"
                      min={2}
                      max={730}
                      value={repeatCount}
                      onChange={(e) => setRepeatCount(Math.min(730, Math.max(2, Number(e.target.value) || 2)))}
                    />
                  </label>
                )}
              </>
            )}
          </div>
        </fieldset>
        <div className="actions">
          <button type="submit" className="primary" disabled={sugg.busy || people.length === 0}>
            Find times
          </button>
          <button type="button" onClick={() => void loadGrid()} disabled={grid.busy || people.length === 0}>
            Show availability only
          </button>
        </div>
        {people.length === 0 && <p className="hint">Add at least one person to find times.</p>}
      </form>

      {sugg.busy && <Loading label="Finding times…" />}
      {sugg.error !== undefined && <ErrorBox error={sugg.error} />}
      {sugg.data && (
        <section className="card" aria-labelledby="sugg-h">
          <h2 id="sugg-h">Suggested times</h2>
          <fieldset>
            <legend className="muted">Best first; pick one (times in {zone})</legend>
            <ol className="sched-suggestions">
              {sugg.data.map((s, i) => (
                <li key={s.start}>
                  <label>
                    <input type="radio" name="slot" checked={chosen?.start === s.start} onChange={() => setChosen(s)} />
                    <span className="sugg-num" aria-hidden="true">
                      {i + 1}
                    </span>
                    <span className="sugg-when">
                      {dayWhen(s.start).toFormat('cccc d LLLL, HH:mm')}–{dayWhen(s.end).toFormat('HH:mm')}
                    </span>
                    <span className="sugg-why">{s.reason}</span>
                  </label>
                </li>
              ))}
            </ol>
          </fieldset>
        </section>
      )}
      {grid.busy && <Loading label="Reading calendars…" />}
      {grid.error !== undefined && <ErrorBox error={grid.error} />}
      {grid.data && (
        <section className="card" aria-labelledby="grid-h">
          <h2 id="grid-h">Availability</h2>
          <AvailabilityGrid data={grid.data} names={names} days={days} suggestions={sugg.data ?? []} chosen={chosen} />
        </section>
      )}
      <section className="card" aria-labelledby="req-h">
        <h2 id="req-h">Request approval</h2>
        <p data-testid="who-approves">
          {approverNames.length > 0
            ? `${approverNames.join(', ')} ${approverNames.length === 1 ? 'approves' : 'approve'} it before anything is sent.`
            : p?.approvers?.kind === 'manager'
              ? 'Your manager approves it before anything is sent.'
              : 'Someone with the approver role approves it before anything is sent.'}
          {p?.selfApproveInternal ? ' Meetings with colleagues only you may approve yourself.' : ''}
        </p>
        {chosen ? (
          <p>
            Chosen: <strong>{dayWhen(chosen.start).toFormat('cccc d LLLL, HH:mm')}</strong>
            {repeats && (
              <>
                {' '}
                — repeats: <strong data-testid="repeat-summary">{repeats}</strong>
              </>
            )}
          </p>
        ) : (
          <p className="hint">Find times and pick one first.</p>
        )}
        <button
          type="button"
          className="primary"
          disabled={!chosen || submit.busy || !subject.trim()}
          onClick={() => void requestApproval()}
        >
          Request approval
        </button>
        <p className="hint">Nothing is sent until the proposal is approved on the Approvals page.</p>
        {submit.error !== undefined && <ErrorBox error={submit.error} />}
      </section>
      {policy.data ? <PolicySummary policy={policy.data} title="Who approves it (approval policy)" /> : null}
    </>
  );
}
