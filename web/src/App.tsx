// The app shell: who is signed in (session cookie or API key), the sign-in page, navigation with the approvals badge,
// page routing and the chat panel.
import { useCallback, useEffect, useState } from 'react';
import { apiKey, onUnauthenticated, request, setCsrfToken, type Session } from './api/client';
import { Loading } from './components/async';
import { AdminPage } from './pages/admin';
import { ApprovalPage } from './pages/approval';
import { ChatPanel } from './pages/chat';
import { ApprovalsPage } from './pages/approvals';
import { CalendarPage } from './pages/calendar';
import { CustomerPage, CustomersPage } from './pages/customers';
import { SchedulerPage } from './pages/scheduler';
import { SettingsPage } from './pages/settings';
import { safeReturnTo, SignInPage } from './pages/signin';
import { Link, match, navigate, useLocation } from './router';
import { SessionContext, type Who } from './session';

const NAV = [
  { to: '/calendar', label: 'My calendar' },
  { to: '/customers', label: 'Customers' },
  { to: '/schedule', label: 'Schedule' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/settings', label: 'Settings' },
];

/** How many proposals wait for the caller's approval: re-read on every navigation and every 30 s; null hides it. */
function usePendingCount(path: string, signedIn: boolean): number | null {
  const [count, setCount] = useState<number | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const t = window.setInterval(() => setTick((n) => n + 1), 30_000);
    const refresh = () => setTick((n) => n + 1);
    window.addEventListener('calbridge:approvals-changed', refresh);
    return () => {
      window.clearInterval(t);
      window.removeEventListener('calbridge:approvals-changed', refresh);
    };
  }, []);
  useEffect(() => {
    if (!signedIn) return setCount(null);
    const ctl = new AbortController();
    request<{ count?: number; items?: unknown[] }>('get', '/api/approvals/pending', {
      signal: ctl.signal,
      quiet: true,
    }).then(
      (r) => setCount(typeof r?.count === 'number' ? r.count : Array.isArray(r?.items) ? r.items.length : null),
      // not deployed yet (404) or not allowed: no badge
      () => !ctl.signal.aborted && setCount(null),
    );
    return () => ctl.abort();
  }, [path, tick, signedIn]);
  return count;
}

function Page() {
  const { path, query } = useLocation();
  useEffect(() => {
    if (path === '/' || path === '') navigate('/calendar', { replace: true });
  }, [path]);
  const customer = match('/customers/:id', path);
  if (customer) return <CustomerPage id={customer.id!} />;
  const approval = match('/approvals/:id', path);
  if (approval) return <ApprovalPage id={approval.id!} />;
  if (path === '/admin' || path.startsWith('/admin/')) return <AdminPage path={path} />;
  switch (path.replace(/\/+$/, '')) {
    case '/calendar':
      return <CalendarPage />;
    case '/customers':
      return <CustomersPage />;
    case '/schedule':
      return <SchedulerPage customerId={query.get('customer')} />;
    case '/approvals':
      return <ApprovalsPage />;
    case '/settings':
      return <SettingsPage />;
    case '/chat':
      return <ChatPanel standalone />;
    case '':
      return null;
    default:
      return (
        <>
          <h1>Page not found</h1>
          <Link to="/calendar">Go to your calendar</Link>
        </>
      );
  }
}

let booted = false;

/** Reads how this browser is signed in; null when nobody is (401). */
async function loadWho(): Promise<Who | null> {
  try {
    const session = await request<Session>('get', '/api/auth/session', { quiet: true });
    const me = await request<{ user: { email: string; displayName: string | null } }>('get', '/api/me', {
      quiet: true,
    }).catch(() => null);
    return { ...session, email: me?.user.email ?? null, displayName: me?.user.displayName ?? null };
  } catch {
    return null;
  }
}

