// Smoke test for the suggestion benchmark: its input is a real problem and run() reports well-formed samples.
import { describe, expect, it } from 'vitest';
import { suggestMeetingTimes } from '../src/domain/scheduling/suggest.js';
import { buildInput, run } from './suggest.bench.js';

describe('suggest benchmark', () => {
  it('measures a problem with 10 people, 2 rooms and real suggestions', () => {
    const { constraint, availability, organizer } = buildInput();
    expect(availability.schedules).toHaveLength(12);
    expect(constraint.attendees).toHaveLength(9);
    const r = suggestMeetingTimes(constraint, availability, organizer);
    expect(r.suggestions.length).toBeGreaterThan(5);
    expect(r.suggestions.every((s) => s.rooms.length > 0)).toBe(true);
  });

  it('reports one series of finite CPU times per case', async () => {
    const results = await run({ quick: true });
    expect(results.map((r) => r.name)).toHaveLength(4);
    for (const r of results) {
      expect(r.unit).toBe('ms cpu/call');
      expect(r.samples).toHaveLength(30);
      expect(r.samples.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
    }
  });
});
