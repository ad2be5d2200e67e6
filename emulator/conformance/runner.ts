// Conformance runner: replays every case of a folder against a freshly seeded in-process emulator.
import { fromNewerDocs, loadCases, type CaseOutcome, type ConformanceCase } from './cases.js';
import { pageSpellingsKey, propertyNames, typeFromContext, typeName, type Representations } from './compare.js';
import { runExchange } from './exchange.js';
import { SetupError } from './fixtures.js';
import { runGoogleConformance } from './google.js';
import { Harness } from './harness.js';
import { runErrorBody, runNotification, runThrottle, runValidation } from './payloads.js';
import { runFragment, runRepresentation } from './representations.js';

export interface RunOptions {
  provider?: 'microsoft' | 'google';
  /** Only cases whose id matches. */
  only?: (id: string) => boolean;
  /** Called after each case (for streaming output). */
  onResult?: (r: CaseOutcome) => void;
  caseTimeoutMs?: number;
}

/** Why a case cannot apply, from its own metadata (never from its id): docs errors and superseded examples. */
export function notApplicable(c: ConformanceCase, all: ConformanceCase[]): string | null {
  if (
    /docs error kept as written/i.test(c.notes) &&
    c.response?.status !== undefined &&
    c.response.status !== null &&
    c.response.status < 300
  ) {
    return `the documented request is a docs error that the service rejects (${c.notes
      .split(';')
      .find((n) => /docs error/i.test(n))
      ?.trim()})`;
  }
  const newer = all.find(
    (o) =>
      o.id !== c.id &&
      /-contrib-/.test(o.id) &&
      new RegExp(`differs (materially )?from ${c.id.replace(/[-]/g, '\\-')}\\b`).test(o.notes),
  );
  if (newer)
    return `superseded by ${newer.id} (${newer.notes
      .split(';')
      .find((n) => n.includes(c.id))
      ?.trim()})`;
  return null;
}

/** Representations in the folder, keyed by lower-case type name (for extra-property and nested checks). */
export function representationsOf(cases: ConformanceCase[]): Representations {
  const reps: Representations = new Map();
  const sorted = [...cases].sort((a, b) => Number(/-contrib-/.test(a.id)) - Number(/-contrib-/.test(b.id)));
  for (const c of sorted) {
    if (c.kind !== 'resource-representation' || !c.odataType) continue;
    const key = typeName(c.odataType);
    const prev = reps.get(key);
    // Union of the representations of a type (a newer page may omit a property the older one lists).
    reps.set(
      key,
      prev && typeof prev === 'object' && typeof c.data === 'object'
        ? { ...(prev as object), ...(c.data as object) }
        : c.data,
    );
  }
  // Properties documented responses show for a type are real properties too (newer than a representation block).
  for (const c of cases) {
    const body = c.kind === 'http-exchange' ? c.response?.body : null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
    const type = typeFromContext((body as Record<string, unknown>)['@odata.context']);
    if (!type) continue;
    const value = (body as { value?: unknown }).value;
    const objects = Array.isArray(value) ? value : [body];
    const seen = (reps.get(`${type}#documented`) ?? {}) as Record<string, null>;
    for (const o of objects) if (o && typeof o === 'object') for (const k of Object.keys(o)) seen[k] = null;
    reps.set(`${type}#documented`, seen);
  }
  // Property spellings of the newer docs, per page: an older case of the page may spell a property differently.
  for (const c of cases) {
    if (!fromNewerDocs(c) || c.response?.body === undefined) continue;
    const names = (reps.get(pageSpellingsKey(c.api)) as Map<string, string> | undefined) ?? new Map<string, string>();
    reps.set(pageSpellingsKey(c.api), propertyNames(c.response.body, c.id, names));
  }
  return reps;
}

async function runOne(h: Harness, c: ConformanceCase, reps: Representations): Promise<CaseOutcome> {
  switch (c.kind) {
    case 'http-exchange':
      if (!c.request && c.response?.status === 429) return runThrottle(h, c);
      return runExchange(h, c, reps);
    case 'notification':
      return runNotification(h, c, reps);
    case 'webhook-validation':
      return runValidation(h, c);
    case 'error-body':
      return runErrorBody(h, c);
    case 'resource-representation':
      return runRepresentation(h, c, reps);
    case 'json-fragment':
      return runFragment(h, c, reps);
    default:
      return {
        id: (c as ConformanceCase).id,
        outcome: 'na',
        detail: `unknown case kind '${String((c as ConformanceCase).kind)}'`,
      };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SetupError(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every case in `dir`; the emulator is reset (fresh seed) before each case. */
export async function runConformance(dir: string, opts: RunOptions = {}): Promise<CaseOutcome[]> {
  if (opts.provider === 'google') return runGoogleConformance(dir, opts);
  if (opts.provider && opts.provider !== 'microsoft') throw new Error(`unknown provider '${String(opts.provider)}'`);
  const all = loadCases(dir);
  const reps = representationsOf(all);
  const cases = all.filter((c) => !opts.only || opts.only(c.id));
  const h = await Harness.start();
  const results: CaseOutcome[] = [];
  try {
    for (const c of cases) {
      let r: CaseOutcome;
      const na = notApplicable(c, all);
      if (na) r = { id: c.id, outcome: 'na', detail: na };
      else {
        try {
          await h.reset();
          r = await withTimeout(runOne(h, c, reps), opts.caseTimeoutMs ?? 20_000, 'the case');
        } catch (err) {
          r = {
            id: c.id,
            outcome: 'fail',
            detail: err instanceof SetupError ? err.message : `runner error: ${(err as Error).message}`,
          };
        }
      }
      results.push(r);
      opts.onResult?.(r);
    }
  } finally {
    await h.close();
  }
  return results;
}

/** One output line per case. */
export function formatResult(r: CaseOutcome): string {
  if (r.outcome === 'pass') return `PASS ${r.id}${r.detail ? ` (${r.detail})` : ''}`;
  if (r.outcome === 'fail') return `FAIL ${r.id}: ${r.detail ?? ''}`;
  return `N/A ${r.id}: ${r.detail ?? ''}`;
}

/** The closing lines: the N/A count on its own line, then exactly `N passed, N failed`. */
export function summary(results: CaseOutcome[]): string[] {
  const n = (o: CaseOutcome['outcome']) => results.filter((r) => r.outcome === o).length;
  return [`${n('na')} not applicable`, `${n('pass')} passed, ${n('fail')} failed`];
}
