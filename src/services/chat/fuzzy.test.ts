// Unit tests for fuzzy account matching: normalisation, OSA distance, similarity rules and ranking.
import { describe, expect, it } from 'vitest';
import { matchAccounts, nameSimilarity, nameTokens, osaDistance, tokenize } from './fuzzy.js';

describe('normalisation', () => {
  it('lower-cases, strips accents and punctuation', () => {
    expect(tokenize('  Société Générale, S.A. & Co ')).toEqual(['societe', 'generale', 's', 'a', 'and', 'co']);
  });

  it('drops legal forms unless nothing else is left', () => {
    expect(nameTokens('Acme Corp, Inc.')).toEqual(['acme']);
    expect(nameTokens('The Group')).toEqual(['the', 'group']);
  });
});

describe('osaDistance', () => {
  it.each([
    ['acme', 'acme', 0],
    ['acme', 'acm', 1],
    ['acme', 'acne', 1],
    ['acme', 'acem', 1], // adjacent transposition costs one edit
    ['contoso', 'contosso', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s = %i', (a, b, d) => {
    expect(osaDistance(a, b)).toBe(d);
    expect(osaDistance(b, a)).toBe(d);
  });
});

describe('nameSimilarity', () => {
  it('scores case, legal forms and suffix noise as exact', () => {
    expect(nameSimilarity('ACME', 'Acme Corp')).toBe(1);
    expect(nameSimilarity('acme corp inc', 'Acme Corp')).toBe(1);
  });

  it('scores a leading-word match as 0.9 and typos above the threshold', () => {
    expect(nameSimilarity('northwind', 'Northwind Traders')).toBe(0.9);
    expect(nameSimilarity('contosso', 'Contoso Ltd')).toBeCloseTo(0.875);
    expect(nameSimilarity('acem', 'Acme')).toBe(0.75);
  });

  it('rejects unrelated words and one- or two-letter fuzzy hits', () => {
    expect(nameSimilarity('globex', 'Acme Corp')).toBeLessThan(0.5);
    expect(nameSimilarity('ac', 'Acme')).toBe(0);
    expect(nameSimilarity('hp', 'HP')).toBe(1);
  });
});

describe('matchAccounts', () => {
  const accounts = [
    { id: '1', name: 'Acme Corp' },
    { id: '2', name: 'Acme Industries' },
    { id: '3', name: 'Contoso Ltd', aliases: ['CTS'] },
  ];

  it('returns one best entry per account, best first', () => {
    const m = matchAccounts('lunch with acme', accounts);
    expect(m.map((x) => [x.id, x.score])).toEqual([
      ['1', 1],
      ['2', 0.9],
    ]);
    expect(m[0]!.matched).toBe('acme');
  });

  it('matches aliases and skips phrases made of ignored words', () => {
    expect(matchAccounts('call cts', accounts, new Set(['call']))[0]?.id).toBe('3');
    expect(matchAccounts('the call', [{ id: 'x', name: 'The Call' }], new Set(['the', 'call']))).toEqual([]);
  });
});
