// Unit tests for durations and dates in chat text, including time-zone and DST correctness.
import { describe, expect, it } from 'vitest';
import { extractDuration, extractWhen } from './when.js';

describe('extractDuration', () => {
  it.each([
    ['for 30 minutes', 30],
    ['an hour', 60],
    ['for half an hour', 30],
    ['90 min', 90],
    ['1.5 hours', 90],
    ['an hour and a half', 90],
    ['a 45-minute call', 45],
    ['2h', 120],
    ['for one hour and 15 minutes', 75],
    ['for forty-five minutes', 45],
  ])('%s → %i minutes', (text, minutes) => {
    expect(extractDuration(text)?.value).toBe(minutes);
  });

  it('removes the duration from the text', () => {
    expect(extractDuration('meet Acme for 30 minutes tomorrow')?.rest.replace(/\s+/g, ' ')).toBe('meet Acme tomorrow');
  });

  it('does not read "in an hour", times or plain words as a length', () => {
    expect(extractDuration('call me in an hour')).toBeNull();
    expect(extractDuration('tomorrow at 9am')).toBeNull();
    expect(extractDuration('a meeting with Acme')).toBeNull();
    expect(extractDuration('for 30 hours')).toBeNull();
  });
});

describe('extractWhen', () => {
  // Sunday 22 November 2026, 04:00 in Los Angeles (PST, UTC-8).
  const now = new Date('2026-11-22T12:00:00Z');
  const LA = 'America/Los_Angeles';

  it('puts "tomorrow at 9am" on the user’s wall clock (PST: 17:00Z)', () => {
    const w = extractWhen('tomorrow at 9am', now, LA)!.value;
    expect(w).toMatchObject({ at: '2026-11-23T17:00:00.000Z', granularity: 'time', text: 'tomorrow at 9am' });
    expect(w.range).toEqual({ start: '2026-11-23T08:00:00.000Z', end: '2026-11-24T08:00:00.000Z' });
  });

  it('uses PDT in summer (16:00Z) and across the March DST change', () => {
    expect(extractWhen('tomorrow at 9am', new Date('2026-06-10T18:00:00Z'), LA)!.value.at).toBe(
      '2026-06-11T16:00:00.000Z',
    );
    // Saturday 7 March, noon PST; Sunday 8 March starts PDT at 02:00, so the day is 23 hours long.
    const w = extractWhen('tomorrow at 9am', new Date('2026-03-07T20:00:00Z'), LA)!.value;
    expect(w.at).toBe('2026-03-08T16:00:00.000Z');
    expect(w.range).toEqual({ start: '2026-03-08T08:00:00.000Z', end: '2026-03-09T07:00:00.000Z' });
  });

  it('reads "tomorrow" from the user’s date, not the UTC date', () => {
    // 22:30 on Sunday 22 November in Los Angeles is already Monday in UTC.
    const late = new Date('2026-11-23T06:30:00Z');
    expect(extractWhen('tomorrow at 3pm', late, LA)!.value.at).toBe('2026-11-23T23:00:00.000Z');
    // The same instant in Tokyo is Monday 15:30, so tomorrow is Tuesday.
    expect(extractWhen('tomorrow at 3pm', late, 'Asia/Tokyo')!.value.at).toBe('2026-11-24T06:00:00.000Z');
  });

  it('turns parts of the day into ranges', () => {
    const w = extractWhen('next Tuesday afternoon', now, LA)!.value;
    expect(w).toMatchObject({ at: null, granularity: 'partOfDay' });
    expect(w.range).toEqual({ start: '2026-11-24T20:00:00.000Z', end: '2026-11-25T01:00:00.000Z' });
    expect(extractWhen('on Friday morning', now, LA)!.value.range).toEqual({
      start: '2026-11-27T16:00:00.000Z',
      end: '2026-11-27T20:00:00.000Z',
    });
  });

  it('understands weeks and months (ISO weeks, Monday to Monday)', () => {
    const monday = new Date('2026-11-25T12:00:00Z'); // Wednesday
    expect(extractWhen('this week', monday, LA)!.value.range).toEqual({
      start: '2026-11-23T08:00:00.000Z',
      end: '2026-11-30T08:00:00.000Z',
    });
    expect(extractWhen('QBR in two weeks', monday, LA)!.value).toMatchObject({
      granularity: 'week',
      text: 'in two weeks',
      range: { start: '2026-12-07T08:00:00.000Z', end: '2026-12-14T08:00:00.000Z' },
    });
    expect(extractWhen('next month', monday, LA)!.value.range).toEqual({
      start: '2026-12-01T08:00:00.000Z',
      end: '2027-01-01T08:00:00.000Z',
    });
  });

  it('keeps a time range the user spelled out', () => {
    const w = extractWhen('Thursday from 2 to 4pm', now, 'Europe/Berlin')!.value;
    expect(w.at).toBe('2026-11-26T13:00:00.000Z');
    expect(w.range).toEqual({ start: '2026-11-26T13:00:00.000Z', end: '2026-11-26T15:00:00.000Z' });
  });

  it('returns null when there is no date', () => {
    expect(extractWhen('meet with Acme', now, LA)).toBeNull();
  });
});
