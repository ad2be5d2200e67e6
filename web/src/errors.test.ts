// The error vocabulary covers every stable code of the API, and what it says never contains a code.
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/errors';
import { ApiError } from './api/client';
import { describeError, describeProblemText, ERROR_WORDS, errorSentence, fieldProblems, wordsFor } from './errors';

const CODES = Object.keys(ERROR_CODES);
/** Looks like a code or an id: snake_case words (`provider_error`, `no_tokens_found`), uuid-like or req- ids. */
const RAW = /\b[a-z]+_[a-z_]+\b|\b[0-9a-f]{8}-[0-9a-f]{4}|\breq-[\w-]+/;

describe('error vocabulary', () => {
  it('has a plain sentence and a next step for every stable code of the API', () => {
    const missing = CODES.filter((c) => !ERROR_WORDS[c]?.sentence || !ERROR_WORDS[c]?.next);
    expect(missing).toEqual([]);
  });

  it('never says a code, and ends its sentences', () => {
    for (const [code, w] of Object.entries(ERROR_WORDS)) {
      for (const text of [w.sentence, w.next]) {
        expect(text, code).not.toMatch(RAW);
        for (const c of CODES) expect(text.includes(c), `${code} says ${c}`).toBe(false);
        expect(text, code).toMatch(/[.!?]$/);
      }
    }
  });

  it('describes an API error by its code and keeps the code and request id for Details only', () => {
    const e = new ApiError(403, 'not_an_approver', 'details.approvers lists who may', 'req-7f3a');
    const d = describeError(e);
    expect(d.sentence).toBe('You are not one of the approvers of this proposal.');
    expect(d.code).toBe('not_an_approver');
    expect(d.requestId).toBe('req-7f3a');
    expect(errorSentence(e)).not.toMatch(RAW);
  });

  it('an unknown code gets a sentence by status, never the code', () => {
    expect(wordsFor('brand_new_code', 409).sentence).toBe(ERROR_WORDS.conflict!.sentence);
    expect(wordsFor('brand_new_code', 502).sentence).toBe(ERROR_WORDS.internal!.sentence);
    expect(errorSentence(new ApiError(418, 'http_418', "I'm a teapot"))).toBe(
      'Something went wrong. Try again in a moment.',
    );
    expect(wordsFor('toString').sentence).toBe('Something went wrong.');
  });

  it('a route the server does not have yet is a notice, not a failure', () => {
    const d = describeError(new ApiError(404, 'route_not_found', 'No route GET /api/x'));
    expect(d.notice).toBe(true);
    expect(d.sentence).toMatch(/not available on this server yet/);
  });

  it('maps validation problems to their fields in plain words', () => {
    const e = new ApiError(
      400,
      'validation_failed',
      'Invalid request: body/name must NOT have fewer than 1 characters',
      null,
      {
        problems: [
          { path: 'body/name', message: 'must NOT have fewer than 1 characters' },
          { path: 'body/domains/0', message: 'must match format "hostname"' },
          { path: 'body/email', message: 'must match format "email"' },
        ],
      },
    );
    expect(fieldProblems(e)).toEqual({
      name: 'This field is required.',
      '0': 'This value is not valid.',
      email: 'Enter an e-mail address.',
    });
  });

  it('reads a field named by details.field, never a message that holds a code', () => {
    expect(
      fieldProblems(new ApiError(400, 'bad_request', 'Enter at least one domain.', null, { field: 'domains' })),
    ).toEqual({
      domains: 'Enter at least one domain.',
    });
    expect(
      fieldProblems(
        new ApiError(400, 'unsafe_pattern', 'unsafe_pattern: nested quantifier', null, { field: 'keywords' }),
      ),
    ).toEqual({
      keywords: 'That subject pattern is not accepted.',
    });
  });

  it('reads a sync problem stored as text without showing its code', () => {
    expect(describeProblemText('provider_error: Graph answered 503')).toEqual(ERROR_WORDS.provider_error);
    expect(describeProblemText('reconnect_required')).toEqual(ERROR_WORDS.reconnect_required);
    expect(describeProblemText('socket hang up')?.sentence).toBe('The last sync did not succeed.');
    expect(describeProblemText(null)).toBeNull();
  });
});
