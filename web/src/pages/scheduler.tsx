// Meeting scheduler: template, attendees from stakeholders, duration, date range, availability grid (people and rooms),
// suggested times with confidence, room picker, Teams or Google Meet toggle; "Request approval" creates a proposal
// (nothing is sent).
import { PolicySummary, useApprovalPolicy } from './approval';
import { DateTime } from 'luxon';
import { useEffect, useState } from 'react';
import { ApiError, api, type ResponseOf } from '../api/client';
import { useMeetingService } from '../api/provider';
import { ErrorBox, Loading, useApi } from '../components/async';
import { browserZone, dateTime, time } from '../format';
import { Link, navigate } from '../router';

type Template = ResponseOf<'/api/templates', 'get'>['items'][number];
type Room = ResponseOf<'/api/calendar/rooms', 'get'>['items'][number];
type Suggestion = ResponseOf<'/api/calendar/findmeetingtimes', 'post'>['suggestions'][number];
interface Grid {
  timeZone: string;
  slots: Array<{ start: string; local: string }>;
  rows: Array<{
    email: string;
    known: boolean;
    reason: string | null;
    cells: Array<{ status: string; inWorkingHours: boolean | null }>;
  }>;
  completeness?: { text?: string };
}

const LABEL: Record<string, string> = {
  free: 'free',
  busy: 'BUSY',
  tentative: 'tent.',
  oof: 'OOF',
  workingElsewhere: 'away',
  unknown: '?',
};

