// People search's merge and its degradation, with strict fakes of the ports: each address once (a known person gains
// the directory's job title), the ranking, and every way the provider's directory can be missing without an error.
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../domain/errors.js';
import type { Actor, Tenant } from '../../domain/tenancy.js';
import type { CalendarProvider, DirectoryEntry } from '../../ports/calendar-provider.js';
import type { CallerConnection } from '../../ports/scheduling.js';
import { mergeDirectory, providerPeople, type DirectoryPerson } from './directory.js';

const actor: Actor = { tenantId: 't1', userId: 'u1', role: 'member' } as Actor;
const tenant = { id: 't1', calendarProvider: 'MICROSOFT' } as Tenant;
const own = (email: string, name: string, kind: DirectoryPerson['kind']): DirectoryPerson => ({
  email,
  name,
  kind,
  customerId: null,
  customerName: kind === 'stakeholder' ? 'Acme' : null,
  role: null,
  jobTitle: null,
});
const entry = (email: string, name: string, jobTitle: string | null = null): DirectoryEntry => ({
  email,
  name,
  jobTitle,
});

function deps(conn: Partial<CallerConnection> | null, search?: CalendarProvider['searchPeople']) {
  const providerFor = vi.fn(() => ({ searchPeople: search }) as unknown as CalendarProvider);
  return {
    providerFor,
    d: {
      tenants: { getTenant: async () => tenant } as never,
      lookup: {
        forUser: async () =>
          conn && ({ id: 'c1', provider: 'MICROSOFT', status: 'active', mailbox: 'a@contoso.com', ...conn } as never),
      } as never,
      providerFor,
      connectUrl: (p: string) => `/api/integrations/${p.toLowerCase()}/connect`,
    },
  };
}

describe('mergeDirectory', () => {
  it('lists each address once, colleagues, then directory people, then stakeholders; name starts first', () => {
    const merged = mergeDirectory(
      [own('meg@contoso.com', 'Meg Ryan', 'colleague'), own('john@acme.com', 'John Megson', 'stakeholder')],
      [
        entry('MEG@contoso.com', 'Meg Ryan', 'Counsel'),
        entry('megan@contoso.com', 'Megan Bowen'),
        entry('al@contoso.com', 'Al Meg'),
      ],
      'meg',
      10,
    );
    expect(merged.map((p) => [p.email, p.kind, p.jobTitle])).toEqual([
      ['meg@contoso.com', 'colleague', 'Counsel'],
      ['megan@contoso.com', 'directory', null],
      ['al@contoso.com', 'directory', null],
      ['john@acme.com', 'stakeholder', null],
    ]);
    expect(mergeDirectory([], [entry('a@x.com', 'A'), entry('b@x.com', 'B')], 'a', 1)).toHaveLength(1);
  });
});

describe('providerPeople', () => {
  it('asks the provider when the grant holds the permission', async () => {
    const search = vi.fn(async () => [entry('z@contoso.com', 'Zelda')]);
    const { d } = deps({ scopes: ['User.Read', 'User.ReadBasic.All'] }, search);
    const r = await providerPeople(d, actor, ' zel ', 5);
    expect(search).toHaveBeenCalledWith({ query: 'zel', limit: 5 });
    expect(r).toEqual({
      people: [entry('z@contoso.com', 'Zelda')],
      source: { status: 'ok', provider: 'MICROSOFT', missingScope: null, connectUrl: null },
    });
  });

  it('does not ask the provider for a grant known to lack the permission', async () => {
    const search = vi.fn(async () => []);
    const { d } = deps({ scopes: ['User.Read', 'Calendars.ReadWrite'] }, search);
    const r = await providerPeople(d, actor, 'zel', 5);
    expect(search).not.toHaveBeenCalled();
    expect(r.source).toMatchObject({ status: 'scope_missing', missingScope: 'User.ReadBasic.All' });
  });

  it('turns every failure into a source, never an error', async () => {
    const denied = deps({}, async () => {
      throw new AppError('permission_denied', 'no');
    });
    expect((await providerPeople(denied.d, actor, 'z', 5)).source.status).toBe('scope_missing');
    const broken = deps({}, async () => {
      throw new AppError('provider_unavailable', 'down');
    });
    expect((await providerPeople(broken.d, actor, 'z', 5)).source.status).toBe('unavailable');
    const slow = deps({}, () => new Promise<DirectoryEntry[]>((r) => setTimeout(() => r([]), 200)));
    expect((await providerPeople(slow.d, actor, 'z', 5, 20)).source.status).toBe('timeout');
    expect((await providerPeople(deps(null).d, actor, 'z', 5)).source).toMatchObject({
      status: 'not_connected',
      connectUrl: '/api/integrations/microsoft/connect',
    });
    expect((await providerPeople(deps({ status: 'needs_reauth' } as never).d, actor, 'z', 5)).source.status).toBe(
      'reconnect_required',
    );
    expect((await providerPeople(deps({}, undefined).d, actor, 'z', 5)).source.status).toBe('unsupported');
  });
});
