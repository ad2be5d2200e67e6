// The settings card of the private calendar subscription URL: download the calendar as a file, make the URL (shown
// once: calbridge keeps only a hash), copy it, make a new one in its place, or revoke it.
import { useEffect, useState } from 'react';
import { api, type ResponseOf } from '../api/client';
import { Async, useApi } from '../components/async';
import { dateTime, relative } from '../format';
import { ActionOutcome, useAction } from './settings-common';

type FeedStatus = ResponseOf<'/api/calendar/feed', 'get'>;

export function CalendarFeed() {
  const status = useApi(() => api.get('/api/calendar/feed'), []);
  const [current, setCurrent] = useState<FeedStatus | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const a = useAction();
  useEffect(() => {
    if (status.data) setCurrent(status.data);
  }, [status.data]);

  const make = (rotate: boolean) =>
    a.run(
      rotate ? 'rotate' : 'create',
      async () => {
        const made = await api.post('/api/calendar/feed');
        setUrl(made.url);
        setCopied(false);
        setCurrent(made);
      },
      rotate ? 'A new URL is ready; the old one no longer works.' : 'Your subscription URL is ready.',
    );
  const revoke = () =>
    a.run(
      'revoke',
      async () => {
        setCurrent(await api.delete('/api/calendar/feed'));
        setUrl(null);
      },
      'The subscription URL is revoked; calendar apps using it stop updating.',
    );
  const copy = async () => {
    if (!url) return;
    await navigator.clipboard.writeText(url);
    setCopied(true);
  };

  return (
    <section className="card" aria-labelledby="feed-h">
      <h2 id="feed-h">Calendar subscription</h2>
      <p>
        Your meetings as an iCalendar file, or as a private URL that Apple Calendar, Google Calendar or Outlook can
        subscribe to. Anyone with the URL can read it: private meetings show only as busy there.
      </p>
      <p>
        <a href="/api/calendar/export.ics" download="calendar.ics">
          Download calendar (.ics)
        </a>
      </p>
      <Async state={status}>
        {() => (
          <>
            {current?.active ? (
              <p>
                Subscription URL made {dateTime(current.createdAt!)} (starts <code>cbf_{current.prefix}…</code>)
                {current.lastFetchedAt ? `, last read ${relative(current.lastFetchedAt)}` : ', not read yet'}.
              </p>
            ) : (
              <p className="muted">No subscription URL.</p>
            )}
            {url && (
              <div>
                <label htmlFor="feed-url">Subscription URL (shown once; copy it now)</label>
                <input id="feed-url" type="text" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
                <button type="button" onClick={() => void copy()}>
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
            )}
            {current?.active ? (
              <>
                <button type="button" disabled={a.busy !== null} onClick={() => void make(true)}>
                  Make a new URL
                </button>{' '}
                <button type="button" className="danger" disabled={a.busy !== null} onClick={() => void revoke()}>
                  Revoke URL
                </button>
              </>
            ) : (
              <button type="button" disabled={a.busy !== null} onClick={() => void make(false)}>
                Make subscription URL
              </button>
            )}
            <ActionOutcome a={a} busyText="Working…" />
          </>
        )}
      </Async>
    </section>
  );
}
