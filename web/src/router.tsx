// A tiny history-API router: the current path, <Link>, navigate(); enough for a handful of pages. The app is served
// both at the root (/calendar, the demo link) and under /app (/app/calendar: sign-in returns and e-mailed links); the
// router works on paths without that base and puts it back on every link.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** '/app' when the page was opened under /app, else ''. */
export const BASE = /^\/app(\/|$)/.test(window.location.pathname) ? '/app' : '';
/** The browser path of an in-app path (`/calendar` → `/app/calendar` under /app). */
export const href = (to: string): string => (to.startsWith('/') ? BASE + to : to);
/** The in-app path of a browser path (the base removed). */
const strip = (p: string): string => (BASE && p.startsWith(BASE) ? p.slice(BASE.length) || '/' : p);

const subscribers = new Set<() => void>();
const notify = () => subscribers.forEach((f) => f());
window.addEventListener('popstate', notify);

function subscribe(f: () => void) {
  subscribers.add(f);
  return () => subscribers.delete(f);
}
const snapshot = () => strip(window.location.pathname) + window.location.search;

/** Goes to `to` (path + query) without reloading; `replace` keeps history clean for redirects. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', href(to));
  else window.history.pushState(null, '', href(to));
  notify();
  window.scrollTo(0, 0);
}

/** The current location: path and query parameters. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const loc = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(loc, window.location.origin);
  return { path: url.pathname, query: url.searchParams };
}

/** Matches `/customers/:id` style patterns; returns the params or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const s = path.replace(/\/+$/, '').split('/');
  if (p.length !== s.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) out[seg.slice(1)] = decodeURIComponent(s[i]!);
    else if (seg !== s[i]) return null;
  }
  return out;
}

/** An in-app link: a real <a href> (open in new tab works), client-side navigation on plain clicks. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { to, onClick, ...rest } = props;
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={href(to)} onClick={click} {...rest} />;
}
