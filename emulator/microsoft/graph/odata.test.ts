import { describe, expect, it } from 'vitest';
import { compileFilter, compileOrderBy, parsePrefer, type Getter } from './odata.js';

const getter =
  (o: Record<string, unknown>): Getter =>
  (path) =>
    path.reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), o);
const ev = {
  subject: 'Acme Corp — QBR',
  type: 'seriesMaster',
  categories: ['Customer', 'Red'],
  start: { dateTime: Date.parse('2026-12-01T10:00:00Z') },
  isAllDay: false,
};

describe('compileFilter', () => {
  const match = (f: string) => compileFilter(f)(getter(ev));
  it('evaluates comparisons, functions, lambdas and boolean operators', () => {
    expect(match("subject eq 'acme corp — qbr'")).toBe(true);
    expect(match("type eq 'seriesMaster' and isAllDay eq false")).toBe(true);
    expect(match("contains(subject,'QBR')")).toBe(true);
    expect(match("startswith(subject,'Globex') or categories/any(c:c eq 'red')")).toBe(true);
    expect(match("not (type eq 'seriesMaster')")).toBe(false);
    expect(match("start/dateTime ge '2026-12-01T00:00:00' and start/dateTime lt '2026-12-01T10:00:00Z'")).toBe(false);
    expect(match("subject eq 'It''s'")).toBe(false);
  });

  it('rejects malformed filters with a 400', () => {
    for (const bad of [
      'subject eq',
      "subject xx 'a'",
      "(subject eq 'a'",
      'contains(subject)',
      "subject eq 'a' extra",
    ]) {
      expect(() => compileFilter(bad)).toThrowError(expect.objectContaining({ status: 400 }) as Error);
    }
  });
});

describe('compileOrderBy', () => {
  it('sorts by several keys and directions', () => {
    const items = [
      { s: 'b', n: 1 },
      { s: 'a', n: 2 },
      { s: 'b', n: 3 },
    ];
    const cmp = compileOrderBy('s desc, n');
    const sorted = [...items].sort((x, y) => cmp(getter(x), getter(y)));
    expect(sorted.map((i) => i.n)).toEqual([1, 3, 2]);
  });
});

describe('parsePrefer', () => {
  it('reads maxpagesize, time zone (Windows or IANA) and body type, and reports what it applied', () => {
    const p = parsePrefer(
      'odata.maxpagesize=50, outlook.timezone="Pacific Standard Time", outlook.body-content-type="text"',
    );
    expect(p.maxPageSize).toBe(50);
    expect(p.timeZone).toEqual({ label: 'Pacific Standard Time', iana: 'America/Los_Angeles' });
    expect(p.bodyText).toBe(true);
    expect(p.applied(['maxpagesize', 'timezone'])).toBe(
      'odata.maxpagesize=50, outlook.timezone="Pacific Standard Time"',
    );
    expect(parsePrefer(undefined).applied(['maxpagesize'])).toBeNull();
    expect(() => parsePrefer('outlook.timezone="Nowhere/Land"')).toThrow();
  });
});
