// Admin pages (admins only; the server enforces the role, the app only hides what a person cannot use): users
// (invite, role, deactivate, delete), API keys (created and shown once, revoked), the audit trail (filters, JSON
// lines export) and the platform webhooks (admin-webhooks.tsx).
import { useState, type FormEvent, type MouseEvent } from 'react';
import { api, apiKey } from '../api/client';
import type { Schemas } from 'calbridge/client';
import { Async, ErrorBox, useApi } from '../components/async';
import { dateTime } from '../format';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { WebhooksPage } from './admin-webhooks';

type Role = 'member' | 'approver' | 'admin';
const ROLES: Role[] = ['member', 'approver', 'admin'];

const TABS = [
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/api-keys', label: 'API keys' },
  { to: '/admin/audit', label: 'Audit' },
  { to: '/admin/webhooks', label: 'Webhooks' },
];

export function AdminPage({ path }: { path: string }) {
  const who = useSession();
  if (who.role !== 'admin')
    return (
      <>
        <h1>Admin</h1>
        <p role="alert" className="error">
          Only administrators can see this page.
        </p>
      </>
    );
  const tab = path.replace(/\/+$/, '');
  return (
    <>
      <nav aria-label="Admin" className="admin-tabs">
        <ul>
          {TABS.map((t) => (
            <li key={t.to}>
              <Link to={t.to} aria-current={tab === t.to ? 'page' : undefined}>
                {t.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab === '/admin/api-keys' ? (
        <ApiKeysPage />
      ) : tab === '/admin/audit' ? (
        <AuditPage />
      ) : tab === '/admin/webhooks' ? (
        <WebhooksPage />
      ) : (
        <UsersPage />
      )}
    </>
  );
}

type User = Schemas['User'];

const userStatus = (u: User): string => u.status;
const loadUsers = async (signal: AbortSignal): Promise<User[]> => (await api.get('/api/users', { signal })).users;

function UsersPage() {
  const who = useSession();
  const users = useApi(loadUsers, []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const act = async (what: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(undefined);
    setNotice(null);
    try {
      await what();
      setNotice(done);
      users.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const invite = (e: FormEvent) => {
    e.preventDefault();
    void act(
      () => api.post('/api/users', { body: { email: email.trim(), role } }),
      `Invited ${email.trim()} as ${role}.`,
    ).then(() => setEmail(''));
  };
  return (
    <>
      <h1>Users</h1>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      <form className="card filters" onSubmit={invite} aria-labelledby="invite-h">
        <h2 id="invite-h" style={{ flexBasis: '100%' }}>
          Invite a person
        </h2>
        <label className="field">
          E-mail
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy || !email.trim()}>
          Invite
        </button>
      </form>
      <Async state={users} label="Loading users…">
        {(items) => (
          <div className="table-wrap">
            <table>
              <caption>People of this organisation</caption>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((u) => {
                  const self = u.id === who.userId;
                  const inactive = userStatus(u) === 'deactivated';
                  return (
                    <tr key={u.id}>
                      <th scope="row">
                        {u.displayName ? `${u.displayName} ` : ''}
                        <code>{u.email}</code> {self && <span className="tag">you</span>}
                      </th>
                      <td>
                        <select
                          aria-label={`Role of ${u.email}`}
                          value={u.role}
                          disabled={busy || self}
                          onChange={(e) =>
                            void act(
                              () =>
                                api.patch('/api/users/{id}', {
                                  params: { id: u.id },
                                  body: { role: e.target.value as Role },
                                }),
                              `${u.email} is now ${e.target.value}.`,
                            )
                          }
                        >
                          {ROLES.map((r) => (
                            <option key={r}>{r}</option>
                          ))}
                        </select>
                      </td>
                      <td>{userStatus(u)}</td>
                      <td>
                        {inactive ? (
                          <button
                            type="button"
                            disabled={busy}
                            aria-label={`Reactivate ${u.email}`}
                            onClick={() =>
                              void act(
                                () => api.post('/api/users/{id}/reactivate', { params: { id: u.id } }),
                                `${u.email} was reactivated.`,
                              )
                            }
                          >
                            Reactivate
                          </button>
                        ) : (
                          <button
                            type="button"
                            disabled={busy || self}
                            aria-label={`Deactivate ${u.email}`}
                            onClick={() =>
                              window.confirm(`Deactivate ${u.email}? Their sessions and API keys stop working.`) &&
                              void act(
                                () => api.post('/api/users/{id}/deactivate', { params: { id: u.id } }),
                                `${u.email} was deactivated.`,
                              )
                            }
                          >
                            Deactivate
                          </button>
                        )}{' '}
                        <button
                          type="button"
                          className="danger"
                          disabled={busy || self}
                          aria-label={`Delete ${u.email}`}
                          onClick={() =>
                            window.confirm(
                              `Delete ${u.email}? Their calendar connections and personal data are removed; this cannot be undone.`,
                            ) &&
                            void act(
                              () => api.delete('/api/users/{id}', { params: { id: u.id } }),
                              `${u.email} was deleted.`,
                            )
                          }
                        >
                          Delete
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Async>
    </>
  );
}

type ApiKeyRow = Schemas['ApiKey'];

function ApiKeysPage() {
  const keys = useApi(async (signal): Promise<ApiKeyRow[]> => (await api.get('/api/api-keys', { signal })).apiKeys, []);
  const users = useApi(loadUsers, []);
  const [userId, setUserId] = useState('');
  const [created, setCreated] = useState<{ key: string; email: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const active = (users.data ?? []).filter((u) => u.status === 'active');
  const forUser = userId || active[0]?.id || '';
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setNotice(null);
    try {
      const r = await api.post('/api/api-keys', { body: { userId: forUser } });
      setCreated({ key: r.apiKey, email: r.key?.user?.email ?? '' });
      keys.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (k: ApiKeyRow) => {
    if (!window.confirm(`Revoke the API key ${k.prefix}… of ${k.user.email}? Machines using it stop working.`)) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.delete('/api/api-keys/{id}', { params: { id: k.id } });
      setNotice('The key was revoked.');
      keys.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h1>API keys</h1>
      <p className="hint">
        For machines (a platform’s back end, the command line): a key acts as the user it is issued for. People sign in
        with Microsoft or Google.
      </p>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      <form className="card filters" onSubmit={(e) => void create(e)} aria-labelledby="newkey-h">
        <h2 id="newkey-h" style={{ flexBasis: '100%' }}>
          Create an API key
        </h2>
        <label className="field">
          Acts as
          <select value={forUser} onChange={(e) => setUserId(e.target.value)} required>
            {active.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName ? `${u.displayName} (${u.email})` : u.email}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy || !forUser}>
          Create key
        </button>
      </form>
      {created && (
        <div className="card" role="status" aria-labelledby="created-h">
          <h2 id="created-h">New API key{created.email ? ` for ${created.email}` : ''}</h2>
          <p>Copy it now: it is shown only once.</p>
          <label className="field">
            The new key
            <input readOnly value={created.key} onFocus={(e) => e.target.select()} />
          </label>
          <button type="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      <Async state={keys} label="Loading API keys…">
        {(items) =>
          items.length === 0 ? (
            <p>No API keys.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>API keys</caption>
                <thead>
                  <tr>
                    <th scope="col">Key</th>
                    <th scope="col">Acts as</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((k) => (
                    <tr key={k.id}>
                      <th scope="row">
                        <code>cbk_{k.prefix}…</code>
                      </th>
                      <td>{k.user.email}</td>
                      <td>{dateTime(k.createdAt)}</td>
                      <td>{k.lastUsedAt ? dateTime(k.lastUsedAt) : 'never'}</td>
                      <td>
                        {k.revokedAt ? (
                          `revoked ${dateTime(k.revokedAt)}`
                        ) : (
                          <button
                            type="button"
                            className="danger"
                            disabled={busy}
                            aria-label={`Revoke key ${k.prefix} of ${k.user.email}`}
                            onClick={() => void revoke(k)}
                          >
                            Revoke
                          </button>
                        )}
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

type AuditRow = Schemas['AuditEntry'];

const FILTERS = ['action', 'actor', 'targetType', 'since', 'until'] as const;
type Filter = (typeof FILTERS)[number];

/**
 * The export link works by itself with a session cookie; signed in with an API key (kept in this tab, not a cookie)
 * the file is fetched with the key and saved from memory.
 */
async function exportWithKey(e: MouseEvent<HTMLAnchorElement>, url: string): Promise<void> {
  const key = apiKey.get();
  if (!key) return;
  e.preventDefault();
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) return;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await res.blob());
  link.download = 'audit.jsonl';
  link.click();
  URL.revokeObjectURL(link.href);
}

function AuditPage() {
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? ''])) as Record<Filter, string>;
  const [form, setForm] = useState(filters);
  const key = JSON.stringify(filters);
  // since/until are local date-times in the form, instants in the API
  const q: Record<string, string> = Object.fromEntries(
    Object.entries(filters)
      .filter(([, v]) => v)
      .map(([k, v]) => [k, k === 'since' || k === 'until' ? new Date(v).toISOString() : v]),
  );
  const users = useApi(loadUsers, []);
  const emailOf = (id: string) => users.data?.find((u) => u.id === id)?.email ?? id;
  const rows = useApi(
    async (signal): Promise<AuditRow[]> =>
      (await api.get('/api/audit', { signal, query: { ...q, limit: 200 } })).entries,
    [key],
  );
  const exportUrl = `/api/audit/export${Object.keys(q).length ? `?${new URLSearchParams(q).toString()}` : ''}`;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const p = new URLSearchParams(Object.entries(form).filter(([, v]) => v));
    navigate(`/admin/audit${p.size ? `?${p.toString()}` : ''}`, { replace: true });
  };
  const field = (k: Filter) => ({
    value: form[k],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value }),
  });
  return (
    <>
      <h1>Audit</h1>
      <form className="card filters" onSubmit={apply} aria-label="Audit filters">
        <label className="field">
          Action
          <input {...field('action')} placeholder="e.g. proposal.approved" />
        </label>
        <label className="field">
          Who
          <select {...field('actor')}>
            <option value="">anyone</option>
            <option value="system">system</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.email}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          On (type)
          <input {...field('targetType')} placeholder="e.g. user, proposal" />
        </label>
        <label className="field">
          From
          <input type="datetime-local" {...field('since')} />
        </label>
        <label className="field">
          Until
          <input type="datetime-local" {...field('until')} />
        </label>
        <button type="submit">Filter</button>
        <a className="button" href={exportUrl} download="audit.jsonl" onClick={(e) => void exportWithKey(e, exportUrl)}>
          Export JSON lines
        </a>
      </form>
      <Async state={rows} label="Loading the audit trail…">
        {(items) =>
          items.length === 0 ? (
            <p>Nothing recorded for these filters.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Who did what (newest first)</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">On</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => (
                    <tr key={r.id}>
                      <td>{dateTime(r.createdAt)}</td>
                      <td>{emailOf(r.actor)}</td>
                      <th scope="row">
                        <code>{r.action}</code>
                      </th>
                      <td>{[r.targetType, r.targetId].filter(Boolean).join(' ') || '—'}</td>
                      <td>{Object.keys(r.details ?? {}).length ? <code>{JSON.stringify(r.details)}</code> : '—'}</td>
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
