// Fuzzy account-name matching for chat commands: normalised tokens plus Damerau-Levenshtein (OSA) distance.
//
// Similarity of a phrase from the user's text to an account name (or alias), from 0 to 1:
//   1. Both are normalised: lower case, accents removed, punctuation dropped, and legal-form words
//      ("inc", "corp", "llc", "gmbh", "the", …) removed, so "Acme Corp" ≈ "acme" ≈ "ACME corp inc".
//   2. Equal normalised strings score 1.
//   3. When the phrase's tokens are the leading tokens of the name ("Northwind" for "Northwind Traders"),
//      the score is 0.9: a clear but partial match, so two accounts sharing a first word tie.
//   4. Otherwise the score is 1 − d / max(len) over the space-joined strings, where d is the optimal string
//      alignment distance (insertions, deletions, substitutions, transpositions of adjacent letters).
//      Typos such as "Contosso" or "Acem" stay above the acceptance threshold; unrelated words do not.
//   5. A phrase of one or two letters only ever matches exactly (no fuzzy hits on "a", "at", …).

/** Words that describe a company's legal form or are filler; ignored when comparing names. */
const LEGAL_FORMS = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'llc',
  'ltd',
  'limited',
  'gmbh',
  'ag',
  'sa',
  'plc',
  'bv',
  'nv',
  'the',
  'group',
]);

/** Minimum similarity for a phrase to count as naming an account. */
export const MATCH_THRESHOLD = 0.75;

/** Lower-cases, strips accents and punctuation, and splits into tokens (legal forms kept). */
export function tokenize(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0);
}

/** Tokens without legal-form words (kept when nothing else is left, e.g. a company called "The Group"). */
export function nameTokens(text: string): string[] {
  const all = tokenize(text);
  const core = all.filter((t) => !LEGAL_FORMS.has(t));
  return core.length > 0 ? core : all;
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one substring). */
export function osaDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1]!;
}

/** Similarity (0–1) of a phrase to a name, following the rules in this module's header. */
export function nameSimilarity(phrase: string, name: string): number {
  const p = nameTokens(phrase);
  const n = nameTokens(name);
  const ps = p.join(' ');
  const ns = n.join(' ');
  if (ps.length === 0 || ns.length === 0) return 0;
  if (ps === ns) return 1;
  if (ps.replace(/ /g, '').length <= 2) return 0;
  if (p.length < n.length && p.every((t, i) => t === n[i])) return 0.9;
  return 1 - osaDistance(ps, ns) / Math.max(ps.length, ns.length);
}

export interface AccountCandidate {
  id: string;
  name: string;
  aliases?: string[];
}

export interface AccountMatch {
  id: string;
  name: string;
  score: number;
  /** The words of the user's text that matched. */
  matched: string;
}

/**
 * Scores every account against every run of 1–4 consecutive words of `text` and returns the accounts at or
 * above the threshold, best first (one entry per account, its best phrase).
 * @example matchAccounts('meet acme corp inc', [{ id: '1', name: 'Acme Corp' }]) // [{ id: '1', score: 1, … }]
 */
export function matchAccounts(
  text: string,
  accounts: readonly AccountCandidate[],
  ignore: ReadonlySet<string> = new Set(),
): AccountMatch[] {
  const words = tokenize(text);
  const phrases: string[] = [];
  for (let i = 0; i < words.length; i++) {
    for (let len = 1; len <= 4 && i + len <= words.length; len++) {
      const run = words.slice(i, i + len);
      if (run.every((w) => ignore.has(w))) continue;
      if (ignore.has(run[0]!) || ignore.has(run[run.length - 1]!)) continue;
      phrases.push(run.join(' '));
    }
  }
  const out: AccountMatch[] = [];
  for (const account of accounts) {
    let best: AccountMatch | null = null;
    for (const name of [account.name, ...(account.aliases ?? [])]) {
      for (const phrase of phrases) {
        const score = nameSimilarity(phrase, name);
        if (
          score >= MATCH_THRESHOLD &&
          (!best || score > best.score || (score === best.score && phrase.length > best.matched.length))
        ) {
          best = { id: account.id, name: account.name, score: Math.round(score * 1000) / 1000, matched: phrase };
        }
      }
    }
    if (best) out.push(best);
  }
  return out.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
}
