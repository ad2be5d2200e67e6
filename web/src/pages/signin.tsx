// The sign-in page: Microsoft or Google (OpenID Connect through the server), an API key as the secondary way in (the
// demo, machines), and the reason a sign-in failed when the server sent the browser back with ?error=.
import { useState, type FormEvent } from 'react';
import { apiKey, request } from '../api/client';
import { useLocation } from '../router';

/** What the server's ?error= codes mean to a person. */
const AGAIN = 'The sign-in took too long, was already used, or was started in another browser. Please sign in again.';
const ERRORS: Record<string, string> = {
  signin_state_invalid: AGAIN,
  signin_failed:
    'The identity provider did not complete the sign-in, or its answer could not be verified. Please try again.',
  signin_not_allowed:
    'Your organisation does not use calbridge on this server (your Microsoft tenant or Google domain is not allowed). Ask your administrator.',
  signin_user_deactivated: 'Your calbridge account is deactivated. Ask your administrator.',
  access_denied: 'Sign-in was cancelled at the identity provider.',
  provider_error: 'The identity provider reported an error. Please try again.',
  validation_failed: 'The sign-in link was not valid. Please sign in again.',
  not_configured: 'This sign-in option is not configured on this server.',
  rate_limited: 'Too many sign-in attempts. Wait a minute and try again.',
};

/** A readable message for a sign-in error code (an unknown code is never shown as it is). */
export function signInError(code: string): string {
  return Object.hasOwn(ERRORS, code) ? ERRORS[code]! : 'Sign-in did not succeed. Please try again.';
}

/** Where to go after signing in: an in-app path only (never another site). */
export function safeReturnTo(raw: string | null): string {
  const v = raw?.replace(/^\/app(?=\/|$)/, '') || null;
  if (!v || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/signin') || v.startsWith('/api/'))
    return '/calendar';
  return v;
}

/**
 * The server's sign-in URL for a provider; it sends the browser back to `/app<returnTo>`. With `connect`, the same
 * consent also connects the person's calendar (Outlook or Google Calendar) before coming back.
 */
export const signInUrl = (provider: 'microsoft' | 'google', returnTo: string, connect = false): string =>
  `/api/auth/signin/${provider}?returnTo=${encodeURIComponent(`/app${returnTo}`)}${connect ? '&connect=1' : ''}`;

export function SignInPage({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string | null }) {
  const { query } = useLocation();
  const returnTo = safeReturnTo(query.get('returnTo'));
  const code = query.get('error');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [connect, setConnect] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    apiKey.set(value);
    try {
      await request('get', '/api/me', { quiet: true });
      onSignedIn();
    } catch {
      apiKey.clear();
      setError('This API key was not accepted.');
      setBusy(false);
    }
  };
  return (
    <main className="gate" id="main">
      <h1>Sign in to calbridge</h1>
      <section className="card" aria-labelledby="signin-h">
        <h2 id="signin-h">Sign in with your work account</h2>
        {code && (
          <p className="error" role="alert">
            {signInError(code)}
          </p>
        )}
        {notice && (
          <p className="error" role="alert">
            {notice}
          </p>
        )}
        <div className="signin-buttons">
          <a className="button primary" href={signInUrl('microsoft', returnTo, connect)}>
            Sign in with Microsoft
          </a>
          <a className="button primary" href={signInUrl('google', returnTo, connect)}>
            Sign in with Google
          </a>
        </div>
        <label className="switch">
          <input type="checkbox" checked={connect} onChange={(e) => setConnect(e.target.checked)} /> Sign in and connect
          my calendar (Outlook or Google Calendar) with one consent
        </label>
        <p className="hint">You stay signed in in this browser (new tabs too) until you sign out.</p>
      </section>
      <details className="card">
        <summary>Use an API key instead</summary>
        <form onSubmit={(e) => void submit(e)}>
          <label className="field">
            API key
            <input
              type="password"
              autoComplete="off"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              required
            />
          </label>
          <p className="hint">
            For the demo and for machines. Kept in this browser tab only (session storage). On a local demo, use the
            one-time link printed by the server at start.
          </p>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" disabled={busy || !value.trim()}>
            {busy ? 'Checking…' : 'Continue'}
          </button>
        </form>
      </details>
    </main>
  );
}
