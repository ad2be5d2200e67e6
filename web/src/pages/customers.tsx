// Customers: a sortable list with health band, trend and last contact; a customer's engagement (factor bars, score
// over time), stakeholders (add one from any meeting attendee), meetings with why each counts and a one-click
// correction that sticks through later syncs; create and edit with a live preview (customer-form.tsx).
import { useState, type FormEvent } from 'react';
import { api, type ResponseOf } from '../api/client';
import { ErrorBox, Loading } from '../components/async';
import { WeeklyChart } from '../components/chart';
import { dateTime, relative } from '../format';
import { invalidateApi, useApiQuery } from '../query';
import { Link, navigate, useLocation } from '../router';
import { announce } from '../shell/announce';
import { usePageTitle } from '../shell/page';
import { BandBadge, FactorBars, ScoreHistoryChart, type Band } from './customer-charts';
import { CustomerForm } from './customer-form';
import './customers.css';

type Customer = ResponseOf<'/api/customers/{id}', 'get'>;
type Health = ResponseOf<'/api/customers/{id}/health-signals', 'get'>;
type CustomerMeeting = ResponseOf<'/api/customers/{id}/meetings', 'get'>['items'][number];
type Score = ResponseOf<'/api/customers/scores', 'get'>['items'][number];
type TrendValue = 'up' | 'down' | 'flat';

