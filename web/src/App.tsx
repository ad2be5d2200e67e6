// The app shell: API-key gate, navigation, page routing and the chat panel.
import { useEffect, useState, type FormEvent } from 'react';
import { apiKey, onUnauthenticated, request } from './api/client';
import { ChatPanel } from './pages/chat';
import { ApprovalsPage } from './pages/approvals';
import { CalendarPage } from './pages/calendar';
import { CustomerPage, CustomersPage } from './pages/customers';
import { SchedulerPage } from './pages/scheduler';
import { SettingsPage } from './pages/settings';
import { Link, match, navigate, useLocation } from './router';

const NAV = [
  { to: '/calendar', label: 'My calendar' },
  { to: '/customers', label: 'Customers' },
  { to: '/schedule', label: 'Schedule' },
  { to: '/approvals', label: 'Approvals' },
  { to: '/settings', label: 'Settings' },
];

/** Asks for the API key once per tab; a one-time demo login link (#login=…) is redeemed without showing the key. */
function KeyGate({ onKey }: { onKey: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const token = new URLSearchParams(window.location.hash.slice(1)).get('login');
    if (!token) return;
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    setBusy(true);
    request<{ apiKey: string }>('post', '/api/web/demo-login', { body: { token } }).then(
      (r) => {
        apiKey.set(r.apiKey);
        onKey();
      },
      () => {
        setBusy(false);
        setError('That login link was already used or has expired. Enter an API key instead.');
      },
    );
  }, [onKey]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    apiKey.set(value);
    try {
      await request('get', '/api/me');
      onKey();
    } catch {
      apiKey.clear();
      setError('This API key was not accepted.');
      setBusy(false);
    }
  };
  return (
    <main className="gate">
      <h1>calbridge</h1>
      <form onSubmit={(e) => void submit(e)} className="card">
        <label className="field">
          API key
          <input
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            required
            autoFocus
          />
        </label>
        <p className="hint">
          Kept in this browser tab only (session storage). On a local demo, use the one-time link printed by the server
          at start.
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !value.trim()}>
          {busy ? 'Checking…' : 'Continue'}
        </button>
      </form>
    </main>
  );
}

function Page() {
  const { path, query } = useLocation();
  useEffect(() => {
    if (path === '/' || path === '') navigate('/calendar', { replace: true });
  }, [path]);
  const customer = match('/customers/:id', path);
  if (customer) return <CustomerPage id={customer.id!} />;
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

export function App() {
  const [hasKey, setHasKey] = useState(() => apiKey.get() !== null);
  const [chatOpen, setChatOpen] = useState(false);
  const { path } = useLocation();
  useEffect(() => {
    const off = onUnauthenticated(() => {
      apiKey.clear();
      setHasKey(false);
    });
    return () => {
      off();
    };
  }, []);
  if (!hasKey) return <KeyGate onKey={() => setHasKey(true)} />;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">calbridge</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={path.startsWith(n.to) ? 'page' : undefined}>
                  {n.label}
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
        <button type="button" className="link" onClick={() => (apiKey.clear(), setHasKey(false))}>
          Sign out
        </button>
      </header>
      <div className={chatOpen ? 'layout with-chat' : 'layout'}>
        <main id="main" tabIndex={-1}>
          <Page />
        </main>
        {chatOpen && <ChatPanel onClose={() => setChatOpen(false)} />}
      </div>
    </>
  );
}