export function App() {
  // undefined: still finding out; null: nobody is signed in
  const [who, setWho] = useState<Who | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | null>(null);
  const [chatOpen, setChatOpen] = useState(false);
  const { path, query } = useLocation();
  const pending = usePendingCount(path, !!who);

  const refresh = useCallback(async () => {
    const w = await loadWho();
    setCsrfToken(w?.via === 'session' ? w.csrfToken : null);
    setWho(w);
  }, []);

  useEffect(() => {
    // (once per page load: React's strict mode runs effects twice in development)
    if (booted) return;
    booted = true;
    // A one-time demo login link (#login=…) is redeemed for the demo's API key without showing it.
    const token = new URLSearchParams(window.location.hash.slice(1)).get('login');
    if (!token) {
      void refresh();
      return;
    }
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    request<{ apiKey: string }>('post', '/api/web/demo-login', { body: { token }, quiet: true }).then(
      (r) => {
        apiKey.set(r.apiKey);
        void refresh();
      },
      () => {
        setNotice('That login link was already used or has expired. Sign in, or enter an API key.');
        void refresh();
      },
    );
  }, [refresh]);

  useEffect(
    () =>
      onUnauthenticated(() => {
        apiKey.clear();
        setCsrfToken(null);
        setWho(null);
        const here = window.location.pathname.replace(/^\/app(?=\/|$)/, '') + window.location.search;
        if (!here.startsWith('/signin')) navigate(`/signin?returnTo=${encodeURIComponent(here)}`, { replace: true });
      }),
    [],
  );

  const onSignInPage = path.replace(/\/+$/, '') === '/signin';
  useEffect(() => {
    if (who === null && !onSignInPage) {
      const here = path + (query.size ? `?${query.toString()}` : '');
      const returnTo = path === '/' || path === '' ? '' : `?returnTo=${encodeURIComponent(here)}`;
      navigate(`/signin${returnTo}`, { replace: true });
    } else if (who && onSignInPage) navigate(safeReturnTo(query.get('returnTo')), { replace: true });
  }, [who, onSignInPage, path, query]);

  const signOut = async () => {
    if (who?.via === 'session') await request('post', '/api/auth/signout', { quiet: true }).catch(() => undefined);
    apiKey.clear();
    setCsrfToken(null);
    setWho(null);
    navigate('/signin', { replace: true });
  };

  if (who === undefined) return <Loading label="Loading calbridge…" />;
  if (!who) {
    if (!onSignInPage) return <Loading label="Loading calbridge…" />;
    return <SignInPage notice={notice} onSignedIn={() => (setNotice(null), void refresh())} />;
  }
  if (onSignInPage) return <Loading label="Signing in…" />;
  const nav = who.role === 'admin' ? [...NAV, { to: '/admin/users', label: 'Admin' }] : NAV;
  return (
    <SessionContext.Provider value={who}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">calbridge</span>
        <nav aria-label="Main">
          <ul>
            {nav.map((n) => (
              <li key={n.to}>
                <Link
                  to={n.to}
                  aria-current={
                    path.startsWith(n.to) || (n.label === 'Admin' && path.startsWith('/admin')) ? 'page' : undefined
                  }
                >
                  {n.label}
                  {n.to === '/approvals' && pending !== null && pending > 0 && (
                    <span className="count-badge" data-testid="approvals-badge">
                      {' '}
                      <span aria-hidden="true">{pending}</span>
                      <span className="sr-only">({pending} waiting for you)</span>
                    </span>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          className="chat-toggle"
          aria-expanded={chatOpen}
          aria-controls="chat-panel"
          onClick={() => setChatOpen((o) => !o)}
        >
          {chatOpen ? 'Close chat' : 'Chat'}
        </button>
        <span className="who" data-testid="signed-in-as">
          <span className="who-name">{who.displayName ?? who.email ?? 'Signed in'}</span>{' '}
          <span className="tag role">{who.role}</span>
        </span>
        <button type="button" className="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <div className={chatOpen ? 'layout with-chat' : 'layout'}>
        <main id="main" tabIndex={-1}>
          <Page />
        </main>
        {chatOpen && <ChatPanel onClose={() => setChatOpen(false)} />}
      </div>
    </SessionContext.Provider>
  );
}
