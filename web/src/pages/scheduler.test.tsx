// The scheduler's Repeat control (component test, API client replaced at its boundary): labelled controls, kept in
// the URL like the rest of the form (a reload restores it), and the series summary the proposal will show.
import { fireEvent, render, screen } from '@testing-library/react';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';

const answer = (path: string) =>
  Promise.resolve(path.includes('approval-policy') ? { approvers: { kind: 'role' } } : { items: [] });
vi.mock('../api/client', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  api: { get: vi.fn(answer), post: vi.fn(answer), put: vi.fn(answer), patch: vi.fn(answer), delete: vi.fn(answer) },
  request: vi.fn((_method: string, path: string) => answer(path)),
}));
const { SchedulerPage, repeatSummary } = await import('./scheduler');

afterEach(() => {
  vi.clearAllMocks();
  window.history.replaceState(null, '', '/');
});

describe('repeatSummary', () => {
  it('says the series on the chosen time’s weekday or date', () => {
    const tue = DateTime.fromISO('2026-12-15T10:00:00', { zone: 'Europe/Berlin' });
    expect(repeatSummary('', tue, { count: 6 })).toBeNull();
    expect(repeatSummary('weekly', tue, { count: 6 })).toBe('Every Tuesday, 6 times');
    expect(repeatSummary('daily', tue, { count: 10 })).toBe('Every day, 10 times');
    expect(repeatSummary('monthly', tue, { until: '2027-03-01' })).toBe('Every month on day 15, until 1 March 2027');
  });
});

describe('SchedulerPage: Repeat', () => {
  it('offers labelled repeat controls and keeps them in the URL', async () => {
    render(<SchedulerPage customerId={null} />);
    const repeats = (await screen.findByLabelText('Repeats')) as HTMLSelectElement;
    expect(repeats.value).toBe('');
    expect(screen.queryByLabelText('Number of times')).toBeNull();
    fireEvent.change(repeats, { target: { value: 'weekly' } });
    const times = (await screen.findByLabelText('Number of times')) as HTMLInputElement;
    expect(times.value).toBe('6');
    fireEvent.change(times, { target: { value: '8' } });
    expect(new URLSearchParams(window.location.search).get('repeat')).toBe('weekly');
    expect(new URLSearchParams(window.location.search).get('times')).toBe('8');
    fireEvent.change(screen.getByLabelText('Ends'), { target: { value: 'until' } });
    const until = (await screen.findByLabelText('Until (last date)')) as HTMLInputElement;
    fireEvent.change(until, { target: { value: '2027-03-01' } });
    const q = new URLSearchParams(window.location.search);
    expect([q.get('until'), q.get('times')]).toEqual(['2027-03-01', null]);
  });

  it('restores the repeat from the URL', async () => {
    window.history.replaceState(null, '', '/schedule?repeat=daily&times=10');
    render(<SchedulerPage customerId={null} />);
    expect(((await screen.findByLabelText('Repeats')) as HTMLSelectElement).value).toBe('daily');
    expect((screen.getByLabelText('Number of times') as HTMLInputElement).value).toBe('10');
  });
});
