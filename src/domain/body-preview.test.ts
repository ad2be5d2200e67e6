// The events list's body preview read from a beginning of the body is the preview of the whole body.
import { describe, expect, it } from 'vitest';
import { bodyPreview, previewOfWhole, PREVIEW_LENGTH } from './body-preview.js';

/** A small deterministic generator (tests must not depend on Math.random). */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const PIECES = [
  '<p>',
  '</p>',
  '<br/>',
  '<a href="x>y">',
  'word',
  ' ',
  '  ',
  '\n',
  '\t',
  'a < b',
  '>',
  '<',
  '😀',
  'é',
  '&nbsp;',
  '<!-- c -->',
  '<div class="x"\n>',
];

function body(r: () => number, length: number): string {
  let s = '';
  while (s.length < length) s += PIECES[Math.floor(r() * PIECES.length)]!;
  return s;
}

describe('bodyPreview', () => {
  it('is the preview of the whole body for generated bodies around the lengths where it reads more', () => {
    const r = rng(20);
    for (let i = 0; i < 3000; i++) {
      const length = [100, 300, 500, 530, 2040, 2100, 8180, 40_000][i % 8]! + Math.floor(r() * 64);
      const b = body(r, length);
      expect(bodyPreview(b), JSON.stringify(b.slice(0, 300))).toBe(previewOfWhole(b));
    }
  });

  it('handles the cases a beginning does not decide', () => {
    const text = 'x'.repeat(PREVIEW_LENGTH + 10);
    const cases = [
      // a tag that opens in the first 512 characters and closes after them (its text is not the preview's)
      `${'y '.repeat(200)}<span title="${'z'.repeat(2000)}">${text}`,
      `<div title="${'z'.repeat(5000)}">${text}</div>`,
      // a '<' that never closes: text to the end
      `${'a'.repeat(200)} < ${'b'.repeat(3000)}`,
      // only whitespace and tags after the first 255 characters: the final trim applies
      `${'c'.repeat(PREVIEW_LENGTH - 1)}   ${'<br>  '.repeat(1000)}`,
      `${'c'.repeat(PREVIEW_LENGTH)} ${'<br>\n'.repeat(1000)}`,
      // leading whitespace and tags
      `${' <p> '.repeat(1000)}${text}`,
      // a surrogate pair cut at 512
      `${'d'.repeat(511)}😀${text}`,
      '',
      '<p></p>',
    ];
    for (const b of cases) expect(bodyPreview(b)).toBe(previewOfWhole(b));
    expect(bodyPreview(`<p>Agenda</p>${'<p>notes </p>'.repeat(500)}`)).toMatch(/^Agenda notes notes /);
  });
});
