// Safe subject patterns: RE2 (re2js, linear-time) regular expressions and word-boundary keywords, with limits.
import { RE2JS, RE2Set } from 're2js';
import { AppError } from '../errors.js';
import type { SubjectPattern } from './types.js';

/** Limits on user-supplied subject patterns (per customer). */
export const PATTERN_LIMITS = {
  /** Patterns of both kinds per customer. */
  maxPatterns: 20,
  /** Regular expressions per customer: each costs a scan of the subject, keywords cost nothing extra. */
  maxRegexPatterns: 5,
  maxKeywordLength: 100,
  maxRegexLength: 200,
} as const;

/** A compiled regular expression pattern. Matching is case-insensitive and unanchored. */
export interface CompiledRegex {
  readonly source: string;
  test(subject: string): boolean;
}

/**
 * Compiles a regular expression with RE2 semantics (linear time in the subject length, no backtracking).
 * Throws `AppError('unsafe_pattern')` for syntax RE2 does not support (backreferences, lookarounds), syntax
 * errors and patterns over the length limit.
 * @example compileRegex('QBR|quarterly review').test('Acme quarterly review') // true
 */
export function compileRegex(source: string): CompiledRegex {
  if (source.length === 0 || source.length > PATTERN_LIMITS.maxRegexLength) {
    throw new AppError(
      'unsafe_pattern',
      `A regular expression must have 1 to ${PATTERN_LIMITS.maxRegexLength} characters.`,
      {
        details: { pattern: source.slice(0, 40), length: source.length },
      },
    );
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : 'not accepted by RE2';
    throw new AppError('unsafe_pattern', 'The regular expression is not supported by the safe (RE2) engine.', {
      details: { pattern: source.slice(0, 40), reason },
      cause,
    });
  }
  return { source, test: (subject) => re.test(subject) };
}

/**
 * Splits text into lower-cased word tokens: runs of Unicode letters, digits and `_`. Every other character
 * (spaces, punctuation, `-`) is a separator, so `ACME-Corp` and `acme corp` both give `['acme', 'corp']`.
 */
export function tokenize(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter((t) => t !== '');
}

/** Tokens of a keyword after validation; throws `AppError('unsafe_pattern')` for empty or over-long keywords. */
export function keywordTokens(keyword: string): string[] {
  const tokens = keyword.length > PATTERN_LIMITS.maxKeywordLength ? [] : tokenize(keyword);
  if (tokens.length === 0) {
    throw new AppError(
      'unsafe_pattern',
      `A keyword must have 1 to ${PATTERN_LIMITS.maxKeywordLength} characters and contain a letter or digit.`,
      { details: { pattern: keyword.slice(0, 40) } },
    );
  }
  return tokens;
}

/**
 * Checks a customer's subject patterns against the limits and compiles each one; throws
 * `AppError('unsafe_pattern')` (details: `index`, `pattern`, `reason`) on the first one that is not accepted.
 * Call it when patterns are written, so detection never meets a bad pattern.
 */
export function validateSubjectPatterns(patterns: readonly SubjectPattern[]): void {
  if (patterns.length > PATTERN_LIMITS.maxPatterns) {
    throw new AppError('unsafe_pattern', `At most ${PATTERN_LIMITS.maxPatterns} subject patterns per customer.`, {
      details: { count: patterns.length },
    });
  }
  const regexCount = patterns.filter((p) => p.kind === 'regex').length;
  if (regexCount > PATTERN_LIMITS.maxRegexPatterns) {
    throw new AppError(
      'unsafe_pattern',
      `At most ${PATTERN_LIMITS.maxRegexPatterns} regular expressions per customer.`,
      {
        details: { count: regexCount },
      },
    );
  }
  patterns.forEach((p, index) => {
    try {
      if (p.kind === 'regex') compileRegex(p.value);
      else keywordTokens(p.value);
    } catch (e) {
      if (e instanceof AppError)
        throw new AppError('unsafe_pattern', e.message, { details: { index, ...e.details }, cause: e });
      throw e;
    }
  });
}

interface KeywordEntry<T> {
  tokens: string[];
  value: T;
}