function AvailabilityGrid({ grid, rooms }: { grid: Grid; rooms: Set<string> }) {
  return (
    <div className="table-wrap">
      <table className="grid">
        <caption>
          Availability ({grid.timeZone}). Each cell says its state in words: free, BUSY, tent. (tentative), OOF, away, ?
          (unknown).
          {grid.completeness?.text && ` ${grid.completeness.text}.`}
        </caption>
        <thead>
          <tr>
            <th scope="col">Who</th>
            {grid.slots.map((s) => (
              <th key={s.start} scope="col">
                {s.local.slice(5).replace('T', ' ')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.rows.map((r) => (
            <tr key={r.email}>
              <th scope="row">
                {rooms.has(r.email.toLowerCase()) ? '🏢 ' : ''}
                {r.email}
                {!r.known && <span className="tag">unknown: {r.reason}</span>}
              </th>
              {r.cells.map((c, i) => (
                <td key={i} className={`cell-${c.status}`} title={`${r.email} ${grid.slots[i]?.local}: ${c.status}`}>
                  {LABEL[c.status] ?? c.status}
                  {c.inWorkingHours === false ? '*' : ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="legend" aria-label="Legend">
        {Object.entries(LABEL).map(([k, v]) => (
          <li key={k}>
            <span className={`cell-${k}`}>{v}</span> = {k}
          </li>
        ))}
        <li>* = outside working hours</li>
      </ul>
    </div>
  );
}

export function SchedulerPage({ customerId }: { customerId: string | null }) {
  const zone = browserZone();
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
  const [templateId, setTemplateId] = useState('');
  const [subject, setSubject] = useState('');
  const [subjectEdited, setSubjectEdited] = useState(false);
  const [attendees, setAttendees] = useState<string[]>([]);
  const [extra, setExtra] = useState('');
  const [duration, setDuration] = useState(60);
  const [from, setFrom] = useState(DateTime.now().plus({ days: 1 }).toISODate()!);
  const [to, setTo] = useState(DateTime.now().plus({ days: 8 }).toISODate()!);
  const [room, setRoom] = useState('');
  const [teams, setTeams] = useState(true);
  const meeting = useMeetingService();
  const [grid, setGrid] = useState<{ busy: boolean; data?: Grid; error?: unknown }>({ busy: false });
  const [sugg, setSugg] = useState<{ busy: boolean; data?: Suggestion[]; reason?: string; error?: unknown }>({
    busy: false,
  });
  const [chosen, setChosen] = useState<Suggestion | null>(null);
  const [submit, setSubmit] = useState<{ busy: boolean; error?: unknown }>({ busy: false });

  useEffect(() => {
    const c = customer.data;
    if (c) {
      setAttendees(c.stakeholders.map((s) => s.email));
      setSubject((s) => s || `Meeting with ${c.name}`);
    }
  }, [customer.data]);
  const chooseTemplate = (id: string) => {
    setTemplateId(id);
    const t = templates.data?.find((x) => x.id === id);
    if (!t) return;
    setDuration(t.durationMinutes);
    if (t.onlineMeeting !== null && t.onlineMeeting !== undefined) setTeams(t.onlineMeeting);
    const name = customer.data?.name ?? '';
    setSubject(
      t.subjectTemplate ? t.subjectTemplate.replace(/\{customer\}/g, name) : `${t.name}${name ? ` with ${name}` : ''}`,
    );
  };
  const everyone = [...attendees, ...extra.split(/[\s,;]+/).filter((e) => e.includes('@'))];
  const windowRange = {
    start: DateTime.fromISO(from, { zone }).toUTC().toISO()!,
    end: DateTime.fromISO(to, { zone }).endOf('day').toUTC().toISO()!,
  };

  const checkGrid = async () => {
    setGrid({ busy: true });
    try {
      const d = await api.get('/api/calendar/availability', {
        query: {
          attendees: everyone,
          rooms: room ? [room] : [],
          start: windowRange.start,
          end: DateTime.fromISO(windowRange.start).plus({ days: 1 }).toUTC().toISO()!,
          granularity: 30,
          timeZone: zone,
        },
      });
      setGrid({ busy: false, data: d.grid as unknown as Grid });
    } catch (error) {
      setGrid({ busy: false, error });
    }
  };
  const suggest = async () => {
    setSugg({ busy: true });
    setChosen(null);
    try {
      const d = await api.post('/api/calendar/findmeetingtimes', {
        body: {
          attendees: everyone.map((email) => ({ email, type: 'required' as const })),
          ...(room ? { rooms: [room] } : {}),
          window: windowRange,
          durationMinutes: duration,
          timeZone: zone,
          // Customers' calendars are usually unknown (49%): keep those slots, drop those where someone is busy.
          minimumAttendeePercentage: 40,
        },
      });
      setSugg({ busy: false, data: d.suggestions, reason: d.emptySuggestionsReason });
    } catch (error) {
      setSugg({ busy: false, error });
    }
  };
  const requestApproval = async () => {
    if (!chosen) return;
    setSubmit({ busy: true });
    const attendeesOut = everyone.map((email) => ({ email, type: 'required' as const }));
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
            onlineMeeting: teams,
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
            onlineMeeting: teams,
          },
        });
      navigate('/approvals?created=1');
    } catch (error) {
      setSubmit({ busy: false, error });
    }
  };

  return (
    <>
      <h1>Schedule a meeting{customer.data ? ` with ${customer.data.name}` : ''}</h1>
      {customer.error !== undefined && <ErrorBox error={customer.error} retry={customer.reload} />}
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void suggest();
        }}
      >
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
          {customer.data?.stakeholders.map((s) => (
            <label key={s.id} className="switch">
              <input
                type="checkbox"
                checked={attendees.includes(s.email)}
                onChange={(e) =>
                  setAttendees((a) => (e.target.checked ? [...a, s.email] : a.filter((x) => x !== s.email)))
                }
              />
              {s.name ?? s.email} {s.role && <span className="tag">{s.role}</span>} <code>{s.email}</code>
            </label>
          ))}
          <label className="field">
            Other attendees (emails, comma separated)
            <input value={extra} onChange={(e) => setExtra(e.target.value)} placeholder="someone@example.com" />
          </label>
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
            <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label className="field">
            To
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
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
          <input type="checkbox" checked={teams} onChange={(e) => setTeams(e.target.checked)} /> {meeting.name} meeting
        </label>
        <div className="actions">
          <button type="button" onClick={() => void checkGrid()} disabled={grid.busy || everyone.length === 0}>
            Show availability (first day)
          </button>
          <button type="submit" className="primary" disabled={sugg.busy || everyone.length === 0}>
            Suggest times
          </button>
        </div>
      </form>
      {grid.busy && <Loading label="Reading free/busy…" />}
      {grid.error !== undefined && <ErrorBox error={grid.error} />}
      {grid.data && (
        <section className="card">
          <h2>Availability</h2>
          <AvailabilityGrid grid={grid.data} rooms={new Set(room ? [room.toLowerCase()] : [])} />
        </section>
      )}
      {sugg.busy && <Loading label="Finding times…" />}
      {sugg.error !== undefined && <ErrorBox error={sugg.error} />}
      {sugg.data && (
        <section className="card" aria-labelledby="sugg-h">
          <h2 id="sugg-h">Suggested times</h2>
          {sugg.data.length === 0 ? (
            <p>No time suits everyone ({sugg.reason || 'unknown reason'}). Try a wider range or fewer attendees.</p>
          ) : (
            <fieldset>
              <legend className="muted">Pick one ({zone})</legend>
              <ul className="suggestions">
                {sugg.data.map((s) => (
                  <li key={s.start}>
                    <label>
                      <input
                        type="radio"
                        name="slot"
                        checked={chosen?.start === s.start}
                        onChange={() => setChosen(s)}
                      />
                      {dateTime(s.start, zone)}–{time(s.end, zone)} · confidence {Math.round(s.confidence)}%
                      {s.rooms && s.rooms.length > 0 && <span className="tag">room {s.rooms[0]}</span>}
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
          )}
          {policy.data ? <PolicySummary policy={policy.data} title="Who approves it (approval policy)" /> : null}
          <button
            type="button"
            className="primary"
            disabled={!chosen || submit.busy}
            onClick={() => void requestApproval()}
          >
            Request approval
          </button>
          <p className="hint">Nothing is sent until the proposal is approved on the Approvals page.</p>
          {submit.error !== undefined && <ErrorBox error={submit.error} />}
        </section>
      )}
    </>
  );
}
