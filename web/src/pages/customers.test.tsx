// Customers pages' parts: factor bars against their maxima, the band badge in words, the score chart's text summary,
// and API errors mapped to the form field they are about.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { BandBadge, FactorBars, ScoreHistoryChart } from './customer-charts';
import { fieldOf } from './customer-form';

describe('FactorBars', () => {
  it('shows each factor as points of its maximum, and says when one does not apply', () => {
    render(
      <FactorBars
        factors={[
          { name: 'breadth', value: 0.75, weight: 15, contribution: 11.25, maxContribution: 15, explanation: '3 met' },
          { name: 'attendance', value: null, weight: 10, contribution: 0, maxContribution: 0, explanation: 'nobody' },
        ]}
      />,
    );
    const table = screen.getByRole('table', { name: /What the score is made of/ });
    expect(table.textContent).toContain('Breadth');
    expect(screen.getByText('11.3 of 15')).toBeTruthy();
    expect(screen.getByText('does not apply')).toBeTruthy();
    const fill = table.querySelector<HTMLElement>('.factor-fill')!;
    expect(fill.style.width).toBe('75%');
  });
});

describe('BandBadge', () => {
  it('names the band in words, not only in colour', () => {
    render(<BandBadge band="at_risk" />);
    expect(screen.getByText(/At risk/)).toBeTruthy();
  });
});

describe('ScoreHistoryChart', () => {
  it('summarises the series for screen readers', () => {
    render(
      <ScoreHistoryChart
        days={90}
        items={[
          { day: '2026-11-01', score: 41, band: 'at_risk' },
          { day: '2026-11-20', score: 35, band: 'critical' },
          { day: '2026-12-07', score: 72, band: 'healthy' },
        ]}
      />,
    );
    const img = screen.getByRole('img', { name: /Engagement score over the last 90 days/ });
    expect(img.querySelector('desc')!.textContent).toBe(
      'Score 41 on 2026-11-01, 72 (Healthy) today; lowest 35, highest 72 over 3 days with a score.',
    );
    expect(img.querySelectorAll('circle')).toHaveLength(3);
  });

  it('says the history starts today when there is one day', () => {
    render(<ScoreHistoryChart days={90} items={[{ day: '2026-12-07', score: 12, band: 'critical' }]} />);
    expect(screen.getByText('Score 12 (Critical) today; the history starts today.')).toBeTruthy();
  });
});

describe('fieldOf', () => {
  it('maps service errors by details.field and schema errors by their path, in plain words', () => {
    const domains = new ApiError(400, 'validation_failed', 'Not a valid email domain: x', 'r1', {
      field: 'domains',
      invalid: ['x'],
    });
    expect(fieldOf(domains)).toEqual({
      field: 'domains',
      message: 'Not an e-mail domain: x. Enter domains like acmecorp.com.',
    });
    const pattern = new ApiError(400, 'unsafe_pattern', 'The regular expression is not supported.', 'r2', {
      field: 'subjectPatterns',
    });
    expect(fieldOf(pattern)?.field).toBe('subjectPatterns');
    expect(fieldOf(pattern)?.message).not.toContain('unsafe_pattern');
    const schema = new ApiError(400, 'validation_failed', 'Invalid request', 'r3', {
      problems: [{ path: 'body/name', message: 'must NOT have more than 200 characters' }],
    });
    expect(fieldOf(schema)?.field).toBe('name');
    expect(fieldOf(new ApiError(500, 'internal', 'boom'))).toBeNull();
    expect(fieldOf(new Error('x'))).toBeNull();
  });
});
