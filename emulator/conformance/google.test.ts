// Replays the shared Google corpus (../shared/google-calendar/cases) against the Google emulator, one test per case.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCases, type CaseOutcome } from './cases.js';
import { corpusAvailable, GOOGLE_CASES as CASES } from './corpus.js';
import { runConformance } from './runner.js';

if (!corpusAvailable('google-calendar', 'Google conformance replay (emulator/conformance/google.test.ts)')) {
  describe.skip(`Google conformance corpus: folder ${CASES} is absent, nothing to replay`, () => {
    it('needs the shared corpus', () => undefined);
  });
} else {
  describe('Google conformance corpus', () => {
    const ids = loadCases(CASES).map((c) => c.id);
    const results = new Map<string, CaseOutcome>();

    beforeAll(async () => {
      for (const r of await runConformance(CASES, { provider: 'google' })) results.set(r.id, r);
    }, 300_000);

    it('replays every case of the folder', () => {
      expect([...results.keys()].sort()).toEqual([...ids].sort());
    });

    it.each(ids)('%s', (id) => {
      const r = results.get(id);
      expect(r, `no result for ${id}`).toBeDefined();
      if (r?.outcome === 'na') {
        expect(r.detail ?? '').not.toBe('');
        return;
      }
      expect(r?.outcome, r?.detail).toBe('pass');
    });
  });
}
