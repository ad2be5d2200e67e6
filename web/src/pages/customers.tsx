// Customers: list with engagement score and trend; a customer's metrics, stakeholders, meetings and "Schedule meeting".
import { useState } from 'react';
import { api, type ResponseOf } from '../api/client';
import { Async, useApi } from '../components/async';
import { WeeklyChart } from '../components/chart';
import { dateTime } from '../format';
import { Link } from '../router';

type Customer = ResponseOf<'/api/customers/{id}', 'get'>;
type Health = ResponseOf<'/api/customers/{id}/health-signals', 'get'>;
type CustomerMeeting = ResponseOf<'/api/customers/{id}/meetings', 'get'>['items'][number];
type TrendValue = 'up' | 'down' | 'flat';

/** The trend in words and a shape, so it reads without colour. */
function Trend({ value }: { value: TrendValue | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  if (value === 'up') return <span className="good">▲ up</span>;
  if (value === 'down') return <span className="bad">▼ down</span>;
  return <span>▬ flat</span>;
}

export function CustomersPage() {
  const [search, setSearch] = useState('');
  const scores = useApi((signal) => api.get('/api/customers/scores', { signal }), []);
  const byId = new Map((scores.data?.items ?? []).map((x) => [x.customerId, x]));
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
                      <td>{byId.get(c.id)?.score ?? (scores.error !== undefined ? 'n/a' : '…')}</td>
                      <td>
                        <Trend value={byId.get(c.id)?.trend} />
                      </td>
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

function MetricsPanel({ h }: { h: Health }) {
  const m = h.metrics;
  return (
    <>
      <dl className="facts">
        <dt>Engagement score</dt>
        <dd>
          <strong className="score">{h.score}</strong> / 100 · <Trend value={h.trend} />
        </dd>
        <dt>Last meeting</dt>
        <dd>{dateTime(m.lastMeeting?.start)}</dd>
        <dt>Next meeting</dt>
        <dd>{dateTime(m.nextMeeting?.start)}</dd>
        {m.windows.map((w) => (
          <div key={w.days} className="fact-row">
            <dt>Last {w.days} days</dt>
            <dd>
              {w.meetings} meetings ({w.change >= 0 ? '+' : ''}
              {w.change} vs previous), {Math.round(w.totalMinutes / 60)} h, {w.stakeholdersMet} stakeholders met
            </dd>
          </div>
        ))}
      </dl>
      <WeeklyChart points={m.weekly} />
      <details>
        <summary>How the score is made</summary>
        <table>
          <caption>Score factors</caption>
          <thead>
            <tr>
              <th scope="col">Factor</th>
              <th scope="col">Points</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {h.factors.map((f) => (
              <tr key={f.name}>
                <th scope="row">{f.name}</th>
                <td>{f.value === null ? 'n/a' : f.contribution.toFixed(1)}</td>
                <td>{f.explanation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

function MeetingList({ items, empty }: { items: CustomerMeeting[]; empty: string }) {
  if (items.length === 0) return <p>{empty}</p>;
  return (
    <ul className="meetings">
      {items.map((m) => (
        <li key={m.id}>
          <span className="when">{dateTime(m.start)}</span> <span>{m.subject || '(no subject)'}</span>
          {m.isCancelled && <span className="tag">cancelled</span>}
          {m.customer.manual && <span className="tag">set by hand</span>}
        </li>
      ))}
    </ul>
  );
}

function Meetings({ id }: { id: string }) {
  const upcoming = useApi(
    (signal) =>
      api.get('/api/customers/{id}/meetings', { params: { id }, query: { when: 'upcoming', limit: 20 }, signal }),
    [id],
  );
  const past = useApi(
    (signal) => api.get('/api/customers/{id}/meetings', { params: { id }, query: { when: 'past', limit: 20 }, signal }),
    [id],
  );
  return (
    <div className="two-col">
      <section aria-labelledby="up-h">
        <h3 id="up-h">Upcoming meetings</h3>
        <Async state={upcoming} label="Loading meetings…">
          {(d) => <MeetingList items={d.items} empty="Nothing scheduled." />}
        </Async>
      </section>
      <section aria-labelledby="past-h">
        <h3 id="past-h">Past meetings</h3>
        <Async state={past} label="Loading meetings…">
          {(d) => <MeetingList items={d.items} empty="No past meetings found." />}
        </Async>
      </section>
    </div>
  );
}

function CustomerView({ c }: { c: Customer }) {
  const metrics = useApi(
    (signal) => api.get('/api/customers/{id}/health-signals', { params: { id: c.id }, signal }),
    [c.id],
  );
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
          {(h) => <MetricsPanel h={h} />}
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