/** The trend in words and a shape, so it reads without colour. */
function Trend({ value }: { value: TrendValue | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  if (value === 'up') return <span className="good">▲ up</span>;
  if (value === 'down') return <span className="bad">▼ down</span>;
  return <span>▬ flat</span>;
}

type SortKey = 'name' | 'health' | 'trend' | 'last';
/** The columns that sort, and the API's name of each order (GET /api/customers?sort=…: the server sorts and pages). */
const SORTS: Array<{ key: SortKey; label: string; api: 'name' | 'health' | 'trend' | 'lastContact' }> = [
  { key: 'name', label: 'Customer', api: 'name' },
  { key: 'health', label: 'Health', api: 'health' },
  { key: 'trend', label: 'Trend', api: 'trend' },
  { key: 'last', label: 'Last contact', api: 'lastContact' },
];

interface Row {
  c: Customer;
  s: Score | undefined;
}

/** The list: search and sort live in the URL (?q=…&sort=health&dir=asc), so a reload or a shared link keeps them. */
export function CustomersPage() {
  const { query } = useLocation();
  const search = query.get('q') ?? '';
  const sort = (SORTS.find((s) => s.key === query.get('sort'))?.key ?? 'health') as SortKey;
  const dir = query.get('dir') === 'desc' ? 'desc' : 'asc';
  const [draft, setDraft] = useState(search);
  const scores = useApiQuery('/api/customers/scores', {});
  const order = SORTS.find((s) => s.key === sort)!.api;
  // sorted by the server (health, trend and last contact from the same scores as the columns show), in the URL's order
  const customers = useApiQuery(
    '/api/customers',
    { query: { limit: 200, sort: order, order: dir, ...(search ? { search } : {}) } },
    { placeholderData: (previous) => previous },
  );
  const setQuery = (next: Record<string, string>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(next)) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    const s = q.toString();
    navigate(`/customers${s ? `?${s}` : ''}`, { replace: true });
  };
  const byId = new Map((scores.data?.items ?? []).map((x) => [x.customerId, x]));
  const rows: Row[] = (customers.data?.items ?? []).map((c) => ({ c, s: byId.get(c.id) }));
  const scoreCell = (s: Score | undefined) =>
    s ? (
      <>
        <BandBadge band={s.band as Band} /> <span className="score-num">{s.score}</span>
      </>
    ) : scores.error ? (
      <span className="muted">not available</span>
    ) : (
      <span className="muted">…</span>
    );
  return (
    <>
      <div className="page-head">
        <h1>Customers</h1>
        <Link className="button primary" to="/customers/new">
          New customer
        </Link>
      </div>
      <form
        role="search"
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: draft.trim() });
        }}
      >
        <label className="field">
          Search customers
          <input
            type="search"
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              setQuery({ q: e.target.value.trim() });
            }}
            placeholder="Name…"
          />
        </label>
      </form>
      {customers.error !== null && customers.data === undefined ? (
        <ErrorBox error={customers.error} retry={() => void customers.refetch()} />
      ) : customers.data === undefined ? (
        <Loading label="Loading customers…" />
      ) : rows.length === 0 ? (
        search ? (
          <p role="status">No customer matches “{search}”.</p>
        ) : (
          <div className="card">
            <p>
              No customers yet. A customer groups the meetings with one company: by its e-mail domains, its people and
              subject keywords.
            </p>
            <Link className="button primary" to="/customers/new">
              Create your first customer
            </Link>
          </div>
        )
      ) : (
        <div className="table-wrap">
          {/* busy while the server sorts or searches: the rows shown are still the previous order's */}
          <table className="customer-list" aria-busy={customers.isPlaceholderData}>
            <caption>
              Customers with health (engagement score 0–100), 30-day trend and last contact. Sorted by{' '}
              {SORTS.find((s) => s.key === sort)!.label.toLowerCase()}, {dir === 'asc' ? 'ascending' : 'descending'}.
            </caption>
            <thead>
              <tr>
                {SORTS.map((s) => (
                  <th
                    key={s.key}
                    scope="col"
                    aria-sort={sort === s.key ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() => setQuery({ sort: s.key, dir: sort === s.key && dir === 'asc' ? 'desc' : 'asc' })}
                    >
                      {s.label}
                      <span aria-hidden="true">{sort === s.key ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                    </button>
                  </th>
                ))}
                <th scope="col">Domains</th>
                <th scope="col">Stakeholders</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ c, s }) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/customers/${c.id}`}>{c.name}</Link>
                  </th>
                  <td>{scoreCell(s)}</td>
                  <td>
                    <Trend value={s?.trend} />
                  </td>
                  <td>
                    {s?.lastContact ? (
                      <time dateTime={s.lastContact} title={dateTime(s.lastContact)}>
                        {relative(s.lastContact)}
                      </time>
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </td>
                  <td>{c.domains.join(', ') || '—'}</td>
                  <td>{c.stakeholders.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function MetricsPanel({ h, id }: { h: Health; id: string }) {
  const m = h.metrics;
  const days = 90;
  const history = useApiQuery('/api/customers/{id}/score-history', { params: { id }, query: { days } });
  return (
    <>
      <dl className="facts">
        <dt>Engagement score</dt>
        <dd>
          <strong className="score">{h.score}</strong> / 100 · <BandBadge band={h.band as Band} /> ·{' '}
          <Trend value={h.trend} />
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
      <FactorBars factors={h.factors} />
      {history.data ? (
        <ScoreHistoryChart items={history.data.items} days={days} />
      ) : history.error ? (
        <ErrorBox error={history.error} retry={() => void history.refetch()} />
      ) : (
        <Loading label="Loading the score history…" />
      )}
      <WeeklyChart points={m.weekly} />
    </>
  );
}

const REASONS: Record<string, string> = {
  domain: 'Domain match',
  stakeholder: 'Known stakeholder',
  subject: 'Subject keyword',
  manual: 'Set by hand',
  manual_none: 'Marked not a customer meeting',
  none: 'No match',
};

/** Why the meeting counts for this customer: the reason, the confidence and the evidence. */
function Why({ m, customerId }: { m: CustomerMeeting; customerId: string }) {
  const mine = m.customer.candidates.find((c) => c.customerId === customerId);
  const evidence = (mine?.evidence ?? []).filter((e) => e !== 'associated manually');
  const reason = m.customer.customerId === customerId ? m.customer.reason : (mine?.reason ?? null);
  const confidence = m.customer.customerId === customerId ? m.customer.confidence : (mine?.confidence ?? null);
  return (
    <div className="why">
      <span className={`reason reason-${reason ?? 'none'}`}>{REASONS[reason ?? 'none'] ?? reason}</span>
      {confidence !== null && <span>{Math.round(confidence * 100)}% confidence</span>}
      {evidence.length > 0 && <span className="muted">{evidence.join('; ')}</span>}
    </div>
  );
}

/** A meeting's attendees, each a one-click stakeholder unless they are one already. */
function Attendees({ m, customer }: { m: CustomerMeeting; customer: Customer }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const known = new Set(customer.stakeholders.map((s) => s.email.toLowerCase()));
  const people = m.attendees.filter((a) => a.type !== 'resource');
  if (people.length === 0) return null;
  const add = async (email: string, name: string | null) => {
    setBusy(email);
    setFailure(null);
    try {
      await api.post('/api/customers/{id}/stakeholders', { params: { id: customer.id }, body: { email, name } });
      await invalidateApi('/api/customers', '/api/meetings');
      announce(`${name ?? email} is now a stakeholder of ${customer.name}.`);
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <details>
      <summary>Attendees ({people.length})</summary>
      <ul>
        {people.map((a) => (
          <li key={a.email}>
            <span>{a.name ? `${a.name} <${a.email}>` : a.email}</span>
            {known.has(a.email.toLowerCase()) ? (
              <span className="tag">stakeholder</span>
            ) : (
              <button
                type="button"
                disabled={busy !== null}
                aria-label={`Add ${a.name ?? a.email} as a stakeholder`}
                onClick={() => void add(a.email, a.name)}
              >
                Add as stakeholder
              </button>
            )}
          </li>
        ))}
      </ul>
      {failure !== null && <ErrorBox error={failure} />}
    </details>
  );
}

interface Undo {
  meetingId: string;
  text: string;
}

/** A list of meetings with why each counts and the correction buttons. `candidates`: meetings that might be it. */
function MeetingRows({
  items,
  customer,
  candidates,
  onUndoable,
}: {
  items: CustomerMeeting[];
  customer: Customer;
  candidates?: boolean;
  onUndoable: (u: Undo) => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const correct = async (m: CustomerMeeting, to: string | null | 'auto') => {
    setBusy(m.id);
    setFailure(null);
    try {
      if (to === 'auto') await api.delete('/api/meetings/{id}/customer', { params: { id: m.id } });
      else await api.post('/api/meetings/{id}/customer', { params: { id: m.id }, body: { customerId: to } });
      await invalidateApi('/api/customers', '/api/meetings');
      const subject = m.subject || '(no subject)';
      const text =
        to === null
          ? `“${subject}” no longer counts for ${customer.name}.`
          : to === 'auto'
            ? `“${subject}” is detected automatically again.`
            : `“${subject}” now counts for ${customer.name}.`;
      announce(text);
      if (to === null) onUndoable({ meetingId: m.id, text });
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      {failure !== null && <ErrorBox error={failure} />}
      <ul className="cmeetings">
        {items.map((m) => {
          const subject = m.subject || '(no subject)';
          return (
            <li key={m.id} data-meeting={m.id}>
              <div>
                <span className="when">{dateTime(m.start)}</span> <strong>{subject}</strong>
                {m.isCancelled && <span className="tag">cancelled</span>}
                {m.onSharedCalendar && <span className="tag">shared calendar</span>}
              </div>
              <Why m={m} customerId={customer.id} />
              {candidates && (
                <p className="muted">
                  {m.customer.reason === 'manual_none'
                    ? 'Marked by hand as not a customer meeting.'
                    : m.customer.customerId
                      ? 'Counts for another customer.'
                      : 'Not counted for any customer.'}
                </p>
              )}
              <div className="row-actions">
                {candidates ? (
                  <button
                    type="button"
                    disabled={busy !== null}
                    aria-label={`This is ${customer.name}: ${subject}`}
                    onClick={() => void correct(m, customer.id)}
                  >
                    This is {customer.name}
                  </button>
                ) : (
                  <button
                    type="button"
                    disabled={busy !== null}
                    aria-label={`Not ${customer.name}: ${subject}`}
                    onClick={() => void correct(m, null)}
                  >
                    Not {customer.name}
                  </button>
                )}
                {m.customer.manual && (
                  <button
                    type="button"
                    disabled={busy !== null}
                    aria-label={`Detect automatically: ${subject}`}
                    onClick={() => void correct(m, 'auto')}
                  >
                    Detect automatically
                  </button>
                )}
                <Attendees m={m} customer={customer} />
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}

function MeetingSection({
  customer,
  when,
  match,
  title,
  empty,
  onUndoable,
}: {
  customer: Customer;
  when: 'past' | 'upcoming';
  match: 'customer' | 'candidate';
  title: string;
  empty: string;
  onUndoable: (u: Undo) => void;
}) {
  const q = useApiQuery('/api/customers/{id}/meetings', {
    params: { id: customer.id },
    query: { when, match, limit: 20 },
  });
  const hid = `${when}-${match}-h`;
  if (match === 'candidate' && q.data?.items.length === 0) return null;
  return (
    <section aria-labelledby={hid}>
      <h3 id={hid}>
        {title}
        {q.data && q.data.total > q.data.items.length ? ` (${q.data.items.length} of ${q.data.total})` : ''}
      </h3>
      {q.data ? (
        q.data.items.length === 0 ? (
          <p>{empty}</p>
        ) : (
          <MeetingRows
            items={q.data.items}
            customer={customer}
            candidates={match === 'candidate'}
            onUndoable={onUndoable}
          />
        )
      ) : q.error ? (
        <ErrorBox error={q.error} retry={() => void q.refetch()} />
      ) : (
        <Loading label="Loading meetings…" />
      )}
    </section>
  );
}

function Meetings({ customer }: { customer: Customer }) {
  const [undo, setUndo] = useState<Undo | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const doUndo = async (u: Undo) => {
    setFailure(null);
    try {
      await api.delete('/api/meetings/{id}/customer', { params: { id: u.meetingId } });
      await invalidateApi('/api/customers', '/api/meetings');
      setUndo(null);
      announce('Undone: the meeting is detected automatically again.');
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <>
      {undo && (
        <div className="success" role="status">
          {undo.text} It stays so through later syncs.{' '}
          <button type="button" onClick={() => void doUndo(undo)}>
            Undo
          </button>
        </div>
      )}
      {failure !== null && <ErrorBox error={failure} />}
      <MeetingSection
        customer={customer}
        when="upcoming"
        match="customer"
        title="Upcoming meetings"
        empty="Nothing scheduled."
        onUndoable={setUndo}
      />
      <MeetingSection
        customer={customer}
        when="past"
        match="customer"
        title="Past meetings"
        empty="No past meetings found."
        onUndoable={setUndo}
      />
      <MeetingSection
        customer={customer}
        when="past"
        match="candidate"
        title={`Might be ${customer.name}`}
        empty=""
        onUndoable={setUndo}
      />
      <MeetingSection
        customer={customer}
        when="upcoming"
        match="candidate"
        title={`Upcoming, might be ${customer.name}`}
        empty=""
        onUndoable={setUndo}
      />
    </>
  );
}

/** A stakeholder's role (free text; "VP", "CEO", "Executive sponsor" count as executive presence in the score). */
function RoleEditor({ c, s }: { c: Customer; s: Customer['stakeholders'][number] }) {
  const [role, setRole] = useState(s.role ?? '');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const label = s.name ?? s.email;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await api.post('/api/customers/{id}/stakeholders', {
        params: { id: c.id },
        body: { email: s.email, name: s.name, role: role.trim() || null },
      });
      await invalidateApi('/api/customers');
      announce(`Role of ${label} saved.`);
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <details className="role-editor">
      <summary>
        Role<span className="sr-only"> of {label}</span>
      </summary>
      <form onSubmit={(e) => void save(e)}>
        <label>
          <span className="sr-only">Role of {label}</span>
          <input
            value={role}
            maxLength={100}
            placeholder="e.g. VP Operations"
            onChange={(e) => setRole(e.target.value)}
          />
        </label>{' '}
        <button type="submit" disabled={busy}>
          Save role<span className="sr-only"> of {label}</span>
        </button>
      </form>
      {failure !== null && <ErrorBox error={failure} />}
    </details>
  );
}

function Stakeholders({ c }: { c: Customer }) {
  const [failure, setFailure] = useState<unknown>(null);
  const remove = async (id: string, label: string) => {
    setFailure(null);
    try {
      await api.delete('/api/customers/{id}/stakeholders/{stakeholderId}', {
        params: { id: c.id, stakeholderId: id },
      });
      await invalidateApi('/api/customers', '/api/meetings');
      announce(`${label} removed from the stakeholders.`);
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <section className="card" aria-labelledby="sh-h">
      <h2 id="sh-h">Stakeholders</h2>
      {failure !== null && <ErrorBox error={failure} />}
      {c.stakeholders.length === 0 ? (
        <p>No stakeholders yet. Open a meeting’s attendees below and choose “Add as stakeholder”.</p>
      ) : (
        <ul className="people">
          {c.stakeholders.map((s) => (
            <li key={s.id}>
              <strong>{s.name ?? s.email}</strong> {s.role && <span className="tag">{s.role}</span>}{' '}
              <code>{s.email}</code> <RoleEditor key={`${s.id}:${s.role ?? ''}`} c={c} s={s} />{' '}
              <button
                type="button"
                className="link"
                aria-label={`Remove ${s.name ?? s.email}`}
                onClick={() => void remove(s.id, s.name ?? s.email)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function CustomerView({ c }: { c: Customer }) {
  usePageTitle(c.name);
  const metrics = useApiQuery('/api/customers/{id}/health-signals', { params: { id: c.id } });
  return (
    <>
      <div className="page-head">
        <h1>{c.name}</h1>
        <div className="actions">
          <Link className="button" to={`/customers/${c.id}?edit=1`}>
            Edit
          </Link>
          <Link className="button primary" to={`/schedule?customer=${c.id}`}>
            Schedule meeting
          </Link>
        </div>
      </div>
      <p className="muted">
        Domains: {c.domains.join(', ') || '—'} · Subject keywords: {c.subjectPatterns.join(', ') || '—'}
      </p>
      <section className="card" aria-labelledby="metrics-h">
        <h2 id="metrics-h">Engagement</h2>
        {metrics.data ? (
          <MetricsPanel h={metrics.data} id={c.id} />
        ) : metrics.error ? (
          <ErrorBox error={metrics.error} retry={() => void metrics.refetch()} />
        ) : (
          <Loading label="Loading metrics…" />
        )}
      </section>
      <Stakeholders c={c} />
      <section className="card" aria-labelledby="mt-h">
        <h2 id="mt-h">Meetings</h2>
        <p className="muted">
          Why each meeting counts: a domain or a known stakeholder among the attendees, a subject keyword, or your
          choice. A correction you make stays through later syncs.
        </p>
        <Meetings customer={c} />
      </section>
    </>
  );
}

/** /customers/new (create), /customers/:id (the customer), /customers/:id?edit=1 (edit). */
export function CustomerPage({ id }: { id: string }) {
  const { query } = useLocation();
  const isNew = id === 'new';
  const customer = useApiQuery('/api/customers/{id}', { params: { id } }, { enabled: !isNew });
  const editing = !isNew && query.get('edit') === '1';
  usePageTitle(isNew ? 'New customer' : editing && customer.data ? `Edit ${customer.data.name}` : null);
  return (
    <>
      <p>
        <Link to="/customers">← Customers</Link>
      </p>
      {isNew ? (
        <>
          <h1>New customer</h1>
          <CustomerForm />
        </>
      ) : customer.data ? (
        editing ? (
          <>
            <h1>Edit {customer.data.name}</h1>
            <CustomerForm key={customer.data.id} customer={customer.data} />
          </>
        ) : (
          <CustomerView c={customer.data} />
        )
      ) : customer.error ? (
        <ErrorBox error={customer.error} retry={() => void customer.refetch()} />
      ) : (
        <Loading label="Loading customer…" />
      )}
    </>
  );
}
