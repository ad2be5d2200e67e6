// The conformance corpus format (see ../shared/graph-conformance/README.md) and its loader.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type CaseKind =
  'http-exchange' | 'notification' | 'webhook-validation' | 'error-body' | 'resource-representation' | 'json-fragment';

export interface ConformanceCase {
  id: string;
  kind: CaseKind;
  api: string;
  family: string;
  title: string;
  request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: unknown;
    bodyRaw?: string;
    direction?: 'graph-to-app';
  } | null;
  response: {
    status: number | null;
    headers: Record<string, string>;
    body: unknown;
    bodyRaw?: string;
    bodyUnspecified?: boolean;
    derivedFromPageText?: boolean;
  } | null;
  notes: string;
  tags: string[];
  data?: unknown;
  odataType?: string;
  /** Docs repository the case was taken from (the newer examples come from microsoft-graph-docs-contrib). */
  sourceRepo?: string;
}

/** True for a case taken from the newer docs repository (microsoft-graph-docs-contrib). */
export function fromNewerDocs(c: Pick<ConformanceCase, 'sourceRepo'>): boolean {
  return /-contrib$/i.test(c.sourceRepo ?? '');
}

export interface CaseOutcome {
  id: string;
  outcome: 'pass' | 'fail' | 'na';
  detail?: string;
}

/** Reads every case of a folder (index.json order when present, else file-name order). */
export function loadCases(dir: string): ConformanceCase[] {
  if (!existsSync(dir)) throw new Error(`no such case folder: ${dir}`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'index.json')
    .sort();
  return files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ConformanceCase);
}
