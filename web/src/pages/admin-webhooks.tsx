// Admin → Webhooks: the tenant's platform webhook endpoints (create with the secret shown once, enable or disable,
// rotate the secret, delete), "Send test event", and an endpoint's delivery log with a Replay button per delivery.
// docs/webhooks.md describes the events and the signature.
import { useState, type FormEvent } from 'react';
import { request } from '../api/client';
import { Async, ErrorBox, useApi } from '../components/async';
import { dateTime } from '../format';

interface Endpoint {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  secretRotatedAt: string;
}

interface Delivery {
  id: string;
  eventType: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextRetryAt: string | null;
  replayOf: string | null;
  createdAt: string;
}

interface EventType {
  type: string;
  description: string;
}

export function WebhooksPage() {
  const endpoints = useApi(
    async (signal) => (await request<{ items: Endpoint[] }>('GET', '/api/webhook-endpoints', { signal })).items,
    [],
  );
  const types = useApi(
    async (signal) =>
      (await request<{ items: EventType[] }>('GET', '/api/webhook-endpoints/event-types', { signal })).items.filter(
        (t) => t.type !== 'webhook.test',
      ),
    [],
  );
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [secret, setSecret] = useState<{ secret: string; url: string } | null>(null);
  const [open, setOpen] = useState<Endpoint | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const act = async (what: () => Promise<unknown>, done: string | null) => {
    setBusy(true);
    setError(undefined);
    setNotice(null);
    try {
      await what();
      if (done) setNotice(done);
      endpoints.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const r = await request<{ endpoint: Endpoint; secret: string }>('POST', '/api/webhook-endpoints', {
        body: { url, ...(description ? { description } : {}), eventTypes: chosen },
      });
      setSecret({ secret: r.secret, url: r.endpoint.url });
      setUrl('');
      setDescription('');
      setChosen([]);
    }, null);
  };

  return (
    <>
      <h1>Webhooks</h1>
      <p className="hint">
        calbridge posts signed events to these URLs (see the webhooks guide for the signature and every event type).
      </p>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      <form className="card filters" onSubmit={create} aria-labelledby="newhook-h">
        <h2 id="newhook-h" style={{ flexBasis: '100%' }}>
          Add an endpoint
        </h2>
        <label className="field">
          URL
          <input type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" />
        </label>
        <label className="field">
          Description
          <input value={description} maxLength={200} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <fieldset style={{ flexBasis: '100%' }}>
          <legend>Events (none chosen: all)</legend>
          {(types.data ?? []).map((t) => (
            <label key={t.type} title={t.description} style={{ marginRight: '1em' }}>
              <input
                type="checkbox"
                checked={chosen.includes(t.type)}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, t.type] : c.filter((x) => x !== t.type)))}
              />{' '}
              {t.type}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>
          Add endpoint
        </button>
      </form>
      {secret && (
        <div className="card" role="status" aria-labelledby="secret-h">
          <h2 id="secret-h">Signing secret for {secret.url}</h2>
          <p>Copy it now: it is shown only once.</p>
          <label className="field">
            The signing secret
            <input readOnly value={secret.secret} onFocus={(e) => e.target.select()} />
          </label>
          <button type="button" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </div>
      )}
      <Async state={endpoints} label="Loading endpoints…">
        {(items) =>
          items.length === 0 ? (
            <p>No endpoints.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Endpoints</caption>
                <thead>
                  <tr>
                    <th scope="col">URL</th>
                    <th scope="col">Events</th>
                    <th scope="col">State</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((ep) => (
                    <tr key={ep.id}>
                      <th scope="row">
                        <code>{ep.url}</code>
                        {ep.description && <div className="hint">{ep.description}</div>}
                      </th>
                      <td>{ep.eventTypes.length ? ep.eventTypes.join(', ') : 'all'}</td>
                      <td>{ep.enabled ? 'enabled' : 'disabled'}</td>
                      <td>
                        <button
                          type="button"
                          disabled={busy || !ep.enabled}
                          onClick={() =>
                            void act(
                              () => request('POST', '/api/webhook-endpoints/{id}/test', { params: { id: ep.id } }),
                              `A test event is on its way to ${ep.url}.`,
                            )
                          }
                        >
                          Send test event
                        </button>{' '}
                        <button type="button" aria-pressed={open?.id === ep.id} onClick={() => setOpen(ep)}>
                          Deliveries
                        </button>{' '}
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() =>
                            void act(
                              () =>
                                request('PATCH', '/api/webhook-endpoints/{id}', {
                                  params: { id: ep.id },
                                  body: { enabled: !ep.enabled },
                                }),
                              `${ep.url} is ${ep.enabled ? 'disabled' : 'enabled'}.`,
                            )
                          }
                        >
                          {ep.enabled ? 'Disable' : 'Enable'}
                        </button>{' '}
                        <button
                          type="button"
                          disabled={busy}
                          onClick={() => {
                            if (
                              !window.confirm(
                                `Rotate the secret of ${ep.url}? For 24 hours deliveries are signed with both the new and the old one, then with the new one only.`,
                              )
                            )
                              return;
                            void act(async () => {
                              const r = await request<{ secret: string }>(
                                'POST',
                                '/api/webhook-endpoints/{id}/secret',
                                { params: { id: ep.id } },
                              );
                              setSecret({ secret: r.secret, url: ep.url });
                            }, null);
                          }}
                        >
                          Rotate secret
                        </button>{' '}
                        <button
                          type="button"
                          className="danger"
                          disabled={busy}
                          onClick={() => {
                            if (!window.confirm(`Delete the endpoint ${ep.url} and its delivery log?`)) return;
                            if (open?.id === ep.id) setOpen(null);
                            void act(
                              () => request('DELETE', '/api/webhook-endpoints/{id}', { params: { id: ep.id } }),
                              `${ep.url} was deleted.`,
                            );
                          }}
                        >
                          Delete
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
      {open && <DeliveryLog key={open.id} endpoint={open} />}
    </>
  );
}

function DeliveryLog({ endpoint }: { endpoint: Endpoint }) {
  const log = useApi(
    async (signal) =>
      (
        await request<{ items: Delivery[] }>('GET', '/api/webhook-endpoints/{id}/deliveries', {
          params: { id: endpoint.id },
          signal,
          query: { limit: 50 },
        })
      ).items,
    [endpoint.id],
  );
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const replay = async (d: Delivery) => {
    setError(undefined);
    setNotice(null);
    try {
      await request('POST', '/api/webhook-endpoints/{id}/deliveries/{deliveryId}/replay', {
        params: { id: endpoint.id, deliveryId: d.id },
      });
      setNotice(`The ${d.eventType} event is sent again.`);
      log.reload();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" aria-labelledby="log-h">
      <h2 id="log-h">Deliveries to {endpoint.url}</h2>
      <button type="button" onClick={() => log.reload()}>
        Refresh
      </button>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      {error !== undefined && <ErrorBox error={error} />}
      <Async state={log} label="Loading deliveries…">
        {(items) =>
          items.length === 0 ? (
            <p>No deliveries yet.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>Delivery log, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Event</th>
                    <th scope="col">Created</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Answer</th>
                    <th scope="col">Next retry</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((d) => (
                    <tr key={d.id}>
                      <th scope="row">
                        {d.eventType}
                        {d.replayOf && <div className="hint">replay</div>}
                      </th>
                      <td>{dateTime(d.createdAt)}</td>
                      <td>{d.status}</td>
                      <td>{d.attempts}</td>
                      <td>{d.lastStatusCode ?? d.lastError ?? '—'}</td>
                      <td>{d.nextRetryAt ? dateTime(d.nextRetryAt) : '—'}</td>
                      <td>
                        <button
                          type="button"
                          aria-label={`Replay the ${d.eventType} delivery of ${dateTime(d.createdAt)}`}
                          onClick={() => void replay(d)}
                        >
                          Replay
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Async>
    </section>
  );
}
