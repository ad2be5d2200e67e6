// Targeted re-detection: a meeting the change filter skips must detect exactly as before the change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affectedMeetings, diffCustomer, isEmptyChange } from './affected.js';
import { CustomerIndex } from './customer-index.js';
import { detectWithIndex } from './detect.js';
import type { CustomerProfile, DetectableMeeting, SubjectPattern } from './types.js';

const DOMAINS = ['a.com', 'eu.a.com', 'b.io', 'c.org', 'x.c.org', 'gmail.com', 'tenant.example'];
const LOCALS = ['ann', 'bob', 'cy'];
const WORDS = ['qbr', 'sync', 'alpha', 'beta', 'ticket'];

const email = fc.tuple(fc.constantFrom(...LOCALS), fc.constantFrom(...DOMAINS)).map(([l, d]) => `${l}@${d}`);
const pattern: fc.Arbitrary<SubjectPattern> = fc.oneof(
  fc.constantFrom(...WORDS).map((value) => ({ kind: 'keyword' as const, value })),
  fc.constantFrom('tick.t-\\d+', '^alpha', 'beta$').map((value) => ({ kind: 'regex' as const, value })),
);
const profile = (id: string): fc.Arbitrary<CustomerProfile> =>
  fc.record({
    id: fc.constant(id),
    name: fc.constant(id),
    domains: fc.uniqueArray(fc.constantFrom(...DOMAINS), { maxLength: 2 }),
    subjectPatterns: fc.uniqueArray(pattern, { maxLength: 2, selector: (p) => `${p.kind}:${p.value}` }),
    stakeholders: fc.uniqueArray(fc.record({ email, role: fc.constantFrom(null, 'CEO', 'VP') }), {
      maxLength: 2,
      selector: (s) => s.email,
    }),
  });
const meeting: fc.Arbitrary<DetectableMeeting> = fc.record({
  subject: fc
    .array(
      fc.oneof(
        fc.constantFrom(...WORDS),
        fc.integer({ min: 0, max: 99 }).map((n) => `ticket-${n}`),
      ),
      { maxLength: 4 },
    )
    .map((w) => w.join(' ')),
  organizerEmail: fc.option(email, { nil: null }),
  attendees: fc.array(
    fc.record({ email, type: fc.constantFrom('required' as const, 'optional' as const, 'resource' as const) }),
    {
      maxLength: 4,
    },
  ),
});

describe('affectedMeetings', () => {
  it('re-detecting only affected meetings gives the same results as re-detecting all', () => {
    const ids = ['c1', 'c2', 'c3', 'c4'];
    fc.assert(
      fc.property(
        fc.tuple(...ids.map(profile)),
        fc.array(meeting, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(...ids),
        fc.option(profile('changed'), { nil: null }),
        (customers, meetings, changedId, replacement) => {
          const tenant = { tenantDomains: ['tenant.example'] };
          const before = CustomerIndex.build(customers, tenant);
          const previous = meetings.map((m) => detectWithIndex(m, before));
          const old = customers.find((c) => c.id === changedId) ?? null;
          const next = replacement === null ? null : { ...replacement, id: changedId };
          const after = CustomerIndex.build(
            customers.filter((c) => c.id !== changedId).concat(next ? [next] : []),
            tenant,
          );
          const affected = affectedMeetings(diffCustomer(old, next));
          meetings.forEach((m, i) => {
            if (!affected(m, previous[i] ?? null)) expect(detectWithIndex(m, after)).toEqual(previous[i]);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('detection does not depend on the order of customers or attendees', () => {
    fc.assert(
      fc.property(
        fc.tuple(profile('c1'), profile('c2'), profile('c3')),
        meeting,
        fc.func(fc.integer()),
        (customers, m, order) => {
          const tenant = { tenantDomains: ['tenant.example'] };
          const shuffle = <T>(xs: T[]): T[] =>
            xs
              .map((x, i) => [order(i), i, x] as const)
              .sort((a, b) => a[0] - b[0] || a[1] - b[1])
              .map(([, , x]) => x);
          const reordered = { ...m, attendees: shuffle(m.attendees) };
          const a = detectWithIndex(m, CustomerIndex.build(customers, tenant));
          const b = detectWithIndex(reordered, CustomerIndex.build(shuffle(customers), tenant));
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('describes what changed', () => {
    const base: CustomerProfile = {
      id: 'acme',
      name: 'Acme',
      domains: ['acmecorp.com'],
      subjectPatterns: [{ kind: 'keyword', value: 'QBR' }],
      stakeholders: [{ email: 'ann@acmecorp.com', role: 'CFO' }],
    };
    const change = diffCustomer(base, {
      ...base,
      domains: ['ACMECORP.com', 'acme.io'],
      stakeholders: [
        { email: 'Ann@acmecorp.com', role: 'CEO' },
        { email: 'bob@gmail.com', role: null },
      ],
      subjectPatterns: [],
    });
    expect(change).toEqual({
      customerId: 'acme',
      addedDomains: ['acme.io'],
      removedDomains: [],
      addedStakeholders: ['bob@gmail.com'],
      removedStakeholders: [],
      addedPatterns: [],
      removedPatterns: [{ kind: 'keyword', value: 'QBR' }],
      rolesChanged: ['ann@acmecorp.com'],
    });
    expect(isEmptyChange(diffCustomer(base, { ...base, name: 'Renamed' }))).toBe(true);
    const m: DetectableMeeting = {
      subject: 'x',
      organizerEmail: null,
      attendees: [{ email: 'z@eu.acme.io', type: 'required' }],
    };
    expect(affectedMeetings(change)(m, null)).toBe(true);
    expect(affectedMeetings(diffCustomer(base, { ...base, name: 'Renamed' }))(m, null)).toBe(false);
  });
});
