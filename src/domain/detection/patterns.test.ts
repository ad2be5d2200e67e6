// Subject patterns: RE2-only syntax is enforced, pathological patterns stay linear, keywords match on word boundaries.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../errors.js';
import { detectCustomer } from './detect.js';
import {
  compileRegex,
  KeywordMatcher,
  PATTERN_LIMITS,
  RegexSetMatcher,
  tokenize,
  validateSubjectPatterns,
} from './patterns.js';
import type { SubjectPattern } from './types.js';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return isAppError(e) ? e.code : 'not-an-app-error';
  }
}

describe('compileRegex', () => {
  it.each([
    ['backreference', '(a)\\1'],
    ['lookahead', 'foo(?=bar)'],
    ['negative lookahead', 'foo(?!bar)'],
    ['lookbehind', '(?<=x)y'],
    ['syntax error', '[a-'],
    ['empty', ''],
    ['too long', 'a'.repeat(PATTERN_LIMITS.maxRegexLength + 1)],
  ])('rejects a %s with unsafe_pattern', (_name, source) => {
    expect(codeOf(() => compileRegex(source))).toBe('unsafe_pattern');
  });

  it('keeps the RE2 reason in the details', () => {
    try {
      compileRegex('(a)\\1');
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'unsafe_pattern') && String(e.details?.reason)).toMatch(/invalid escape/);
    }
  });

  it('accepts a catastrophic-backtracking pattern and matches a 50k-character subject with RE2', () => {
    const evil = '(a+)+$';
    const subject = `${'a'.repeat(50_000)}!`;
    const re = compileRegex(evil);
    // A backtracking engine would not return from this call; RE2 answers in one linear pass.
    expect(re.test(subject)).toBe(false);
    expect(re.test('aaaa')).toBe(true);
    const r = detectCustomer(
      { subject, organizerEmail: null, attendees: [] },
      [{ id: 'c', name: 'C', domains: [], subjectPatterns: [{ kind: 'regex', value: evil }], stakeholders: [] }],
      { tenantDomains: [] },
    );
    expect(r.customerId).toBeNull();
  });
});

describe('validateSubjectPatterns', () => {
  it('accepts keywords and RE2 patterns within limits', () => {
    expect(() =>
      validateSubjectPatterns([
        { kind: 'keyword', value: 'QBR' },
        { kind: 'regex', value: '^\\[ACME\\]' },
      ]),
    ).not.toThrow();
  });

  it('reports the index of the bad pattern', () => {
    try {
      validateSubjectPatterns([
        { kind: 'keyword', value: 'ok' },
        { kind: 'regex', value: 'x(?=y)' },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'unsafe_pattern') && e.details?.index).toBe(1);
    }
  });

  it('limits the number of patterns and of regular expressions', () => {
    const many: SubjectPattern[] = Array.from({ length: PATTERN_LIMITS.maxPatterns + 1 }, (_, i) => ({
      kind: 'keyword',
      value: `k${i}`,
    }));
    expect(codeOf(() => validateSubjectPatterns(many))).toBe('unsafe_pattern');
    const regexes: SubjectPattern[] = Array.from({ length: PATTERN_LIMITS.maxRegexPatterns + 1 }, (_, i) => ({
      kind: 'regex',
      value: `r${i}`,
    }));
    expect(codeOf(() => validateSubjectPatterns(regexes))).toBe('unsafe_pattern');
  });

  it('rejects keywords without a letter or digit, or over-long', () => {
    expect(codeOf(() => validateSubjectPatterns([{ kind: 'keyword', value: ' -- ' }]))).toBe('unsafe_pattern');
    expect(codeOf(() => validateSubjectPatterns([{ kind: 'keyword', value: 'k'.repeat(101) }]))).toBe('unsafe_pattern');
  });
});

describe('keywords', () => {
  it('tokenizes on anything that is not a letter, digit or underscore (Unicode aware)', () => {
    expect(tokenize('Réunion: ACME-Corp / Q3_plan')).toEqual(['réunion', 'acme', 'corp', 'q3_plan']);
  });

  it('finds multi-word keywords and only whole words', () => {
    const k = new KeywordMatcher<string>();
    k.add('Acme Corp', 'a');
    k.add('Café', 'c');
    k.add('corp', 'x');
    expect(k.match('acme corporation').sort()).toEqual([]);
    expect(k.match('ACME   corp weekly').sort()).toEqual(['a', 'x']);
    expect(k.match('Café Müller')).toEqual(['c']);
    expect(k.match('Cafés')).toEqual([]);
    k.remove('Acme Corp', 'a');
    expect(k.match('acme corp')).toEqual(['x']);
  });
});

describe('RegexSetMatcher', () => {
  const SOURCES = ['^ab', 'b+c$', 'a[bc]{2}', '(?:x|yz)\\d', 'É', '\\bqbr\\b', 'c.*a', '^$', 'zz?y', '[0-9]{3}'];
  it('reports exactly the patterns that match one by one, across several sets and after removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 150 }),
        fc.array(fc.stringMatching(/^[abcxyzé0-9 QBRÉ]{0,12}$/), { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (sources, subjects, removals) => {
          const m = new RegexSetMatcher<number>();
          sources.forEach((src, i) => m.add(src, i));
          const removed = new Set(removals.map((r) => r % sources.length));
          m.remove(...removed);
          for (const subject of subjects) {
            const expected = sources.flatMap((src, i) =>
              !removed.has(i) && compileRegex(src).test(subject) ? [i] : [],
            );
            expect(m.match(subject).sort((a, b) => a - b)).toEqual(expected);
          }
          expect(m.size).toBe(sources.length - removed.size);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects unsafe patterns on add', () => {
    expect(codeOf(() => new RegexSetMatcher<number>().add('(a)\\1', 1))).toBe('unsafe_pattern');
  });
});
