// Runner rules that need no emulator: N/A from case metadata, representations, output lines.
import { describe, expect, it } from 'vitest';
import type { ConformanceCase } from './cases.js';
import { pageSpellingsKey } from './compare.js';
import { formatResult, notApplicable, representationsOf, summary } from './runner.js';

const base = (over: Partial<ConformanceCase>): ConformanceCase => ({
  id: 'x-1',
  kind: 'http-exchange',
  api: 'x',
  family: 'x',
  title: 't',
  request: null,
  response: null,
  notes: '',
  tags: [],
  ...over,
});

describe('notApplicable', () => {
  it('marks a documented docs error and a case a newer one says it differs from', () => {
    const docsError = base({
      id: 'send-6',
      notes: 'docs error kept as written: no message wrapper',
      response: { status: 202, headers: {}, body: null },
    });
    const old = base({ id: 'place-get-2' });
    const newer = base({
      id: 'place-get-contrib-2',
      notes: 'differs materially from place-get-2 (2021): geoCoordinates',
    });
    const all = [docsError, old, newer];
    expect(notApplicable(docsError, all)).toMatch(/docs error/);
    expect(notApplicable(old, all)).toMatch(/superseded by place-get-contrib-2/);
    expect(notApplicable(newer, all)).toBeNull();
    expect(notApplicable(base({ id: 'place-get-22' }), all)).toBeNull();
  });
});

describe('representationsOf', () => {
  it('unites representations of a type and records properties documented responses show', () => {
    const reps = representationsOf([
      base({
        id: 'resource-event-1',
        kind: 'resource-representation',
        odataType: 'microsoft.graph.event',
        data: { id: 'string', iCalUId: 'string' },
      }),
      base({
        id: 'resource-event-contrib-1',
        kind: 'resource-representation',
        odataType: 'microsoft.graph.event',
        data: { id: 'string', subject: 'string' },
      }),
      base({
        response: {
          status: 200,
          headers: {},
          body: { '@odata.context': "https://g/v1.0/$metadata#users('a')/events/$entity", uid: 'x' },
        },
      }),
    ]);
    expect(Object.keys(reps.get('event') as object).sort()).toEqual(['iCalUId', 'id', 'subject']);
    expect(Object.keys(reps.get('event#documented') as object)).toContain('uid');
  });
});

describe('newer spellings', () => {
  it('records, per page, the property names of cases from the newer docs repository only', () => {
    const reps = representationsOf([
      base({
        id: 'place-list-2',
        api: 'place-list',
        sourceRepo: 'microsoftgraph/microsoft-graph-docs',
        response: { status: 200, headers: {}, body: { value: [{ geocoordinates: null }] } },
      }),
      base({
        id: 'place-list-contrib-3',
        api: 'place-list',
        sourceRepo: 'microsoftgraph/microsoft-graph-docs-contrib',
        response: { status: 200, headers: {}, body: { value: [{ geoCoordinates: null }] } },
      }),
    ]);
    const names = reps.get(pageSpellingsKey('place-list')) as Map<string, string>;
    expect(names.get('geoCoordinates')).toBe('place-list-contrib-3');
    expect(names.has('geocoordinates')).toBe(false);
    expect(reps.get(pageSpellingsKey('place-get'))).toBeUndefined();
  });
});

describe('output', () => {
  it('prints one line per case and the closing lines', () => {
    const results = [
      { id: 'a', outcome: 'pass' as const },
      { id: 'b', outcome: 'fail' as const, detail: 'status: expected 200, got 404' },
      { id: 'c', outcome: 'na' as const, detail: 'input-only type' },
      { id: 'd', outcome: 'pass' as const, detail: "'x' read as 'X'" },
    ];
    expect(results.map(formatResult)).toEqual([
      'PASS a',
      'FAIL b: status: expected 200, got 404',
      'N/A c: input-only type',
      "PASS d ('x' read as 'X')",
    ]);
    expect(summary(results)).toEqual(['1 not applicable', '2 passed, 1 failed']);
  });
});
