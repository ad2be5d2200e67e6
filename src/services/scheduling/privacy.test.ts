// Unit tests for privacy mode: opaque client references and name redaction.
import { describe, expect, it } from 'vitest';
import { opaqueRef, redact } from './privacy.js';

describe('privacy', () => {
  it('gives a stable, opaque reference per customer', () => {
    expect(opaqueRef('c1')).toBe(opaqueRef('c1'));
    expect(opaqueRef('c1')).not.toBe(opaqueRef('c2'));
    expect(opaqueRef('c1')).toMatch(/^Client [0-9A-F]{8}$/);
  });

  it('replaces every name case-insensitively, longest first, and leaves other text alone', () => {
    expect(redact('Session with JANE doe; Jane Doe Ltd invoice', ['Jane Doe', 'Jane Doe Ltd'], 'REF')).toBe(
      'Session with REF; REF invoice',
    );
    expect(redact('a.b+c (x)', ['b+c (x)'], 'R')).toBe('a.R');
    expect(redact('Nothing here', [null, undefined, ' ', 'J'], 'R')).toBe('Nothing here');
  });
});
