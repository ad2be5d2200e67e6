// The app shell: who is signed in (session cookie or API key), the sign-in page, navigation with the approvals badge,
// page routing (unknown paths: the in-app Page not found), page titles, focus on navigation, the live region for
// announcements and the chat panel.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { apiKey, onUnauthenticated, request, setCsrfToken, type Session } from './api/client';
import { Loading } from './components/async';
import { ChunkBoundary } from './components/chunk-boundary';
import { ConnectionBanner } from './onboarding';
import { NotFoundPage } from './pages/not-found';
import { safeReturnTo, SignInPage } from './pages/signin';
import { match, navigate, useLocation } from './router';
import { SessionContext, type Who } from './session';
import { announce, LiveRegion } from './shell/announce';
import { Header } from './shell/header';
import { documentTitle, focusPageHeading, titleFor } from './shell/page';

// Each page is its own chunk, loaded when first shown (React.lazy): the sign-in page and the shell need none of them,
// and the calendar's (FullCalendar), the customers' (charts) and the chat's code come only with those pages. The
// loaders are kept so the page a visit starts on is fetched while the session is still being read (preloadPage).
const loaders = {
  admin: () => import('./pages/admin'),
  approval: () => import('./pages/approval'),
  approvals: () => import('./pages/approvals'),
  calendar: () => import('./pages/calendar'),
  chat: () => import('./pages/chat'),
  customers: () => import('./pages/customers'),
  scheduler: () => import('./pages/scheduler'),
  settings: () => import('./pages/settings'),
};
const AdminPage = lazy(() => loaders.admin().then((m) => ({ default: m.AdminPage })));
const ApprovalPage = lazy(() => loaders.approval().then((m) => ({ default: m.ApprovalPage })));
const ApprovalsPage = lazy(() => loaders.approvals().then((m) => ({ default: m.ApprovalsPage })));
const CalendarPage = lazy(() => loaders.calendar().then((m) => ({ default: m.CalendarPage })));
const ChatPanel = lazy(() => loaders.chat().then((m) => ({ default: m.ChatPanel })));
const CustomersPage = lazy(() => loaders.customers().then((m) => ({ default: m.CustomersPage })));
const CustomerPage = lazy(() => loaders.customers().then((m) => ({ default: m.CustomerPage })));
const SchedulerPage = lazy(() => loaders.scheduler().then((m) => ({ default: m.SchedulerPage })));
const SettingsPage = lazy(() => loaders.settings().then((m) => ({ default: m.SettingsPage })));

/** Starts fetching the chunk of the page at `path` (no-op for the sign-in page and unknown paths). */
function preloadPage(path: string): void {
  const p = path.replace(/\/+$/, '') || '/calendar';
  const first = p.split('/')[1] ?? '';
  const loader =
    first === 'calendar' || p === '/'
      ? loaders.calendar
      : first === 'customers'
        ? loaders.customers
        : first === 'schedule'
          ? loaders.scheduler
          : first === 'approvals'
            ? p === '/approvals'
              ? loaders.approvals
              : loaders.approval
            : first === 'settings'
              ? loaders.settings
              : first === 'admin'
                ? loaders.admin
                : first === 'chat'
                  ? loaders.chat
                  : null;
  // a failed preload is not an error: the page's own import tries again and shows ChunkBoundary if it fails too
  loader?.().catch(() => undefined);
}

const NAV = [
  { to: '/calendar', label: 'My calendar' },
  { to: '/customers', label: 'Customers' },
  { to: '/schedule', label: 'Schedule' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/settings', label: 'Settings' },
];

/**
 * How many proposals wait for the caller's approval: a query (key '/api/approvals/pending') re-read every 30 s, on
 * navigation and whenever approvalsChanged() invalidates it; null hides the badge (not allowed, not deployed).
 */
function usePendingCount(path: string, signedIn: boolean): number | null {
  const q = useQuery({
    queryKey: ['/api/approvals/pending', { badge: true }],
    queryFn: ({ signal }) =>
      request<{ count?: number; items?: unknown[] }>('get', '/api/approvals/pending', { signal, quiet: true }),
    enabled: signedIn,
    refetchInterval: 30_000,
    retry: false,
  });
  const { refetch } = q;
  useEffect(() => {
    if (signedIn) void refetch();
  }, [path, signedIn, refetch]);
  if (!signedIn || q.isError || !q.data) return null;
  const r = q.data;
  return typeof r.count === 'number' ? r.count : Array.isArray(r.items) ? r.items.length : null;
}

/** Names the page in document.title; after an in-app navigation moves focus to its heading and announces it. */
function usePageChange(path: string): void {
  const first = useRef(true);
  useEffect(() => {
    const title = titleFor(path);
    document.title = documentTitle(title);
    if (first.current) {
      // the first page of a visit: the browser reads the title, focus stays at the top
      first.current = false;
      return;
    }
    announce(title);
    return focusPageHeading();
  }, [path]);
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
      return <NotFoundPage path={path} />;
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
  usePageChange(path);

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
    // the page this visit starts on is fetched alongside the session, not after it
    if (!window.location.pathname.replace(/^\/app(?=\/|$)/, '').startsWith('/signin'))
      preloadPage(window.location.pathname.replace(/^\/app(?=\/|$)/, ''));
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
      <Header
        nav={nav}
        path={path}
        pending={pending}
        who={{ name: who.displayName ?? who.email ?? 'Signed in', role: who.role }}
        chatOpen={chatOpen}
        onToggleChat={() => setChatOpen((o) => !o)}
        onSignOut={() => void signOut()}
      />
      <ConnectionBanner />
      <div className={chatOpen ? 'layout with-chat' : 'layout'}>
        <main id="main" tabIndex={-1}>
          <ChunkBoundary key={path}>
            <Suspense fallback={<Loading label="Loading the page…" />}>
              <Page />
            </Suspense>
          </ChunkBoundary>
        </main>
        {chatOpen && (
          <ChunkBoundary>
            <Suspense
              fallback={
                <aside id="chat-panel" className="chat sheet" aria-label="Chat">
                  <Loading label="Loading the chat…" />
                </aside>
              }
            >
              <ChatPanel onClose={() => setChatOpen(false)} />
            </Suspense>
          </ChunkBoundary>
        )}
      </div>
      <LiveRegion />
    </SessionContext.Provider>
  );
}
