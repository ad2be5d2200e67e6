// Replays the shared Graph conformance corpus (../shared/graph-conformance/cases) against the emulator, one test per case.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCases, type CaseOutcome } from './cases.js';
import { corpusAvailable, GRAPH_CASES as CASES } from './corpus.js';
import { runConformance } from './runner.js';

if (!corpusAvailable('graph-conformance', 'Graph conformance replay (emulator/conformance/conformance.test.ts)')) {
  describe.skip(`Graph conformance corpus: folder ${CASES} is absent, nothing to replay`, () => {
    it('needs the shared corpus', () => undefined);
  });
} else {
  describe('Graph conformance corpus', () => {
    const ids = loadCases(CASES).map((c) => c.id);
    const results = new Map<string, CaseOutcome>();

    beforeAll(async () => {
      for (const r of await runConformance(CASES)) results.set(r.id, r);
    }, 900_000);

    it('replays every case of the folder', () => {
      expect([...results.keys()].sort()).toEqual([...ids].sort());
    });

    it.each(ids)('%s', (id) => {
      const r = results.get(id);
      expect(r, `no result for ${id}`).toBeDefined();
      if (r?.outcome === 'na') {
        // Not applicable is reported with its reason, never silently skipped.
        expect(r.detail ?? '').not.toBe('');
        return;
      }
      expect(r?.outcome, r?.detail).toBe('pass');
    });
  });
}
