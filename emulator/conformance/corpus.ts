// Where the shared documentation corpora live — ../shared beside the repository, never copied into it — and whether
// they are there. Tests that read a corpus skip without it, each group printing one loud line that says what was
// skipped and how to run it; under CI (CI set, as .ci/run does) a missing corpus fails instead.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The folder beside the repository that holds the corpora. */
export const SHARED_DIR = resolve(import.meta.dirname, '../../../shared');

export type CorpusName = 'graph-conformance' | 'google-calendar';

/** A path inside one corpus, e.g. corpusPath('google-calendar', 'calendar-v3-discovery.json'). */
export const corpusPath = (corpus: CorpusName, ...parts: string[]): string => join(SHARED_DIR, corpus, ...parts);

export const GRAPH_CASES = corpusPath('graph-conformance', 'cases');
export const GOOGLE_CASES = corpusPath('google-calendar', 'cases');

/** What each corpus must hold for its tests to run. */
const REQUIRED: Record<CorpusName, string[]> = {
  'graph-conformance': [GRAPH_CASES],
  'google-calendar': [GOOGLE_CASES, corpusPath('google-calendar', 'calendar-v3-discovery.json')],
};

const announced = new Set<string>();

/**
 * True when the corpus is present. Otherwise prints, once per group, one line naming the skipped `group` and how to
 * run it, and returns false — or throws when CI is set, where skipping would hide the tests.
 */
export function corpusAvailable(corpus: CorpusName, group: string): boolean {
  const missing = REQUIRED[corpus].filter((p) => !existsSync(p));
  if (missing.length === 0) return true;
  const what =
    `${group}: the ${corpus} corpus is missing (${missing.join(', ')}). ` +
    `To run these tests, put the shared folder beside the repository: ${SHARED_DIR}`;
  if (process.env.CI) throw new Error(`CI is set, so a missing corpus fails instead of skipping: ${what}`);
  if (!announced.has(group)) {
    announced.add(group);
    console.warn(`*** SKIPPED ${what}`);
  }
  return false;
}

/** The note of a test skipped for want of a corpus (`skip(!hasCorpus, NO_CORPUS)` in a test using one). */
export const NO_CORPUS = 'the shared corpus is not beside the repository';

/** One case of the Graph corpus, parsed. */
export const graphCase = <T = unknown>(id: string): T =>
  JSON.parse(readFileSync(join(GRAPH_CASES, `${id}.json`), 'utf8')) as T;
