// Unit tests for template rendering and HTML sanitising.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES, render, sanitizeHtml } from './templates.js';

describe('templates', () => {
  it('renders known placeholders, escapes them in HTML and keeps unknown ones', () => {
    expect(render('{customer} QBR on {date} {unknown}', { customer: 'Acme <Corp>', date: '2026-05-04' })).toBe(
      'Acme <Corp> QBR on 2026-05-04 {unknown}',
    );
    expect(render('<p>{customer}</p>', { customer: 'Acme <Corp> & "Co"' }, { html: true })).toBe(
      '<p>Acme &lt;Corp&gt; &amp; &quot;Co&quot;</p>',
    );
  });

  it('removes scripts and event handlers from bodies', () => {
    const out = sanitizeHtml('<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:alert(1)">l</a>');
    expect(out).toContain('<p>Hi</p>');
    expect(out).not.toMatch(/script|onclick|javascript:/);
  });

  it('answers text without markup as DOMPurify does, without parsing it', async () => {
    const { JSDOM } = await import('jsdom');
    const createDOMPurify = (await import('dompurify')).default;
    const purify = createDOMPurify(new JSDOM('').window as unknown as Parameters<typeof createDOMPurify>[0]);
    for (const text of [
      '',
      ' ',
      'Hello',
      '  lead & trail > x ',
      'a\r\nb\u00a0c',
      'Tom &amp; Jerry',
      '\u0000x',
      '"q" \'s\'',
    ])
      expect(sanitizeHtml(text)).toBe(purify.sanitize(text, { USE_PROFILES: { html: true } }));
    expect(sanitizeHtml('<p>x</p>&nbsp;')).toBe(purify.sanitize('<p>x</p>&nbsp;', { USE_PROFILES: { html: true } }));
  });

  it('ships QBR, kickoff and check-in with sane durations', () => {
    expect(DEFAULT_TEMPLATES.map((t) => [t.key, t.durationMinutes])).toEqual([
      ['qbr', 60],
      ['kickoff', 60],
      ['check-in', 30],
    ]);
    for (const t of DEFAULT_TEMPLATES) expect(t.subjectTemplate).toContain('{customer}');
  });
});
