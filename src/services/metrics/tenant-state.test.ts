// TenantMetricsState: one meeting on several calendars counts once, whichever copies come and go.
import { describe, expect, it } from 'vitest';
import { CustomerIndex } from '../../domain/detection/customer-index.js';
import { computeMetrics, metricsFromAggregate } from '../../domain/metrics/compute.js';
import type { MetricRow } from '../../ports/detection.js';
import { TenantMetricsState } from './tenant-state.js';

const index = CustomerIndex.build(
  [
    {
      id: 'acme',
      name: 'Acme',
      domains: ['acme.example'],
      subjectPatterns: [],
      stakeholders: [{ email: 'ceo@acme.example', role: 'CEO' }],
    },
  ],
  { tenantDomains: [] },
);
const NOW = '2026-03-02T12:00:00.000Z';

function row(id: string, key: string, extra: Partial<MetricRow> = {}): MetricRow {
  return {
    id,
    occurrenceKey: key,
    customerId: 'acme',
    start: '2026-02-25T10:00:00.000Z',
    end: '2026-02-25T11:00:00.000Z',
    type: 'singleInstance',
    seriesMasterId: null,
    isCancelled: false,
    ownResponse: 'organizer',
    attendees: [{ email: 'ceo@acme.example', name: null, type: 'required', response: 'accepted' }],
    matchedAttendees: ['ceo@acme.example'],
    matchedStakeholders: ['ceo@acme.example'],
    ...extra,
  };
}

const held30 = (s: TenantMetricsState) =>
  metricsFromAggregate(s.aggregator, NOW).get('acme')?.windows[0]?.meetings ?? 0;

describe('TenantMetricsState', () => {
  it('counts copies of one occurrence once, preferring a copy whose owner did not decline', () => {
    const s = new TenantMetricsState();
    expect(
      s.apply([row('r2', 'k', { ownResponse: 'declined' }), row('r1', 'k', { ownResponse: 'declined' })], [], index),
    ).toEqual(new Set(['acme']));
    expect(held30(s)).toBe(0); // every copy declined
    s.apply([row('r3', 'k', { ownResponse: 'accepted' })], [], index);
    expect(held30(s)).toBe(1);
    expect(s.representatives()).toHaveLength(1);
    s.apply([], ['r3'], index);
    expect(held30(s)).toBe(0);
    s.apply([], ['r1', 'r2'], index);
    expect(s.aggregator.size).toBe(0);
  });

  it('follows a copy moving to another occurrence or losing its customer, like a full recompute', () => {
    const s = new TenantMetricsState();
    s.apply(
      [
        row('a', 'k1'),
        row('b', 'k1'),
        row('c', 'k2', { start: '2026-02-20T10:00:00.000Z', end: '2026-02-20T12:00:00.000Z' }),
      ],
      [],
      index,
    );
    s.apply([row('b', 'k3', { start: '2026-02-01T10:00:00.000Z', end: '2026-02-01T11:00:00.000Z' })], [], index);
    s.apply([row('c', 'k2', { customerId: null })], [], index);
    const full = computeMetrics(s.representatives(), NOW, s.aggregator.options);
    expect(metricsFromAggregate(s.aggregator, NOW)).toEqual(full);
    expect(full.get('acme')?.windows[0]).toMatchObject({ meetings: 2, executiveMeetings: 2, stakeholdersMet: 1 });
  });
});
