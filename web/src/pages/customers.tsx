// Customers: list with engagement score and trend; a customer's metrics, stakeholders, meetings and "Schedule meeting".
import { useState } from 'react';
import { api, type ResponseOf } from '../api/client';
import { customerMeetings, customerMetrics, joinUrl, type Meeting, type Metrics } from '../api/pending';
import { Async, ErrorBox, Loading, useApi } from '../components/async';
import { WeeklyChart } from '../components/chart';
import { dateTime } from '../format';
import { Link } from '../router';

type Customer = ResponseOf<'/api/customers/{id}', 'get'>;

function Trend({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">—</span>;
  if (value > 0)
    return (
      <span className="good" aria-label={`up ${value}`}>
        ▲ +{value}
      </span>
    );
  if (value < 0)
    return (
      <span className="bad" aria-label={`down ${-value}`}>
        ▼ {value}
      </span>
    );
  return <span aria-label="flat">▬ 0</span>;
}

function ScoreCell({ id }: { id: string }) {
  const m = useApi((signal) => customerMetrics(id, signal), [id]);
  if (m.loading)
    return (
      <td colSpan={2}>
        <span className="muted">…</span>
      </td>
    );
  if (m.error !== undefined || !m.data)
    return (
      <td colSpan={2} className="muted">
        not available
      </td>
    );
  return (
    <>
      <td>{m.data.score ?? '—'}</td>
      <td>
        <Trend value={m.data.trend} />
      </td>
    </>
  );
}

export function CustomersPage() {
  const [search, setSearch] = useState('');
  const customers = useApi(
    (signal) => api.get('/api/customers', { query: { limit: 200, ...(search ? { search } : {}) }, signal }),
    [search],
  );
  return (
    <>
      <h1>Customers</h1>
      <label className="field">
        Search customers
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name…" />
      </label>
      <Async state={customers} label="Loading customers…">
        {({ items }) =>
          items.length === 0 ? (
            <p>No customers yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Customers with engagement score (0–100) and 30-day trend</caption>
                <thead>
                  <tr>
                    <th scope="col">Customer</th>
                    <th scope="col">Domains</th>
                    <th scope="col">Stakeholders</th>
                    <th scope="col">Engagement</th>
                    <th scope="col">Trend</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">
                        <Link to={`/customers/${c.id}`}>{c.name}</Link>
                      </th>
                      <td>{c.domains.join(', ') || '—'}</td>
                      <td>{c.stakeholders.length}</td>
                      <ScoreCell id={c.id} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
    </>
  );
}

function MetricsPanel({ m }: { m: Metrics }) {
  return (
    <>
      <dl className="facts">
        <dt>Engagement score</dt>
        <dd>
          <strong className="score">{m.score ?? '—'}</strong> / 100 <Trend value={m.trend} />
        </dd>
        <dt>Last meeting</dt>
        <dd>{dateTime(m.lastMeeting)}</dd>
        <dt>Next meeting</dt>
        <dd>{dateTime(m.nextMeeting)}</dd>
        {m.windows.map((w) => (
          <div key={w.days} className="fact-row">
            <dt>Last {w.days} days</dt>
            <dd>
              {w.meetings} meetings{w.totalMinutes !== undefined && `, ${Math.round(w.totalMinutes / 60)} h`}
              {w.stakeholdersMet !== undefined && `, ${w.stakeholdersMet} stakeholders met`}
            </dd>
          </div>
        ))}
      </dl>
      <WeeklyChart points={m.weekly} />
    </>
  );
}

function MeetingList({ items, empty }: { items: Meeting[]; empty: string }) {
  if (items.length === 0) return <p>{empty}</p>;
  return (
    <ul className="meetings">
      {items.map((m) => (
        <li key={m.id}>
          <span className="when">{dateTime(m.start)}</span> <span>{m.subject || '(no subject)'}</span>
          {joinUrl(m) && (
            <a className="join" href={joinUrl(m)!} target="_blank" rel="noopener noreferrer">
              Join Teams
            </a>
          )}
        </li>
      ))}
    </ul>
  );
}

function Meetings({ id }: { id: string }) {
  const meetings = useApi((signal) => customerMeetings(id, signal), [id]);
  if (meetings.loading && !meetings.data) return <Loading label="Loading meetings…" />;
  if (meetings.error !== undefined) return <ErrorBox error={meetings.error} retry={meetings.reload} />;
  const now = Date.now();
  const all = meetings.data ?? [];
  const upcoming = all.filter((m) => Date.parse(m.start) >= now).sort((a, b) => a.start.localeCompare(b.start));
  const past = all.filter((m) => Date.parse(m.start) < now).sort((a, b) => b.start.localeCompare(a.start));
  return (
    <div className="two-col">
      <section aria-labelledby="up-h">
        <h3 id="up-h">Upcoming meetings</h3>
        <MeetingList items={upcoming} empty="Nothing scheduled." />
      </section>
      <section aria-labelledby="past-h">
        <h3 id="past-h">Past meetings</h3>
        <MeetingList items={past.slice(0, 20)} empty="No past meetings found." />
      </section>
    </div>
  );
}

function CustomerView({ c }: { c: Customer }) {
  const metrics = useApi((signal) => customerMetrics(c.id, signal), [c.id]);
  return (
    <>
      <div className="page-head">
        <h1>{c.name}</h1>
        <Link className="button primary" to={`/schedule?customer=${c.id}`}>
          Schedule meeting
        </Link>
      </div>
      <p className="muted">Domains: {c.domains.join(', ') || '—'}</p>
      <section className="card" aria-labelledby="metrics-h">
        <h2 id="metrics-h">Engagement</h2>
        <Async state={metrics} label="Loading metrics…">
          {(m) => <MetricsPanel m={m} />}
        </Async>
      </section>
      <section className="card" aria-labelledby="sh-h">
        <h2 id="sh-h">Stakeholders</h2>
        {c.stakeholders.length === 0 ? (
          <p>No stakeholders recorded.</p>
        ) : (
          <ul className="people">
            {c.stakeholders.map((s) => (
              <li key={s.id}>
                <strong>{s.name ?? s.email}</strong> {s.role && <span className="tag">{s.role}</span>}{' '}
                <code>{s.email}</code>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="mt-h">
        <h2 id="mt-h">Meetings</h2>
        <Meetings id={c.id} />
      </section>
    </>
  );
}

export function CustomerPage({ id }: { id: string }) {
  const customer = useApi((signal) => api.get('/api/customers/{id}', { params: { id }, signal }), [id]);
  return (
    <>
      <p>
        <Link to="/customers">← Customers</Link>
      </p>
      <Async state={customer} label="Loading customer…">
        {(c) => <CustomerView c={c} />}
      </Async>
    </>
  );
}
