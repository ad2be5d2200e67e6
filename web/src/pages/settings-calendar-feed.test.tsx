// The calendar subscription card against a fake API: no URL yet → make one (shown once, with Copy), then a new one in
// its place, then revoke.
import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { CalendarFeed } from './settings-calendar-feed';

afterEach(() => vi.unstubAllGlobals());

it('makes, rotates and revokes the subscription URL', async () => {
  let n = 0;
  const calls: string[] = [];
  const none = { active: false, prefix: null, createdAt: null, lastFetchedAt: null };
  const made = () => ({
    active: true,
    prefix: `abc${n}`,
    createdAt: '2026-12-07T09:00:00Z',
    lastFetchedAt: null,
    url: `https://calbridge.example/ics/cbf_token${n}.ics`,
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request | URL | string, init?: RequestInit) => {
      const req = new Request(input, init);
      const path = new URL(req.url).pathname;
      calls.push(`${req.method} ${path}`);
      const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
      if (path === '/api/calendar/feed' && req.method === 'GET') return json(none);
      if (path === '/api/calendar/feed' && req.method === 'POST') {
        n += 1;
        return json(made());
      }
      if (path === '/api/calendar/feed' && req.method === 'DELETE') return json(none);
      return new Response(JSON.stringify({ error: { code: 'route_not_found', message: 'No route' } }), { status: 404 });
    }),
  );
  render(<CalendarFeed />);
  expect(screen.getByRole('link', { name: 'Download calendar (.ics)' }).getAttribute('href')).toBe(
    '/api/calendar/export.ics',
  );
  fireEvent.click(await screen.findByRole('button', { name: 'Make subscription URL' }));
  const field = (await screen.findByLabelText(/Subscription URL/)) as HTMLInputElement;
  expect(field.value).toBe('https://calbridge.example/ics/cbf_token1.ics');
  expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
  fireEvent.click(screen.getByRole('button', { name: 'Make a new URL' }));
  await screen.findByText('A new URL is ready; the old one no longer works.');
  expect(((await screen.findByLabelText(/Subscription URL/)) as HTMLInputElement).value).toContain('cbf_token2');
  fireEvent.click(screen.getByRole('button', { name: 'Revoke URL' }));
  await screen.findByText(/The subscription URL is revoked/);
  expect(screen.queryByLabelText(/Subscription URL/)).toBeNull();
  expect(calls).toEqual([
    'GET /api/calendar/feed',
    'POST /api/calendar/feed',
    'POST /api/calendar/feed',
    'DELETE /api/calendar/feed',
  ]);
});
