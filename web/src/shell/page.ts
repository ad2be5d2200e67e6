// Page titles and focus on navigation: document.title names the page ("Calendar · calbridge"), and after an in-app
// navigation focus moves to the page's heading (screen readers read where they arrived), with the title announced.
import { useEffect } from 'react';
import { match } from '../router';

const APP = 'calbridge';

/** The title of an in-app path; pages may refine it with usePageTitle (a customer's name). */
export function titleFor(path: string): string {
  const p = path.replace(/\/+$/, '') || '/';
  if (match('/customers/:id', p)) return 'Customer';
  if (match('/approvals/:id', p)) return 'Proposal';
  if (p === '/admin' || p.startsWith('/admin/')) return 'Admin';
  const titles: Record<string, string> = {
    '/': 'Calendar',
    '/calendar': 'Calendar',
    '/customers': 'Customers',
    '/schedule': 'Schedule',
    '/approvals': 'Approvals',
    '/settings': 'Settings',
    '/chat': 'Chat',
    '/signin': 'Sign in',
  };
  return titles[p] ?? 'Page not found';
}

export const documentTitle = (page: string): string => `${page} · ${APP}`;

/** Sets document.title to "<page> · calbridge" while the calling page is shown. */
export function usePageTitle(page: string | null | undefined): void {
  useEffect(() => {
    if (page) document.title = documentTitle(page);
  }, [page]);
}

/**
 * Moves focus to the page heading once it is rendered (the first h1 in main; main itself when the page has none
 * within a second, e.g. while loading). Returns a cancel function. It never takes focus back from something the user
 * (or the page, e.g. a confirmation that opened) focused in the meantime: a late heading must not steal focus from a
 * dialog the user just opened.
 */
export function focusPageHeading(root: () => HTMLElement | null = () => document.getElementById('main')): () => void {
  let done = false;
  const before = document.activeElement;
  const movedOn = (): boolean => {
    const now = document.activeElement;
    return now !== null && now !== before && now !== document.body && now !== root();
  };
  const tryFocus = (): boolean => {
    if (movedOn()) return true;
    const main = root();
    if (!main) return false;
    const h1 = main.querySelector<HTMLElement>('h1');
    if (!h1) return false;
    if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
    return true;
  };
  if (tryFocus()) return () => undefined;
  const obs = new MutationObserver(() => {
    if (!done && tryFocus()) stop();
  });
  const timer = window.setTimeout(() => {
    if (!done && !movedOn()) root()?.focus({ preventScroll: true });
    stop();
  }, 1000);
  const stop = () => {
    done = true;
    obs.disconnect();
    window.clearTimeout(timer);
  };
  const main = root();
  if (main) obs.observe(main, { childList: true, subtree: true });
  return stop;
}
