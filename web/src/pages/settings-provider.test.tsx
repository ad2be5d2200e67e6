// The one settings card of both providers, against a fake API: problems in plain words (the stored text only behind
// Details), the inline disconnect confirmation takes focus, Escape gives it back, and a disconnect posts to the
// provider's own route.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GOOGLE, OUTLOOK, ProviderSettings, type ProviderSpec } from './settings-provider';

const status = (connected: boolean) => ({
  connected,
  status: connected ? 'active' : 'not_connected',
  account: connected ? { email: 'megan@contoso.com', name: 'Megan Bowen' } : null,
  providerTenantId: 'contoso.com',
  providerUserId: null,
  scopes: connected ? ['https://www.googleapis.com/auth/calendar.events'] : [],
  tokenExpiresAt: null,
  connectedAt: '2026-12-01T09:00:00Z',
  statusReason: null,
  lastError: null,
  calendars: [],
  reconnectUrl: null,
});

const row = (provider: 'GOOGLE' | 'MICROSOFT') => ({
  calendarId: 'cal-1',
  connectionId: 'conn-1',
  provider,
  name: 'Work',
  ownerEmail: null,
  isShared: false,
  isDefault: true,
  canEdit: true,
  selected: true,
  fullSyncInProgress: false,
  pagesSynced: 3,
  eventsSynced: 40,
  lastSuccessAt: '2026-12-07T01:00:00Z',
  lagSeconds: 12,
  lastError: 'provider_error: upstream answered 503',
  throttled: false,
  subscriptionExpiresAt: null,
  lastNotificationAt: null,
  nextRunAt: null,
});

function fakeApi(spec: ProviderSpec) {
  let connected = true;
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request | URL | string, init?: RequestInit) => {
      const req = new Request(input, init);
      const path = new URL(req.url).pathname;
      calls.push(`${req.method} ${path}`);
      const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200 });
      if (path === `/api/integrations/${spec.id}/status`) return json(status(connected));
      if (path.endsWith('/status')) return json(status(false));
      if (path === '/api/calendar/sync-status')
        return json({ calendars: [row(spec.provider)], queue: { queued: 0, active: 0 }, notifications: false });
      if (path === `/api/integrations/${spec.id}/disconnect`) {
        connected = false;
        return new Response(null, { status: 204 });
      }
      return new Response(JSON.stringify({ error: { code: 'route_not_found', message: 'No route' } }), { status: 404 });
    }),
  );
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

describe.each([GOOGLE, OUTLOOK])('ProviderSettings ($name)', (spec) => {
  it('shows the calendars with a problem in plain words, the stored code only inside Details', async () => {
    fakeApi(spec);
    render(<ProviderSettings spec={spec} />);
    const table = await screen.findByRole('table', { name: /calendars and their sync health/ });
    expect(table.textContent).toContain('The calendar provider answered with an error.');
    const details = table.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.textContent).toContain('provider_error: upstream answered 503');
    expect(screen.getByRole('checkbox', { name: 'Sync Work' })).toBeTruthy();
    expect(screen.getByRole('radio', { name: 'Default for new meetings: Work' })).toBeTruthy();
    expect(screen.getByRole('heading', { level: 2, name: spec.title })).toBeTruthy();
  });

  it('confirms a disconnect inline: focus on the question, Escape back to the button, Yes disconnects', async () => {
    const calls = fakeApi(spec);
    render(<ProviderSettings spec={spec} />);
    const button = await screen.findByRole('button', { name: `Disconnect ${spec.name}` });
    fireEvent.click(button);
    const dialog = screen.getByRole('alertdialog');
    expect(document.activeElement).toBe(dialog);
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement?.textContent).toBe(`Disconnect ${spec.name}`);
    fireEvent.click(screen.getByRole('button', { name: `Disconnect ${spec.name}` }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, disconnect' }));
    await screen.findByRole('button', { name: `Connect ${spec.name}` });
    expect(calls).toContain(`POST /api/integrations/${spec.id}/disconnect`);
    await waitFor(() => expect(document.activeElement?.textContent).toBe(spec.title));
  });
});