/**
 * Finds keywords in a subject in time proportional to the subject's tokens, whatever the number of keywords:
 * keywords are indexed by their first token and confirmed token by token.
 * @example
 * const k = new KeywordMatcher<string>(); k.add('Acme Corp', 'c1');
 * k.match('Weekly: ACME corp sync') // ['c1']
 */
export class KeywordMatcher<T> {
  private readonly byFirst = new Map<string, Array<KeywordEntry<T>>>();

  /** Adds a keyword (validated with `keywordTokens`). The same value may be added under several keywords. */
  add(keyword: string, value: T): void {
    const tokens = keywordTokens(keyword);
    const first = tokens[0] as string;
    const list = this.byFirst.get(first);
    if (list) list.push({ tokens, value });
    else this.byFirst.set(first, [{ tokens, value }]);
  }

  /** Removes the entry added with exactly this keyword and value (value compared with `===`). */
  remove(keyword: string, value: T): void {
    const first = tokenize(keyword)[0];
    if (first === undefined) return;
    const list = this.byFirst.get(first);
    if (!list) return;
    const kept = list.filter((e) => e.value !== value);
    if (kept.length === 0) this.byFirst.delete(first);
    else this.byFirst.set(first, kept);
  }

  /** The values of every keyword found in `subject`, each once. */
  match(subject: string): T[] {
    const tokens = tokenize(subject);
    const found = new Set<T>();
    for (let i = 0; i < tokens.length; i++) {
      const list = this.byFirst.get(tokens[i] as string);
      if (!list) continue;
      for (const e of list) {
        if (found.has(e.value)) continue;
        if (e.tokens.every((t, j) => tokens[i + j] === t)) found.add(e.value);
      }
    }
    return [...found];
  }
}

/** Patterns per RE2Set: small sets keep RE2's DFA small and fast; see bench/detection.bench.ts. */
const SET_CHUNK = 64;
/** DFA memory budget per set; past it RE2 falls back to its (slower, still linear) NFA. */
const SET_MAX_MEM = 2 * 1024 * 1024;

interface RegexChunk<T> {
  entries: Array<{ source: string; value: T }>;
  set: RE2Set | null;
}

/**
 * Matches many RE2 regular expressions against a subject in a few passes: patterns are grouped into RE2 sets of
 * up to 64, each set scanning the subject once (linear time) and reporting every pattern that matches. Matching
 * is case-insensitive and unanchored, exactly like `compileRegex(source).test(subject)`. Adding or removing a
 * pattern rebuilds only its group, lazily at the next `match`.
 * @example
 * const m = new RegexSetMatcher<string>(); m.add('^\\[ACME-\\d+\\]', 'acme');
 * m.match('[acme-12] escalation') // ['acme']
 */
export class RegexSetMatcher<T> {
  private readonly chunks: Array<RegexChunk<T>> = [];

  /** Adds a pattern (validated with `compileRegex`, which throws `unsafe_pattern`). */
  add(source: string, value: T): void {
    compileRegex(source);
    let chunk = this.chunks.find((c) => c.entries.length < SET_CHUNK);
    if (!chunk) {
      chunk = { entries: [], set: null };
      this.chunks.push(chunk);
    }
    chunk.entries.push({ source, value });
    chunk.set = null;
  }

  /** Removes every pattern carrying one of `values` (compared with `===`), in one pass. */
  remove(...values: T[]): void {
    if (values.length === 0) return;
    const drop = new Set(values);
    for (const c of this.chunks) {
      const kept = c.entries.filter((e) => !drop.has(e.value));
      if (kept.length !== c.entries.length) {
        c.entries = kept;
        c.set = null;
      }
    }
  }

  get size(): number {
    return this.chunks.reduce((n, c) => n + c.entries.length, 0);
  }

  /** Values of every pattern matching `subject`, in insertion order within each group. */
  match(subject: string): T[] {
    const out: T[] = [];
    for (const c of this.chunks) {
      if (c.entries.length === 0) continue;
      if (c.set === null) {
        const set = new RE2Set(RE2Set.UNANCHORED, RE2JS.CASE_INSENSITIVE, SET_MAX_MEM);
        for (const e of c.entries) set.add(e.source);
        set.compile();
        c.set = set;
      }
      for (const i of c.set.match(subject).sort((a, b) => a - b)) out.push((c.entries[i] as { value: T }).value);
    }
    return out;
  }
}
