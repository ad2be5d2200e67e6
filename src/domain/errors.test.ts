// The error registry and docs/errors.md list the same codes (docs/errors.md is generated; this fails on drift).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from '../../scripts/gen-errors-doc.js';
import { AppError, ERROR_CODES, isAppError } from './errors.js';

describe('error registry', () => {
  it('matches docs/errors.md', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderErrorsDoc());
    for (const code of Object.keys(ERROR_CODES)) expect(doc).toContain(`\`${code}\``);
  });

  it('keeps the cause and the default message', () => {
    const cause = new Error('low level');
    const e = new AppError('provider_error', undefined, { cause, details: { status: 502 } });
    expect(e.message).toBe(ERROR_CODES.provider_error.message);
    expect(e.cause).toBe(cause);
    expect(isAppError(e, 'provider_error')).toBe(true);
    expect(isAppError(e, 'not_found')).toBe(false);
  });
});
